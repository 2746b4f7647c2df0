/// FP32 math shared by every kernel path, on `SIMD16<Float>` lanes. The functions here are
/// `@_alwaysEmitIntoClient @inline(__always)` and concrete (not generic), so each ISA module (QVKernels for
/// baseline/NEON, QVKernelsAVX2, QVKernelsAVX512) compiles its own copy with its own vector
/// flags, while every path performs the same IEEE operations in the same order — elementwise
/// functions give identical bits, and reductions use a fixed 16-lane tree — so results do not
/// depend on the path.

/// A vector instruction set a module compiles the shared math for. Each ISA module declares its
/// own marker type; because the marker is part of every specialization's symbol name, the
/// AVX-512, AVX2 and baseline copies never merge at link time (they are different code for the
/// same source).
public protocol VectorISA {}

/// The shared 16-lane FP32 row kernels, compiled for `ISA` by the module that names it.
public enum Lanes16<ISA: VectorISA> {}

extension Lanes16 {
    /// Sum of 16 lanes in a fixed pairwise order (halves, then halves again), the same on every ISA.
    @_alwaysEmitIntoClient @inline(__always)
    public static func treeSum(_ v: SIMD16<Float>) -> Float {
        let s8 = v.lowHalf + v.highHalf
        let s4 = s8.lowHalf + s8.highHalf
        let s2 = s4.lowHalf + s4.highHalf
        return s2[0] + s2[1]
    }
}
