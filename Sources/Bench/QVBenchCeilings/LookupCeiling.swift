/// The ceiling of the 2-bit table-lookup GEMM (`LookupGemm`): how fast its lookup-and-add
/// instruction pair can possibly go (bench-only).
import QVKernels
#if arch(x86_64)
import CQVBenchCeilings
#endif

/// Runs `iterations` rounds of `vpshufb` + `vpaddb` (twelve independent byte accumulators, tables
/// reloaded from L1, as the lookup kernel reads them) and returns how many 2-bit multiply-adds
/// that was; nil where the 2-bit GEMM of `path` doesn't run the lookup kernel on this CPU.
public func lookupCeiling(path: KernelPath, iterations: Int) -> Int? {
    #if arch(x86_64)
    guard LookupGemm.isUsed(path: path) else { return nil }
    return Int(qv_avx2_lookup_ceiling(UInt64(max(0, iterations))))
    #else
    return nil
    #endif
}
