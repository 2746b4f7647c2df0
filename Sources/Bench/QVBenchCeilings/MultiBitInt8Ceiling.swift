/// The int8 multiply-accumulate ceiling of a path: how fast the instruction the multi-bit GEMM
/// is built on can possibly go, to report a kernel's speed as a fraction of it (bench-only).
import QVKernels
#if arch(x86_64)
import CQVBenchCeilings
#endif

/// Runs `iterations` rounds of the int8 dot-product instruction the multi-bit GEMM uses on
/// `path` (twelve independent accumulators fed from L1-resident bytes) and returns how many int8
/// multiply-accumulates that was. Time the call to get MACs per second; the function itself
/// neither times nor prints. Returns nil when the path has no such instruction here: `.scalar`,
/// `.portable`, a path this CPU cannot run, or a non-x86 machine.
public func int8DotCeiling(path: KernelPath, iterations: Int) -> Int? {
    #if arch(x86_64)
    let rounds = UInt64(max(0, iterations))
    switch MultiBitX86Kernel(path: path) {
    case .avx512Vnni: return Int(qv_vnni_ceiling(rounds))
    case .avxVnni: return Int(qv_avxvnni_ceiling(rounds))
    case .avx2: return Int(qv_avx2_int8_ceiling(rounds))
    case nil: return nil
    }
    #else
    return nil
    #endif
}
