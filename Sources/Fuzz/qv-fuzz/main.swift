// qv-fuzz: the structure-aware probe of `.qvb` loading (tools/fuzz.sh builds the libFuzzer
// harnesses from the same QVFuzzing library). Each mutant runs in a child process, so a crash,
// an abort or a hang is caught, counted and kept as a file that reproduces it. `qv-fuzz archive`
// packs a folder into one input of the folder harnesses (tools/make-fuzz-seeds.sh).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVCommandLine
import QVFuzzing

let usage = """
    usage: qv-fuzz probe SEED.qvb… [--count N] [--seed S] [--mutations K] [--keep DIR] [--timeout SECONDS] [--verbose]
           qv-fuzz archive FOLDER -o OUT   (every file under FOLDER, by relative name, as one FuzzArchive input)
    """

/// How a child running one mutant ended.
enum ChildEnd: Equatable { case refused, ran, crashed(Int32), hung }

/// Runs `bytes` through the harness in a child process with `timeout` seconds and a 4 GiB
/// address-space limit.
func runInChild(_ bytes: [UInt8], timeout: UInt32) -> ChildEnd {
    let pid = fork()
    if pid == 0 {
        var limit = rlimit(rlim_cur: 4 << 30, rlim_max: 4 << 30)
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        alarm(timeout)
        let outcome = bytes.withUnsafeBytes { QVBHarness.run($0) }
        if case .refused = outcome { _exit(1) }
        _exit(0)
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let signal = status & 0x7f
    if signal == 0 { return (status >> 8) & 0xff == 1 ? .refused : .ran }
    return signal == SIGALRM ? .hung : .crashed(signal)
}

/// `qv-fuzz archive FOLDER -o OUT`: the regular files under FOLDER, named relative to it, as one
/// `FuzzArchive`.
func archive(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["-o"], switches: [])
    guard args.positional.count == 1, let output = args.value("-o") else { throw .usage(usage) }
    let folder = URL(fileURLWithPath: args.positional[0]).standardizedFileURL
    guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
        throw CommandLineError("\(folder.path): cannot list the folder")
    }
    var files: [String: Data] = [:]
    for case let url as URL in walk where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw CommandLineError("\(url.path): cannot read the file") }
        files[String(url.standardizedFileURL.path.dropFirst(folder.path.count + 1))] = data
    }
    try AtomicFile.write(FuzzArchive.encode(files), to: output)
}

let words = Array(CommandLine.arguments.dropFirst())
runCommand(program: "qv-fuzz") { () throws(CommandLineError) in
    if words.first == "archive" { return try archive(Array(words.dropFirst())) }
    guard words.first == "probe" else { throw .usage(usage) }
    let args = try Arguments(Array(words.dropFirst()), valued: ["--count", "--seed", "--mutations", "--keep", "--timeout"],
                             switches: ["--verbose"])
    let count = try args.int("--count", default: 1000, in: 1...Int(Int32.max))
    let firstSeed = UInt64(try args.int("--seed", default: 1, in: 0...Int.max))
    let mutations = try args.int("--mutations", default: 1, in: 1...64)
    let timeout = UInt32(try args.int("--timeout", default: 20, in: 1...3600))
    let keep = args.value("--keep"), verbose = args.has("--verbose")
    guard !args.positional.isEmpty else { throw .usage("give at least one seed .qvb\n" + usage) }
    var seeds: [(path: String, bytes: [UInt8])] = []
    for path in args.positional {
        let mapping = try MappedFile(path: path)
        seeds.append((path, withExtendedLifetime(mapping) { Array(mapping.bytes) }))
    }
    try probe(seeds, count: count, firstSeed: firstSeed, mutations: mutations, timeout: timeout, keep: keep, verbose: verbose)
}

/// Tallies of one mutation kind.
struct Tally { var refused = 0, ran = 0, bad = 0 }

/// Runs `count` mutants of `seeds`, printing each crash and hang (and, when `verbose`, each
/// mutant that loaded and ran) and a table of outcomes by mutation kind; keeps the crashing
/// mutants in `keep`. Throws when any mutant crashed or hung.
func probe(_ seeds: [(path: String, bytes: [UInt8])], count: Int, firstSeed: UInt64, mutations: Int, timeout: UInt32,
           keep: String?, verbose: Bool) throws(CommandLineError) {
    var tally: [String: Tally] = [:]
    for i in 0..<count {
        let seedValue = firstSeed &+ UInt64(i)
        let (path, seed) = seeds[i % seeds.count]
        let mutant = seed.withUnsafeBytes { QVBMutant(seed: $0, seedValue: seedValue, count: mutations) }
        let kind = mutant.map { String($0.changes[0].prefix { $0 != ":" }) } ?? "unwritable"
        guard let mutant else { tally[kind, default: Tally()].refused += 1; continue }
        let end = runInChild(mutant.bytes, timeout: timeout)
        switch end {
        case .refused: tally[kind, default: Tally()].refused += 1
        case .ran: tally[kind, default: Tally()].ran += 1
        case .crashed, .hung: tally[kind, default: Tally()].bad += 1
        }
        guard end != .refused, end != .ran || verbose else { continue }
        let what = end == .ran ? "RAN" : end == .hung ? "HANG" : "CRASH \(end)"
        print("\(what) seed \(seedValue) \(path): \(mutant.changes.joined(separator: "; "))")
        if end != .ran, let keep { try AtomicFile.write(mutant.bytes, to: "\(keep)/mutant-\(seedValue).qvb") }
    }
    func column(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(width - s.count, 0)) + s }
    print("kind" + column("refused", 20) + column("ran", 7) + column("crash/hang", 12))
    for (kind, t) in tally.sorted(by: { $0.key < $1.key }) {
        print(kind + column("\(t.refused)", 24 - kind.count) + column("\(t.ran)", 7) + column("\(t.bad)", 12))
    }
    let bad = tally.values.reduce(0) { $0 + $1.bad }
    print("qv-fuzz: \(count) mutants, \(bad) crashed or hung")
    guard bad == 0 else { throw CommandLineError("\(bad) mutants crashed or hung") }
}

