/// The integer semantics of a quantized tensor's codes. One definition, shared by the trainer,
/// the compiler and the runtime, so that every stage forms exactly the same codes.
///
/// A code `c` stands for the real value `scale * c + offset`.
public enum QuantScheme: UInt8, Sendable, CaseIterable {
    /// Codes in `-2^(b-1) ... 2^(b-1)-1`, offset normally zero (weights; q, k, v).
    case signedSymmetric = 1
    /// Codes in `0 ... 2^b-1` with a real offset (activations after LayerNorm/GELU; probabilities).
    case unsignedOffset = 2
    /// Codes in `{-1, +1}`: the sign of `x - offset` (1-bit weights and activations).
    case binarySign = 3
}

/// A quantization format: the scheme and bit width, and from them the code range and how codes
/// are stored. This is qv's table of quant formats (like ggml's type traits).
public struct QuantFormat: Hashable, Sendable, CustomStringConvertible {
    /// The integer semantics.
    public let scheme: QuantScheme
    /// Bits per code: 1 (binary or unsigned), 2, or 8.
    public let bits: Int

    /// Creates a format, or returns nil for a combination qv does not store
    /// (binary codes are 1-bit; stored widths are 1, 2 and 8 bits).
    public init?(scheme: QuantScheme, bits: Int) {
        switch (scheme, bits) {
        case (.binarySign, 1), (.unsignedOffset, 1), (.signedSymmetric, 2), (.unsignedOffset, 2),
             (.signedSymmetric, 8), (.unsignedOffset, 8):
            self.scheme = scheme
            self.bits = bits
        default:
            return nil
        }
    }

    /// Binary ±1 codes, one bit each.
    public static let binary = QuantFormat(scheme: .binarySign, bits: 1)!
    /// Unsigned {0, 1} codes, one bit each (1-bit attention probabilities).
    public static let unsigned1 = QuantFormat(scheme: .unsignedOffset, bits: 1)!
    /// Signed 2-bit codes {-2, -1, 0, 1}.
    public static let signed2 = QuantFormat(scheme: .signedSymmetric, bits: 2)!
    /// Unsigned 2-bit codes {0, 1, 2, 3}.
    public static let unsigned2 = QuantFormat(scheme: .unsignedOffset, bits: 2)!
    /// Signed 8-bit codes {-128 ... 127}.
    public static let signed8 = QuantFormat(scheme: .signedSymmetric, bits: 8)!
    /// Unsigned 8-bit codes {0 ... 255}.
    public static let unsigned8 = QuantFormat(scheme: .unsignedOffset, bits: 8)!

    /// Smallest code.
    public var codeMin: Int32 {
        switch scheme {
        case .signedSymmetric: return -(1 << (bits - 1))
        case .unsignedOffset: return 0
        case .binarySign: return -1
        }
    }

    /// Largest code.
    public var codeMax: Int32 {
        switch scheme {
        case .signedSymmetric: return (1 << (bits - 1)) - 1
        case .unsignedOffset: return (1 << bits) - 1
        case .binarySign: return 1
        }
    }

    /// Fields packed into one byte.
    public var fieldsPerByte: Int { 8 / bits }

    /// The stored field of a code. Sub-byte signed codes are stored biased by `-codeMin`;
    /// binary codes as 1 for +1 and 0 for -1; 8-bit signed codes as two's complement.
    @inline(__always)
    public func field(ofCode code: Int32) -> UInt8 {
        switch scheme {
        case .binarySign: return code > 0 ? 1 : 0
        case .unsignedOffset: return UInt8(truncatingIfNeeded: code)
        case .signedSymmetric:
            return bits == 8 ? UInt8(bitPattern: Int8(truncatingIfNeeded: code))
                             : UInt8(truncatingIfNeeded: code - codeMin)
        }
    }

    /// The code a stored field stands for (inverse of `field(ofCode:)`).
    @inline(__always)
    public func code(ofField field: UInt8) -> Int32 {
        switch scheme {
        case .binarySign: return field & 1 == 1 ? 1 : -1
        case .unsignedOffset: return Int32(field)
        case .signedSymmetric:
            return bits == 8 ? Int32(Int8(bitPattern: field)) : Int32(field) + codeMin
        }
    }

    /// The field that pads a packed row: the one whose code contributes nothing to a dot
    /// product (code 0; for binary rows the 0 bit, whose contribution the kernels cancel).
    public var paddingField: UInt8 { scheme == .binarySign ? 0 : field(ofCode: 0) }

    /// Bytes one packed row of `count` codes takes before padding.
    public func packedBytes(count: Int) -> Int { (count * bits + 7) / 8 }

    /// Short name, e.g. `s2`, `u8`, `b1`.
    public var description: String {
        switch scheme {
        case .binarySign: return "b1"
        case .signedSymmetric: return "s\(bits)"
        case .unsignedOffset: return "u\(bits)"
        }
    }
}

/// A quantizer: format plus real scale and offset. `code(_:)` is *the* rounding rule:
/// `clamp(roundHalfEven((x - offset) * (1 / scale)))`, or `x >= offset ? +1 : -1` for binary.
public struct Quantizer: Hashable, Sendable {
    /// The code format.
    public let format: QuantFormat
    /// Step between neighbouring codes (> 0).
    public let scale: Float
    /// Real value of code 0.
    public let offset: Float
    /// `1 / scale`, computed once: every implementation multiplies by this, never divides.
    public let inverseScale: Float

    /// Creates a quantizer; `scale` must be positive and finite.
    public init(format: QuantFormat, scale: Float, offset: Float = 0) {
        precondition(scale > 0 && scale.isFinite, "quantizer scale must be positive and finite")
        self.format = format
        self.scale = scale
        self.offset = offset
        self.inverseScale = 1 / scale
    }

    /// The code for a real value.
    @inline(__always)
    public func code(_ x: Float) -> Int32 {
        if format.scheme == .binarySign { return x >= offset ? 1 : -1 }
        let r = ((x - offset) * inverseScale).rounded(.toNearestOrEven)
        // Compare in Float so that NaN and ±inf clamp instead of trapping on conversion.
        let lo = Float(format.codeMin), hi = Float(format.codeMax)
        if !(r >= lo) { return format.codeMin }
        if r > hi { return format.codeMax }
        return Int32(r)
    }

    /// The real value a code stands for.
    @inline(__always)
    public func value(ofCode code: Int32) -> Float { scale * Float(code) + offset }

    /// `value(ofCode: code(x))`: the fake-quantized value the trainer's forward pass uses.
    @inline(__always)
    public func fakeQuantize(_ x: Float) -> Float { value(ofCode: code(x)) }
}
