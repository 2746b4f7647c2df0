/// Caller-provided scratch for the integer GEMM (XNNPACK style): the GEMM states how many bytes
/// it needs for given shapes, formats and path, and takes them from the caller, 64-byte aligned,
/// so that it never allocates. Two regions: the prepared activations (once per product, shared by
/// every worker that multiplies them) and one multiply region per concurrent call.

/// Bytes of scratch an integer GEMM of M×K activations by N×K weights needs on one path.
public struct IntegerGemmScratch: Sendable, Equatable {
    /// Bytes of the prepared activations (`prepareActivations`): one region per product.
    public let preparedBytes: Int
    /// Bytes of one multiply call over at most `columns` weight rows: one region per worker.
    public let multiplyBytes: Int

    /// The scratch of multiplying `rows` × `depth` activations of format `activations` by up to
    /// `columns` weight rows of format `weights` on `path`, ending in packed codes or in FP32.
    /// Zero for unsupported format pairs (the GEMM refuses them).
    public init(activations: QuantFormat, weights: QuantFormat, rows: Int, columns: Int, depth: Int,
                endsInCodes: Bool, path: KernelPath) {
        guard let operands = IntegerProduct(activations: activations, weights: weights) else {
            preparedBytes = 0; multiplyBytes = 0
            return
        }
        let kernel = IntegerGemmKernel(path: path, operands: operands, activations, weights)
        let shape = GemmShape(rows: max(0, rows), columns: max(0, columns), depth: max(0, depth))
        preparedBytes = kernel.preparedParts(shape).total
        multiplyBytes = kernel.multiplyParts(shape, endsInCodes: endsInCodes).total
    }
}

/// M, N and K of one product.
struct GemmShape {
    let rows: Int
    let columns: Int
    let depth: Int
}

/// The byte counts of a scratch region's (up to three) parts, in the order they are carved; each
/// part starts on a 64-byte boundary.
struct ScratchParts {
    let first: Int, second: Int, third: Int

    init(_ first: Int = 0, _ second: Int = 0, _ third: Int = 0) {
        self.first = first; self.second = second; self.third = third
    }

    /// Bytes of the whole region.
    var total: Int { align64(first) + align64(second) + align64(third) }
}

/// Hands out the parts of a scratch region in order.
struct ScratchCarver {
    private var next: UnsafeMutableRawPointer

    init(_ base: UnsafeMutableRawPointer) { next = base }

    /// The next part, of `bytes` bytes (64-byte aligned).
    mutating func take(_ bytes: Int) -> UnsafeMutableRawPointer {
        defer { next += align64(bytes) }
        return next
    }
}

/// `bytes` rounded up to a multiple of 64.
@inline(__always)
/// `bytes` rounded up to a multiple of 64: every scratch region, arena block and section offset
/// starts on a cache line.
@inlinable
public func align64(_ bytes: Int) -> Int { (bytes + 63) & ~63 }

/// Why `bytes` of scratch at `base` can't hold `needed` bytes, if they can't.
func scratchError(_ base: UnsafeMutableRawPointer, bytes: Int, needed: Int, role: String) -> KernelError? {
    guard Int(bitPattern: base) % 64 != 0 || bytes < needed else { return nil }
    return .badScratch(detail: "\(role) scratch of \(bytes) bytes at address \(Int(bitPattern: base)) is not 64-byte aligned or under the \(needed) bytes IntegerGemmScratch states")
}
