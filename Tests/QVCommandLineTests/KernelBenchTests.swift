import Foundation
import Testing
import QVKernels

/// `qvc bench --kernels`: the JSON contract, the report's header, OpenBLAS without the
/// environment overrides that slow it down, and bad arguments.
@Suite struct KernelBenchTests {
    static let kernels: Set<String> = ["b1xb1", "u2xs2", "u8xs8", "fp32"]

    @Test(arguments: [1, 2])
    func jsonHasOneObjectPerKernelAndShape(_ threads: Int) throws {
        let r = try CLI.run("qvc", ["bench", "--kernels", "--quick", "--json", "--threads", "\(threads)"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
        }
        #expect(!objects.isEmpty)
        var seen: Set<String> = []
        for o in objects {
            for key in ["kernel", "M", "N", "K", "gmacs", "vs_sgemm", "pct_ceiling"] { #expect(o[key] != nil, "missing \(key) in \(o)") }
            let kernel = try #require(o["kernel"] as? String)
            #expect(Self.kernels.contains(kernel))
            #expect(o["M"] as? Int == 128)
            let n = try #require(o["N"] as? Int), k = try #require(o["K"] as? Int)
            #expect([384, 768, 1536, 3072].contains(n) && [384, 768, 1536, 3072].contains(k))
            #expect((o["gmacs"] as? Double ?? 0) > 0)
            #expect((o["vs_sgemm"] as? Double ?? 0) > 0)
            #expect(o["pct_ceiling"] is Double || o["pct_ceiling"] is NSNull)
            #expect(o["threads"] as? Int == threads)
            seen.insert("\(kernel) \(k)x\(n)")
        }
        #expect(seen.count == objects.count, "a (kernel, shape) appears twice")
        #expect(Set(objects.compactMap { $0["kernel"] as? String }) == Self.kernels)
    }

    @Test func textReportNamesFeaturesPathAndOpenBLASWithoutOverrides() throws {
        let r = try CLI.run("qvc", ["bench", "--kernels", "--quick"],
                            environment: ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("CPU features:"))
        #expect(r.stdout.contains("qv kernel path:"))
        #expect(r.stdout.contains("OpenBLAS:") && r.stdout.contains("1 thread"))
        #expect(r.stdout.contains("re-run without OPENBLAS_CORETYPE=Haswell, without OPENBLAS_L2_SIZE=512"), "\(r.stdout.prefix(400))")
        #expect(r.stdout.contains("sgemm"))
    }

    /// `QV_ISA=avx2` on an AVX-512 CPU measures against OpenBLAS's AVX2 (Haswell) kernels and the
    /// ymm FMA ceiling, and says so.
    @Test(.enabled(if: KernelPath.avx512.isSupported, "needs a CPU with AVX-512 (on AVX2-only CPUs both sides are AVX2 already)"))
    func theAVX2PathIsMeasuredAgainstOpenBLASAVX2() throws {
        let r = try CLI.run("qvc", ["bench", "--kernels", "--quick"], environment: ["QV_ISA": "avx2", "OPENBLAS_CORETYPE": nil])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OpenBLAS: Haswell kernels") && r.stdout.contains("re-run with OPENBLAS_CORETYPE=Haswell"),
                "\(r.stdout.prefix(400))")
        #expect(r.stdout.contains("ceiling vfmadd231ps ymm") && !r.stdout.contains("vfmadd231ps zmm"))
    }

    @Test func nothingToRemoveMeansNoReRun() throws {
        let r = try CLI.run("qvc", ["bench", "--kernels", "--quick"],
                            environment: ["OPENBLAS_CORETYPE": nil, "OPENBLAS_L2_SIZE": nil])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("re-run without"))
    }

    @Test func badArgumentsAreUsageErrors() throws {
        for args in [["--threads", "0"], ["model.qvb"], ["--seq", "12"]] {
            let r = try CLI.run("qvc", ["bench", "--kernels"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderrIsOneLine, "\(args): \(r.stderr)")
        }
    }
}
