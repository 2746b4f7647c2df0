import QVKernelsMath
/// 1-bit GEMM by popcount, shared by every path: activations go into 8-row panels, a counting
/// kernel (portable, AVX2 or AVX-512) counts popcount(combine(a_m, w_n)) for a block of weight rows
/// read in place, and the counts become dot products and go through the shared epilogue.
/// XOR-popcount gives ±1 × ±1 dot products, AND-popcount gives {0,1} × ±1 ones.
#if arch(x86_64)
import CQVKernelsX86
#endif

/// How popcounts become dot products, and which counting kernels a combine rule has.
protocol PopcountCombine {
    /// The word whose set bits are counted (portable kernel).
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64>
    /// Dot products from counts, as an accumulator transform for the block epilogue, given the
    /// depth K and the number of set bits of each activation row (`activationOnes`).
    static func transform(depth: Int32, activationOnes: UnsafePointer<Int32>) -> AccumulatorTransform
    #if arch(x86_64)
    /// Counts one block with AVX2.
    static func countAVX2(_ block: BinaryCountBlock)
    /// Counts one block with AVX-512 VPOPCNTDQ.
    static func countAVX512(_ block: BinaryCountBlock)
    #endif
}

/// ±1 × ±1: agreeing bits add 1, differing bits subtract 1, so Σ a·w = K − 2·popcount(a XOR w).
enum XorPopcount: PopcountCombine {
    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a ^ w }
}

/// {0,1} × ±1: each set activation bit adds +1 or −1 by its weight bit, so
/// Σ a·w = 2·popcount(a AND w) − popcount(a).
enum AndPopcount: PopcountCombine {
    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a & w }
}

/// One counting job: every panel row against `weightRows` weight rows read in place; count(m, n)
/// lands at `counts[m * BinaryCountBlock.countStride + n]`.
struct BinaryCountBlock {
    let panels: BinaryActivationPanels
    /// Address of the first weight row of the block.
    let weights: UnsafeRawPointer
    let weightStride: Int
    /// Weight rows in the block (1...`BinaryCountBlock.maximumWeightRows`).
    let weightRows: Int
    let counts: UnsafeMutablePointer<Int32>
    /// Working memory of the counting kernel (`BinaryCountBlock.kernelScratchBytes`).
    let kernelScratch: UnsafeMutableRawPointer

    /// Bytes of kernel scratch for the panels of `shape`: the AVX2 kernel splits them into nibbles
    /// (16 bytes per row and word); the others need none.
    static func kernelScratchBytes(_ shape: GemmShape) -> Int {
        #if arch(x86_64)
        return 16 * ((shape.rows + 15) / 16) * 16 * ((shape.depth + 63) / 64)
        #else
        return 0
        #endif
    }

    /// Weight rows per job: 64 keeps the counts of 128 activation rows in 32 KB (L1) while the
    /// per-block drain set-up stays small against the counting.
    static let maximumWeightRows = 64
    /// Int32s from one row of counts to the next.
    static let countStride = maximumWeightRows
}

/// The counting kernel of the 1-bit GEMM a path runs; a path whose instructions the CPU lacks runs
/// the best one it has below it, so no path ever executes an unsupported instruction. Public so
/// that benchmarks measure the ceiling of the kernel the GEMM really runs.
public enum BinaryCountKernel: Sendable {
    /// `SIMD4<UInt64>` + `nonzeroBitCount`.
    case portable
    #if arch(x86_64)
    /// AVX2 nibble-table popcount.
    case avx2
    /// AVX-512 VPOPCNTDQ.
    case avx512
    #endif

    /// The kernel `path` runs on this CPU.
    public init(path: KernelPath) {
        #if arch(x86_64)
        let vectorPopcount = qv_x86_features() & UInt32(QV_X86_AVX512_VPOPCNTDQ) != 0
        switch path {
        case .avx512 where KernelPath.avx512.isSupported && vectorPopcount: self = .avx512
        case .avx512 where KernelPath.avx2.isSupported, .avx2 where KernelPath.avx2.isSupported: self = .avx2
        default: self = .portable
        }
        #else
        self = .portable
        #endif
    }

    @inline(__always)
    func count<Combine: PopcountCombine>(_ block: BinaryCountBlock, combine: Combine.Type) {
        switch self {
        case .portable: binaryCountsPortable(block, combine: Combine.self)
        #if arch(x86_64)
        case .avx2: Combine.countAVX2(block)
        case .avx512: Combine.countAVX512(block)
        #endif
        }
    }
}

/// The scratch of one multiply call: the counts of one block of weight rows for every panel row,
/// then the counting kernel's.
func binaryGemmMultiplyParts(_ shape: GemmShape) -> ScratchParts {
    ScratchParts(16 * ((shape.rows + 15) / 16) * BinaryCountBlock.maximumWeightRows * 4, BinaryCountBlock.kernelScratchBytes(shape))
}

/// The non-scalar paths of `integerGemm` for (b1, b1) and (u1, b1): prepared `panels` of the
/// `rows` activation rows, weights `w`, counts in `scratch` (`binaryGemmMultiplyParts` bytes).
func binaryGemm<Combine: PopcountCombine>(
    _ panels: BinaryActivationPanels, rows: Int, _ w: PackedMatrix, combine: Combine.Type, kernel: BinaryCountKernel,
    path: KernelPath, scratch: UnsafeMutableRawPointer, into destination: GemmDestination
) {
    let parts = binaryGemmMultiplyParts(GemmShape(rows: rows, columns: w.rows, depth: w.columns))
    var carver = ScratchCarver(scratch)
    let counts = carver.take(parts.first).bindMemory(to: Int32.self, capacity: panels.rows * BinaryCountBlock.maximumWeightRows)
    let kernelScratch = carver.take(parts.second)
    let depth = Int32(truncatingIfNeeded: w.columns)
    for first in stride(from: 0, to: w.rows, by: BinaryCountBlock.maximumWeightRows) {
        let weightRows = min(BinaryCountBlock.maximumWeightRows, w.rows - first)
        kernel.count(BinaryCountBlock(panels: panels, weights: w.rowStart(first), weightStride: w.rowStride,
                                      weightRows: weightRows, counts: counts, kernelScratch: kernelScratch),
                     combine: Combine.self)
        storeBinaryCounts(counts, panels: panels, rows: rows, firstColumn: first, columns: weightRows,
                          depth: depth, combine: Combine.self, path: path, into: destination)
    }
}
