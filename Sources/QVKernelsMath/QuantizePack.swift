/// Quantize-and-pack, 16 elements at a time: `Quantizer.code` semantics on `SIMD16<Float>` lanes,
/// packed into 16, 4 or 2 bytes; the row tail and padding are written per row. Inlinable so
/// each ISA module compiles it with its own vector flags; the arithmetic is elementwise, so
/// every path writes the same bytes.

extension Lanes16 {
    /// Quantizes `rows` × `columns` elements of `source` and packs them into rows of `rowStride`
    /// bytes at `destination`, padding included.
    @_alwaysEmitIntoClient @inline(__always)
    public static func quantizePack<Source: FloatMatrixSource>(
        _ source: Source, rows: Int, columns: Int, lanes: LaneQuantizer,
        into destination: UnsafeMutableRawPointer, rowStride: Int
    ) {
        let fullChunks = columns / 16
        let tailCount = columns % 16
        let chunkBytes = 2 * lanes.bits
        for row in 0..<rows {
            let start = destination + row * rowStride
            for chunk in 0..<fullChunks {
                storePacked(lanes.fields(of: source.sixteen(row: row, column: chunk * 16)), bits: lanes.bits,
                            to: start + chunk * chunkBytes, byteCount: chunkBytes)
            }
            var written = fullChunks * chunkBytes
            if tailCount > 0 {
                var x = SIMD16<Float>()
                for lane in 0..<tailCount { x[lane] = source.element(row: row, column: fullChunks * 16 + lane) }
                let fields = lanes.fields(of: x)
                    .replacing(with: lanes.paddingField, where: SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= UInt8(tailCount))
                let byteCount = min(chunkBytes, rowStride - written)
                storePacked(fields, bits: lanes.bits, to: start + written, byteCount: byteCount)
                written += byteCount
            }
            if rowStride > written {
                (start + written).initializeMemory(as: UInt8.self, repeating: lanes.paddingByte, count: rowStride - written)
            }
        }
    }
}

/// `Quantizer.code(_:)` on 16 lanes, returning stored fields. Clamping before rounding gives the
/// same code as rounding before clamping (the bounds are integers), and adding 1.5·2²³ rounds
/// |r| ≤ 2²² to the nearest integer, ties to even, in the default rounding mode.
public struct LaneQuantizer {
    /// Binary sign codes (`x >= offset`).
    public let isBinary: Bool
    /// Real value of code 0.
    public let offset: Float
    /// 1 / scale.
    public let inverseScale: Float
    /// Smallest and largest code, as floats.
    public let lowest: Float, highest: Float
    /// Added to a code to get its field (sub-byte signed codes are stored biased).
    public let fieldBias: Int32
    /// Bits per field: 1, 2 or 8.
    public let bits: Int
    /// The field that pads rows, and a byte full of it.
    public let paddingField: UInt8, paddingByte: UInt8

    /// A lane quantizer from a quantizer's numbers and its format's code range and storage.
    @inlinable
    public init(isBinary: Bool, offset: Float, inverseScale: Float, codeMin: Int32, codeMax: Int32,
                fieldBias: Int32, bits: Int, paddingField: UInt8, paddingByte: UInt8) {
        self.isBinary = isBinary
        self.offset = offset
        self.inverseScale = inverseScale
        lowest = Float(codeMin)
        highest = Float(codeMax)
        self.fieldBias = fieldBias
        self.bits = bits
        self.paddingField = paddingField
        self.paddingByte = paddingByte
    }

    /// The stored fields of 16 values.
    @_alwaysEmitIntoClient @inline(__always)
    public func fields(of x: SIMD16<Float>) -> SIMD16<UInt8> {
        if isBinary {
            return SIMD16<UInt8>(truncatingIfNeeded: SIMD16<Int32>().replacing(with: 1, where: x .>= offset))
        }
        let roundingMagic: Float = 12_582_912
        var r = (x - offset) * inverseScale
        r.replace(with: lowest, where: .!(r .>= lowest))
        r.replace(with: highest, where: r .> highest)
        let codes = unsafeBitCast(r + roundingMagic, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingMagic.bitPattern)
        return SIMD16<UInt8>(truncatingIfNeeded: codes &+ fieldBias)
    }
}

