/// Portable SIMD quantize-and-pack: 16 elements at a time are quantized in `SIMD16<Float>` and
/// packed into 16, 4 or 2 bytes; the row tail and padding are written per row.

func quantizePortable<Source: FloatMatrixSource>(
    _ source: Source, quantizer: Quantizer, into destination: MutablePackedMatrix
) {
    let format = quantizer.format
    let lanes = SixteenLaneQuantizer(quantizer)
    let fullChunks = destination.columns / 16
    let tailCount = destination.columns % 16
    let chunkBytes = 2 * format.bits
    for row in 0..<destination.rows {
        let start = destination.base + row * destination.rowStride
        for chunk in 0..<fullChunks {
            let fields = lanes.fields(of: source.sixteen(row: row, column: chunk * 16))
            storePacked(fields, bits: format.bits, to: start + chunk * chunkBytes, byteCount: chunkBytes)
        }
        var written = fullChunks * chunkBytes
        if tailCount > 0 {
            var fields = SIMD16<UInt8>(repeating: format.paddingField)
            for lane in 0..<tailCount {
                let x = source.element(row: row, column: fullChunks * 16 + lane)
                fields[lane] = format.field(ofCode: quantizer.code(x))
            }
            let byteCount = min(chunkBytes, destination.rowStride - written)
            storePacked(fields, bits: format.bits, to: start + written, byteCount: byteCount)
            written += byteCount
        }
        if destination.rowStride > written {
            (start + written).initializeMemory(
                as: UInt8.self, repeating: format.paddingByte, count: destination.rowStride - written)
        }
    }
}

/// `Quantizer.code(_:)` on 16 lanes, returning stored fields. Clamping before rounding gives the
/// same code as rounding before clamping (the bounds are integers), and adding 1.5·2²³ rounds
/// |r| ≤ 2²² to the nearest integer, ties to even, in the default rounding mode.
struct SixteenLaneQuantizer {
    private let isBinary: Bool
    private let offset: Float
    private let inverseScale: Float
    private let lowest: Float
    private let highest: Float
    /// Added to a code to get its field (sub-byte signed codes are stored biased).
    private let fieldBias: Int32

    private static let roundingMagic: Float = 12_582_912
    private static let roundingMagicBits = Int32(bitPattern: roundingMagic.bitPattern)

    init(_ quantizer: Quantizer) {
        let format = quantizer.format
        isBinary = format.scheme == .binarySign
        offset = quantizer.offset
        inverseScale = quantizer.inverseScale
        lowest = Float(format.codeMin)
        highest = Float(format.codeMax)
        fieldBias = format.scheme == .signedSymmetric && format.bits < 8 ? -format.codeMin : 0
    }

    @inline(__always)
    func fields(of x: SIMD16<Float>) -> SIMD16<UInt8> {
        if isBinary {
            return SIMD16<UInt8>(truncatingIfNeeded: SIMD16<Int32>().replacing(with: 1, where: x .>= offset))
        }
        var r = (x - offset) * inverseScale
        r.replace(with: lowest, where: .!(r .>= lowest))
        r.replace(with: highest, where: r .> highest)
        let shifted = unsafeBitCast(r + Self.roundingMagic, to: SIMD16<Int32>.self)
        let codes = shifted &- Self.roundingMagicBits
        return SIMD16<UInt8>(truncatingIfNeeded: codes &+ fieldBias)
    }
}

/// Packs 16 fields of `bits` bits into `2 * bits` bytes (field i at bits `bits * (i % (8/bits))`
/// of byte `i / (8/bits)`) and stores the first `byteCount` of them at `destination`.
@inline(__always)
private func storePacked(_ fields: SIMD16<UInt8>, bits: Int, to destination: UnsafeMutableRawPointer, byteCount: Int) {
    switch bits {
    case 8:
        storePrefix(fields, to: destination, byteCount: byteCount)
    case 2:
        let shifted = fields &<< SIMD16<UInt8>(0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6)
        let pairs = shifted.evenHalf | shifted.oddHalf
        storePrefix(pairs.evenHalf | pairs.oddHalf, to: destination, byteCount: byteCount)
    default:
        let shifted = fields &<< SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7)
        let pairs = shifted.evenHalf | shifted.oddHalf
        let quads = pairs.evenHalf | pairs.oddHalf
        storePrefix(quads.evenHalf | quads.oddHalf, to: destination, byteCount: byteCount)
    }
}

@inline(__always)
private func storePrefix<Bytes: SIMD>(_ bytes: Bytes, to destination: UnsafeMutableRawPointer, byteCount: Int)
where Bytes.Scalar == UInt8 {
    if byteCount == bytes.scalarCount {
        destination.storeBytes(of: bytes, as: Bytes.self)
    } else {
        for index in 0..<byteCount { destination.storeBytes(of: bytes[index], toByteOffset: index, as: UInt8.self) }
    }
}
