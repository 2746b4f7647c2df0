/// FP32 math shared by every kernel path, on `SIMD16<Float>` lanes. The functions here are
/// `@_alwaysEmitIntoClient @inline(__always)` and concrete (not generic), so each ISA module (QVKernels for
/// baseline/NEON, QVKernelsAVX2, QVKernelsAVX512) compiles its own copy with its own vector
/// flags, while every path performs the same IEEE operations in the same order — elementwise
/// functions give identical bits, and reductions use a fixed 16-lane tree — so results do not
/// depend on the path.

/// A vector instruction set a module compiles the shared math for. Each ISA module declares its
/// own marker type; because the marker is part of every specialization's symbol name, the
/// AVX-512, AVX2 and baseline copies never merge at link time (they are different code for the
/// same source). Its two requirements are the bit-level steps Swift's SIMD types cannot say
/// directly (a lane mask as an integer); an ISA module implements them with its instructions,
/// and the defaults below are the portable forms (NEON `addv` on ARM64).
public protocol VectorISA {
    /// Bit i of the result is lane i of `mask`.
    static func laneBits(_ mask: SIMDMask<SIMD16<Int32>>) -> UInt16
    /// Bit i of `low` at bit 2i and bit i of `high` at bit 2i+1.
    static func interleaveBits(_ low: UInt16, _ high: UInt16) -> UInt32
    /// Each lane converted to the nearest Float (ties to even), as `Float(_: Int32)` does.
    static func floats(_ integers: SIMD16<Int32>) -> SIMD16<Float>
}

extension VectorISA {
    /// Portable `laneBits`: each true lane contributes its own power of two.
    @_alwaysEmitIntoClient @inline(__always)
    public static func laneBits(_ mask: SIMDMask<SIMD16<Int32>>) -> UInt16 {
        let powers = SIMD16<UInt32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        return UInt16(truncatingIfNeeded: SIMD16<UInt32>().replacing(with: powers, where: mask).wrappedSum())
    }

    /// Portable `floats`: the standard library's lane-wise conversion.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floats(_ integers: SIMD16<Int32>) -> SIMD16<Float> { SIMD16<Float>(integers) }

    /// Portable `interleaveBits`: spreads each half-word to the even bits (shift-and-mask ladder).
    @_alwaysEmitIntoClient @inline(__always)
    public static func interleaveBits(_ low: UInt16, _ high: UInt16) -> UInt32 {
        func spread(_ v: UInt16) -> UInt32 {
            var x = UInt32(v)
            x = (x | x &<< 8) & 0x00FF_00FF
            x = (x | x &<< 4) & 0x0F0F_0F0F
            x = (x | x &<< 2) & 0x3333_3333
            return (x | x &<< 1) & 0x5555_5555
        }
        return spread(low) | spread(high) &<< 1
    }
}

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
