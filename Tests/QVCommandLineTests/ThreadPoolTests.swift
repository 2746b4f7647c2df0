import Foundation
import Synchronization
import Testing
import QVCommandLine

/// The persistent pool (CQVHost's, as qvc, qvrun and the C API use it) runs every task of every
/// job exactly once, across many jobs in a row (the way a session uses it), and `--threads`
/// changes no output bit.
@Suite struct ThreadPoolTests {
    @Test(arguments: [1, 2, 3])
    func everyTaskOfEveryJobRunsOnce(_ threads: Int) throws {
        let pool = try ThreadPool(threads: threads)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64)
        defer { counts.deallocate() }
        for job in 0..<2_000 {
            let tasks = job % 7 == 0 ? 1 + job % 64 : 1 + job % 4
            counts.initialize(repeating: 0)
            pool.run(tasks) { counts[$0] += 1 }
            let wrong = (0..<64).filter { counts[$0] != ($0 < tasks ? 1 : 0) }
            #expect(wrong.isEmpty, "job \(job) with \(tasks) tasks: tasks \(wrong) ran \(wrong.map { counts[$0] }) times")
            if !wrong.isEmpty { break }
        }
    }

    /// A run of more tasks than one job holds (0xFFFF) is split into jobs, each task run once.
    @Test func runsLargerThanOneJobRunEveryTaskOnce() throws {
        let pool = try ThreadPool(threads: 2)
        let tasks = 3 * 0xFFFF + 5
        let counts = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: tasks)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        pool.run(tasks) { counts[$0] &+= 1 }
        let wrong = (0..<tasks).filter { counts[$0] != 1 }
        #expect(wrong.isEmpty, "\(wrong.count) tasks ran other than once, first \(wrong.prefix(3))")
    }

    @Test func sleepingWorkersWakeAndRunTasksConcurrently() throws {
        let pool = try ThreadPool(threads: 2)
        let started = Atomic<Int>(0)
        for round in 1...3 {
            usleep(100_000)  // long enough for the worker to stop spinning and sleep
            let met = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 2)
            defer { met.deallocate() }
            pool.run(2) { task in
                // Each task waits (at most 10 s) for the other to start: only two threads can meet.
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = monotonicMilliseconds() + 10_000
                while started.load(ordering: .sequentiallyConsistent) < 2 * round && monotonicMilliseconds() < deadline {}
                met[task] = started.load(ordering: .sequentiallyConsistent) >= 2 * round
            }
            #expect(met[0] && met[1], "round \(round): the two tasks did not run at the same time")
        }
    }

    @Test func parallelForHasTheThreadCount() throws {
        #expect(try ThreadPool(threads: 3).parallelFor.workers == 3)
        #expect(try ThreadPool(threads: 1).parallelFor.workers == 1)
    }

    @Test func threadsChangeNoOutputBit() throws {
        for bits in ["fp32", "w1a1"] {
            let model = try CLI.compiledMiniLM(bits)
            let text = String(repeating: "Threads split every large product by output columns. ", count: 12)
            let one = try CLI.run("qvrun", [model, "--text", text, "--json"])
            let two = try CLI.run("qvrun", [model, "--text", text, "--json", "--threads", "2"])
            #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
            func embedding(_ s: String) throws -> [Double] {
                try #require((try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])?["embedding"] as? [Double])
            }
            let a = try embedding(one.stdout), b = try embedding(two.stdout)
            #expect(a.count == 384)
            #expect(a == b, "\(bits): --threads 2 changed the embedding")
        }
    }

    @Test func badThreadCountsAreUsageErrors() throws {
        let model = try CLI.compiledMiniLM("w1a1")
        for count in ["0", "-1", "many", "100000"] {
            let r = try CLI.run("qvrun", [model, "--text", "hi", "--threads", count])
            #expect(r.status != 0)
            #expect(r.stderrIsOneLine && r.stderr.contains("--threads"), "\(r.stderr)")
        }
    }
}
