/// Quantize-and-pack, 16 elements at a time: `Quantizer.code` semantics on `SIMD16<Float>` lanes,
/// packed into 16, 4 or 2 bytes; the row tail and padding are written per row. Inlinable so
/// each ISA module compiles it with its own vector flags; the arithmetic is elementwise, so
/// every path writes the same bytes.
///
/// 1- and 2-bit codes are formed by comparisons instead of rounding: with r = (x − offset)·(1/scale),
/// roundHalfEven(clamp(r)) ≥ c exactly when r ≥ c − ½ for even c, or r > c − ½ (that is,
/// r ≥ nextUp(c − ½)) for odd c. So a field is the number of its format's code boundaries r
/// reaches, and the boundary masks become packed bits directly (`VectorISA.laneBits`).

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
                storeChunk(lanes, source.sixteen(row: row, column: chunk * 16), count: 16, to: start + chunk * chunkBytes,
                           byteCount: chunkBytes)
            }
            var written = fullChunks * chunkBytes
            if tailCount > 0 {
                var x = SIMD16<Float>()
                for lane in 0..<tailCount { x[lane] = source.element(row: row, column: fullChunks * 16 + lane) }
                let byteCount = min(chunkBytes, rowStride - written)
                storeChunk(lanes, x, count: tailCount, to: start + written, byteCount: byteCount)
                written += byteCount
            }
            if rowStride > written {
                (start + written).initializeMemory(as: UInt8.self, repeating: lanes.paddingByte, count: rowStride - written)
            }
        }
    }

    /// Quantizes 16 values, of which the first `count` are real (the rest become padding fields),
    /// and stores the first `byteCount` bytes of their packed fields.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storeChunk(_ lanes: LaneQuantizer, _ x: SIMD16<Float>, count: Int,
                           to destination: UnsafeMutableRawPointer, byteCount: Int) {
        if lanes.bits == 8 {
            let fields = lanes.fields(of: x)
                .replacing(with: lanes.paddingField, where: SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= UInt8(count))
            return storePrefix(fields, to: destination, byteCount: byteCount)
        }
        var word = packedWord(lanes, x)
        if count < 16 {
            let keep: UInt32 = (1 << UInt32(count * lanes.bits)) &- 1
            word = (word & keep) | (lanes.paddingWord & ~keep)
        }
        storePrefix(word, to: destination, byteCount: byteCount)
    }

    /// The packed 1- or 2-bit fields of 16 values (field i at bits `bits·i`).
    @_alwaysEmitIntoClient @inline(__always)
    public static func packedWord(_ lanes: LaneQuantizer, _ x: SIMD16<Float>) -> UInt32 {
        if lanes.isBinary { return UInt32(ISA.laneBits(x .>= lanes.offset)) }
        let r = (x - lanes.offset) * lanes.inverseScale
        let first = ISA.laneBits(r .>= lanes.boundaries[0])
        if lanes.bits == 1 { return UInt32(first) }
        let second = ISA.laneBits(r .>= lanes.boundaries[1]), third = ISA.laneBits(r .>= lanes.boundaries[2])
        // Boundary masks are nested, so the field's low bit is their parity and its high bit the second.
        return ISA.interleaveBits(first ^ second ^ third, second)
    }

    /// Stores the low `byteCount` bytes of `word`, least significant first.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storePrefix(_ word: UInt32, to destination: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount == 4 { return destination.storeBytes(of: word.littleEndian, as: UInt32.self) }
        if byteCount == 2 { return destination.storeBytes(of: UInt16(truncatingIfNeeded: word).littleEndian, as: UInt16.self) }
        for index in 0..<byteCount {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: word >> UInt32(8 * index)), toByteOffset: index, as: UInt8.self)
        }
    }
}

/// `Quantizer.code(_:)` on 16 lanes. Clamping before rounding gives the same code as rounding
/// before clamping (the bounds are integers), and adding 1.5·2²³ rounds |r| ≤ 2²² to the
/// nearest integer, ties to even, in the default rounding mode.
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
    /// The field that pads rows, a byte full of it, and 16 of them packed (1- and 2-bit formats).
    public let paddingField: UInt8, paddingByte: UInt8, paddingWord: UInt32
    /// For 1- and 2-bit non-binary formats: field ≥ j exactly when r ≥ `boundaries[j − 1]`
    /// (code c = lowest + j: c − ½, or the next float above it when c is odd; unused slots +∞).
    public let boundaries: SIMD4<Float>

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
        paddingWord = UInt32(paddingByte) &* 0x0101_0101
        var boundaries = SIMD4<Float>(repeating: .infinity)
        if bits < 8 {
            for j in 1...min(3, Int(codeMax - codeMin)) {
                let code = codeMin + Int32(j), half = Float(code) - 0.5
                boundaries[j - 1] = code % 2 == 0 ? half : half.nextUp
            }
        }
        self.boundaries = boundaries
    }

    /// The stored fields of 16 values (8-bit formats).
    @_alwaysEmitIntoClient @inline(__always)
    public func fields(of x: SIMD16<Float>) -> SIMD16<UInt8> {
        let roundingMagic: Float = 12_582_912
        var r = (x - offset) * inverseScale
        r.replace(with: lowest, where: .!(r .>= lowest))
        r.replace(with: highest, where: r .> highest)
        let codes = unsafeBitCast(r + roundingMagic, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingMagic.bitPattern)
        return SIMD16<UInt8>(truncatingIfNeeded: codes &+ fieldBias)
    }
}

extension Lanes16 {
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
