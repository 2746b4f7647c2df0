// Shared helpers for the QVKernels testers (data from QVKernels' SeededGenerator): owned buffers, packed random
// matrices and naive references over plain code arrays.
import QVKernels

/// Every stored format (the rows of QVQuant's traits table), for sweeps.
let allFormats: [QuantFormat] = QuantFormat.stored.map { $0.format }

/// Memory for one packed matrix, with guard bytes after it that kernels must not touch.
final class PackedBuffer {
    static let guardBytes = 64
    static let guardValue: UInt8 = 0x5C

    let matrix: MutablePackedMatrix
    private let byteCount: Int

    init(rows: Int, columns: Int, format: QuantFormat, rowStride: Int? = nil, fill: UInt8 = 0xE7) {
        let stride = rowStride ?? packedRowStride(columns: columns, format: format)
        byteCount = rows * stride
        let base = UnsafeMutableRawPointer.allocate(byteCount: byteCount + Self.guardBytes, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: fill, count: byteCount)
        (base + byteCount).initializeMemory(as: UInt8.self, repeating: Self.guardValue, count: Self.guardBytes)
        matrix = MutablePackedMatrix(base: base, rows: rows, columns: columns, rowStride: stride, format: format)
    }

    deinit { matrix.base.deallocate() }

    var packed: PackedMatrix { matrix.readOnly }

    /// All bytes of the matrix (padding included).
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: matrix.base, count: byteCount)) }

    /// Whether the guard bytes after the matrix are intact.
    var guardIntact: Bool {
        UnsafeRawBufferPointer(start: matrix.base + byteCount, count: Self.guardBytes).allSatisfy { $0 == Self.guardValue }
    }

    /// Codes read back row-major.
    var codes: [Int32] {
        var result: [Int32] = []
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns { result.append(packed.code(row: row, column: column)) }
        }
        return result
    }

    /// Whether every field slot after the last code of every row holds the padding field.
    var paddingIsCanonical: Bool {
        let format = matrix.format
        for row in 0..<matrix.rows {
            let start = matrix.base + row * matrix.rowStride
            for slot in matrix.columns..<(matrix.rowStride * format.fieldsPerByte) {
                let byte = start.load(fromByteOffset: slot / format.fieldsPerByte, as: UInt8.self)
                let field = (byte >> UInt8(format.bits * (slot % format.fieldsPerByte))) & format.fieldMask
                if field != format.paddingField { return false }
            }
        }
        return true
    }
}

/// A packed matrix of uniformly random codes, canonically padded, and its codes row-major.
func randomPacked(
    rows: Int, columns: Int, format: QuantFormat, using generator: inout SeededGenerator
) -> (buffer: PackedBuffer, codes: [Int32]) {
    let buffer = PackedBuffer(rows: rows, columns: columns, format: format)
    var codes: [Int32] = []
    for row in 0..<rows {
        for column in 0..<columns {
            let code = Int32.random(in: format.codeMin...format.codeMax, using: &generator)
            let stored = format.scheme == .binarySign ? (code >= 0 ? 1 : -1) : code
            buffer.matrix.setCode(stored, row: row, column: column)
            codes.append(stored)
        }
    }
    buffer.matrix.writePadding()
    return (buffer, codes)
}

/// Naive acc[m][n] = Σ_k a[m][k] · w[n][k] over plain code arrays.
func naiveAccumulators(_ a: [Int32], _ w: [Int32], m: Int, n: Int, k: Int) -> [Int32] {
    var result = [Int32](repeating: 0, count: m * n)
    for row in 0..<m {
        for column in 0..<n {
            var sum: Int32 = 0
            for index in 0..<k { sum &+= a[row * k + index] &* w[column * k + index] }
            result[row * n + column] = sum
        }
    }
    return result
}

/// `count` random floats in `range`.
func randomFloats(_ count: Int, in range: ClosedRange<Float>, using generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &generator) }
}

/// Distance between `value` and `reference` in units of the FP32 ulp at `reference`.
func ulpDistance(_ value: Float, _ reference: Double) -> Double {
    let rounded = Float(reference)
    let ulp = Double(rounded == 0 ? Float.leastNonzeroMagnitude : rounded.ulp)
    return abs(Double(value) - reference) / ulp
}

/// The shapes the GEMM testers sweep (odd sizes on purpose).
let sweepRows = [1, 3, 17]
let sweepColumns = [1, 5, 33]
let sweepDepths = [1, 7, 63, 64, 65, 130, 513]
