// ── STAND-IN, swapped by the lead when merging ──────────────────────────────────────────────
// The instruction-throughput ceilings of `qvc bench --kernels`, implemented here with the local
// C target CQVBenchCeilings until QVKernels exports its own (`binaryPopcountCeiling(...)`,
// `int8DotCeiling(...)`). Only `CeilingLoop` and the three functions below are used elsewhere;
// replacing their bodies with calls to QVKernels (and dropping CQVBenchCeilings from
// Package.swift) is the whole swap.
import CQVBenchCeilings

/// A compute-bound loop on L1-resident data whose speed bounds a family of GEMM kernels.
struct CeilingLoop {
    /// The instruction mix, for the report.
    let name: String
    /// Multiply-adds one round does.
    let macsPerRound: Int
    /// Runs `rounds` rounds and returns a checksum of the results.
    let run: (_ rounds: Int) -> UInt64
}

/// XOR + popcount + add on 512-bit vectors: the ceiling of the binary (b1×b1) GEMM; nil if the
/// CPU lacks AVX-512 VPOPCNTDQ.
func binaryPopcountCeiling() -> CeilingLoop? {
    ceilingLoop("xor+vpopcntq zmm", macsPerRound: Int(QV_CEILING_XOR_POPCOUNT_MACS), qv_ceiling_xor_popcount)
}

/// vpdpbusd on 512-bit vectors: the ceiling of the 2- and 8-bit GEMMs; nil if the CPU lacks
/// AVX-512 VNNI.
func int8DotCeiling() -> CeilingLoop? {
    ceilingLoop("vpdpbusd zmm", macsPerRound: Int(QV_CEILING_DPBUSD_MACS), qv_ceiling_dpbusd)
}

/// vfmadd231ps on 512-bit vectors: the ceiling of the FP32 GEMM; nil without AVX-512.
func floatFMACeiling() -> CeilingLoop? {
    ceilingLoop("vfmadd231ps zmm", macsPerRound: Int(QV_CEILING_FMA_MACS), qv_ceiling_fma)
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
