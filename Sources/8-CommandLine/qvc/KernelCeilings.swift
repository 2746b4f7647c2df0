// The instruction-throughput ceilings of `qvc bench --kernels`, from the bench-only modules:
// the ways to count bits, int8 dot products and 2-bit table lookups for the kernel the GEMMs of a path run (QVBenchCeilings)
// and an FMA loop for FP32 (CQVBenchCeilings).
import CQVBenchCeilings
import QVBenchCeilings
import QVKernels

/// A compute-bound loop on L1-resident data whose speed bounds a family of GEMM kernels.
struct CeilingLoop {
    /// The instruction mix, for the report.
    let name: String
    /// Multiply-adds one round does.
    let macsPerRound: Int
    /// Runs `rounds` rounds and returns a checksum of the results.
    let run: (_ rounds: Int) -> UInt64
}

/// Each way the binary GEMM of `path` could count bits on this CPU: its honest ceiling is the
/// fastest of them.
func popcountCeilingLoops(_ path: KernelPath) -> [CeilingLoop] {
    bitCountingMethods(path: path).compactMap { method in
        let perRound = method.run(iterations: 1).multiplyAccumulates
        guard perRound > 0 else { return nil }
        return CeilingLoop(name: method.name, macsPerRound: perRound) { method.run(iterations: $0).checksum }
    }
}

/// The int8 dot-product instruction the 2-/8-bit GEMM of `path` uses (vpdpbusd on AVX-512): its
/// ceiling; nil where that path has no such instruction.
func int8CeilingLoop(_ path: KernelPath) -> CeilingLoop? {
    guard let perRound = int8DotCeiling(path: path, iterations: 1), perRound > 0 else { return nil }
    return CeilingLoop(name: "int8 dot (\(path.rawValue))", macsPerRound: perRound) {
        UInt64(int8DotCeiling(path: path, iterations: $0) ?? 0)
    }
}

/// The table lookup the 2-bit GEMM of `path` runs instead of int8 dot products, where it does:
/// its ceiling; nil elsewhere.
func lookupCeilingLoop(_ path: KernelPath) -> CeilingLoop? {
    guard let perRound = lookupCeiling(path: path, iterations: 1), perRound > 0 else { return nil }
    return CeilingLoop(name: "vpshufb lookup (\(path.rawValue))", macsPerRound: perRound) {
        UInt64(lookupCeiling(path: path, iterations: $0) ?? 0)
    }
}

/// vfmadd231ps on the vectors of `path`'s FP32 GEMM — 256-bit on `.avx2`, else 512-bit — its
/// ceiling; nil where the CPU lacks them.
func floatFMACeiling(_ path: KernelPath) -> CeilingLoop? {
    path == .avx2
        ? ceilingLoop("vfmadd231ps ymm", macsPerRound: Int(QV_CEILING_FMA_AVX2_MACS), qv_ceiling_fma_avx2)
        : ceilingLoop("vfmadd231ps zmm", macsPerRound: Int(QV_CEILING_FMA_MACS), qv_ceiling_fma)
}

/// Wraps a C ceiling function, checking once that the CPU runs it. Each run fills its own
/// buffer (FP32 values in [0.5, 1), harmless bits for the integer loops too).
private func ceilingLoop(
    _ name: String, macsPerRound: Int,
    _ function: @escaping (UnsafeRawPointer?, UInt64, UnsafeMutablePointer<UInt64>?) -> Int32
) -> CeilingLoop? {
    func run(_ rounds: Int) -> UInt64? {
        let bytes = Int(QV_CEILING_BUFFER_BYTES)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { buffer.deallocate() }
        let floats = buffer.bindMemory(to: Float.self, capacity: bytes / 4)
        for i in 0..<bytes / 4 { floats[i] = 0.5 + Float(i % 97) / 194 }
        var checksum: UInt64 = 0
        return function(buffer, UInt64(rounds), &checksum) == 1 ? checksum : nil
    }
    guard run(1) != nil else { return nil }
    return CeilingLoop(name: name, macsPerRound: macsPerRound) { rounds in run(rounds) ?? 0 }
}