extension Lanes16 {
    /// Packs 16 fields of `bits` bits into `2 * bits` bytes (field i at bits `bits * (i % (8/bits))`
    /// of byte `i / (8/bits)`) and stores the first `byteCount` of them at `destination`. Works on
    /// 32-bit words (four fields each) with shifts, which every ISA vectorises.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storePacked(_ fields: SIMD16<UInt8>, bits: Int, to destination: UnsafeMutableRawPointer, byteCount: Int) {
        if bits == 8 { return storePrefix(fields, to: destination, byteCount: byteCount) }
        let words = unsafeBitCast(fields, to: SIMD4<UInt32>.self)
        if bits == 2 {
            // Bytes b0..b3 of each word (fields 0...3) → 2-bit slots 0, 2, 4, 6 of one byte.
            let packed = (words & 0x3) | ((words &>> 6) & 0xC) | ((words &>> 12) & 0x30) | ((words &>> 18) & 0xC0)
            return storePrefix(SIMD4<UInt8>(truncatingIfNeeded: packed), to: destination, byteCount: byteCount)
        }
        // 1-bit: each word's four fields → a nibble; two words → one byte.
        let nibbles = (words & 0x1) | ((words &>> 7) & 0x2) | ((words &>> 14) & 0x4) | ((words &>> 21) & 0x8)
        let bytes = SIMD2<UInt32>(nibbles[0] | (nibbles[1] &<< 4), nibbles[2] | (nibbles[3] &<< 4))
        storePrefix(SIMD2<UInt8>(truncatingIfNeeded: bytes), to: destination, byteCount: byteCount)
    }

    /// Stores the first `byteCount` bytes of `bytes`.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storePrefix<Bytes: SIMD>(_ bytes: Bytes, to destination: UnsafeMutableRawPointer, byteCount: Int)
    where Bytes.Scalar == UInt8 {
        if byteCount == bytes.scalarCount {
            destination.storeBytes(of: bytes, as: Bytes.self)
        } else {
            for index in 0..<byteCount { destination.storeBytes(of: bytes[index], toByteOffset: index, as: UInt8.self) }
        }
    }
}

/// Where quantization reads element (`row`, `column`) of its FP32 input.
public protocol FloatMatrixSource {
    /// Element (`row`, `column`).
    func element(row: Int, column: Int) -> Float
    /// Elements (`row`, `column` ..< `column + 16`).
    func sixteen(row: Int, column: Int) -> SIMD16<Float>
}

/// Row-major input: element (r, c) at `base[r * stride + c]`.
public struct RowMajorFloats: FloatMatrixSource {
    /// First element.
    public let base: UnsafePointer<Float>
    /// Floats between rows.
    public let stride: Int

    /// A row-major view.
    @inlinable public init(base: UnsafePointer<Float>, stride: Int) { self.base = base; self.stride = stride }

    @_alwaysEmitIntoClient @inline(__always)
    public func element(row: Int, column: Int) -> Float { base[row * stride + column] }

    @_alwaysEmitIntoClient @inline(__always)
    public func sixteen(row: Int, column: Int) -> SIMD16<Float> {
        UnsafeRawPointer(base + row * stride + column).loadUnaligned(as: SIMD16<Float>.self)
    }
}

/// Transposed input: element (r, c) at `base[c * stride + r]`.
public struct TransposedFloats: FloatMatrixSource {
    /// First element.
    public let base: UnsafePointer<Float>
    /// Floats between columns of the view (rows of the underlying matrix).
    public let stride: Int

    /// A transposed view.
    @inlinable public init(base: UnsafePointer<Float>, stride: Int) { self.base = base; self.stride = stride }

    @_alwaysEmitIntoClient @inline(__always)
    public func element(row: Int, column: Int) -> Float { base[column * stride + row] }

    @_alwaysEmitIntoClient @inline(__always)
    public func sixteen(row: Int, column: Int) -> SIMD16<Float> {
        var lanes = SIMD16<Float>()
        let start = base + column * stride + row
        for lane in 0..<16 { lanes[lane] = start[lane * stride] }
        return lanes
    }
}
