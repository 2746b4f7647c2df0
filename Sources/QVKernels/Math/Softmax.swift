import QVKernelsMath
#if arch(x86_64)
import QVKernelsAVX2
import QVKernelsAVX512
#endif

/// Softmax over one row (QVKernelsMath's `softmaxRow`: 16 lanes, fixed reduction tree), run by
/// the instantiation of `path`; every path gives the same bits.

/// Replaces `count` floats at `values` by their softmax. Entries equal to `-Float.infinity` get
/// probability 0; if every entry is `-infinity` (nothing to attend to) all become 0. A NaN or
/// `+infinity` entry makes the row NaN.
public func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, path: KernelPath = .portable) {
    #if arch(x86_64)
    switch path {
    case .avx512: return QVKernelsAVX512.softmaxRow(values, count: count)
    case .avx2: return QVKernelsAVX2.softmaxRow(values, count: count)
    case .scalar, .portable, .neon: break
    }
    #endif
    BaselineKernels.softmaxRow(values, count: count)
}
