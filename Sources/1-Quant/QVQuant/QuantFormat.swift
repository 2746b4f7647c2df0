/// The integer semantics of a quantized tensor's codes. One definition, shared by the trainer,
/// the compiler and the runtime, so that every stage forms exactly the same codes.
///
/// A code `c` stands for the real value `scale * c + offset`. Raw values are the schema's
/// `QuantScheme` values (formats/qvb.fbs).
public enum QuantScheme: UInt8, Sendable, CaseIterable {
    /// Codes in `-2^(b-1) ... 2^(b-1)-1`, offset normally zero (weights; q, k, v).
    case signedSymmetric = 1
    /// Codes in `0 ... 2^b-1` with a real offset (activations after LayerNorm/GELU; probabilities).
    case unsignedOffset = 2
    /// Codes in `{-1, +1}`: the sign of `x - offset` (1-bit weights and activations).
    case binarySign = 3
}

/// A quantization format: the scheme and bit width, and from them the code range and how codes
/// are stored. Only the formats of `QuantFormat.stored` (the traits table) exist.
public struct QuantFormat: Hashable, Sendable, CustomStringConvertible {
    /// The integer semantics.
    public let scheme: QuantScheme
    /// Bits of a code's range: 1 (binary or unsigned), 2, 4, or 8.
    public let bits: Int
    /// Bits of the field that stores a code: `bits`, except 4-bit codes, which sit in 8-bit
    /// fields (and run on the 8-bit kernels, exactly) until a packed 4-bit kernel exists.
    public let fieldBits: Int

    /// Creates a format without asking the table; only the table's rows and the named formats
    /// below call it.
    @inlinable
    init(storedScheme scheme: QuantScheme, bits: Int, fieldBits: Int? = nil) {
        self.scheme = scheme
        self.bits = bits
        self.fieldBits = fieldBits ?? bits
    }

    /// Creates a format, or returns nil for a combination qv does not store (one that has no
    /// row in `QuantFormat.stored`).
    public init?(scheme: QuantScheme, bits: Int) {
        guard let row = QuantFormat.stored.first(where: { $0.format.scheme == scheme && $0.format.bits == bits }) else {
            return nil
        }
        self = row.format
    }

    /// Binary ±1 codes, one bit each.
    @inlinable public static var binary: QuantFormat { QuantFormat(storedScheme: .binarySign, bits: 1) }
    /// Unsigned {0, 1} codes, one bit each (1-bit attention probabilities).
    @inlinable public static var unsigned1: QuantFormat { QuantFormat(storedScheme: .unsignedOffset, bits: 1) }
    /// Signed 2-bit codes {-2, -1, 0, 1}.
    @inlinable public static var signed2: QuantFormat { QuantFormat(storedScheme: .signedSymmetric, bits: 2) }
    /// Unsigned 2-bit codes {0, 1, 2, 3}.
    @inlinable public static var unsigned2: QuantFormat { QuantFormat(storedScheme: .unsignedOffset, bits: 2) }
    /// Signed 4-bit codes {-8 ... 7}, in 8-bit two's complement fields.
    @inlinable public static var signed4: QuantFormat { QuantFormat(storedScheme: .signedSymmetric, bits: 4, fieldBits: 8) }
    /// Unsigned 4-bit codes {0 ... 15}, in 8-bit fields.
    @inlinable public static var unsigned4: QuantFormat { QuantFormat(storedScheme: .unsignedOffset, bits: 4, fieldBits: 8) }
    /// Signed 8-bit codes {-128 ... 127}.
    @inlinable public static var signed8: QuantFormat { QuantFormat(storedScheme: .signedSymmetric, bits: 8) }
    /// Unsigned 8-bit codes {0 ... 255}.
    @inlinable public static var unsigned8: QuantFormat { QuantFormat(storedScheme: .unsignedOffset, bits: 8) }

    /// Smallest code.
    @inlinable
    public var codeMin: Int32 {
        switch scheme {
        case .signedSymmetric: return -(1 << (bits - 1))
        case .unsignedOffset: return 0
        case .binarySign: return -1
        }
    }

    /// Largest code.
    @inlinable
    public var codeMax: Int32 {
        switch scheme {
        case .signedSymmetric: return (1 << (bits - 1)) - 1
        case .unsignedOffset: return (1 << bits) - 1
        case .binarySign: return 1
        }
    }

    /// The stored field of a code. Sub-byte signed codes are stored biased by `-codeMin`;
    /// binary codes as 1 for +1 and 0 for -1; signed codes in 8-bit fields as two's complement.
    @inlinable @inline(__always)
    public func field(ofCode code: Int32) -> UInt8 {
        switch scheme {
        case .binarySign: return code > 0 ? 1 : 0
        case .unsignedOffset: return UInt8(truncatingIfNeeded: code)
        case .signedSymmetric:
            return fieldBits == 8 ? UInt8(bitPattern: Int8(truncatingIfNeeded: code))
                             : UInt8(truncatingIfNeeded: code - codeMin)
        }
    }

    /// The code a stored field stands for (inverse of `field(ofCode:)`).
    @inlinable @inline(__always)
    public func code(ofField field: UInt8) -> Int32 {
        switch scheme {
        case .binarySign: return field & 1 == 1 ? 1 : -1
        case .unsignedOffset: return Int32(field)
        case .signedSymmetric:
            return fieldBits == 8 ? Int32(Int8(bitPattern: field)) : Int32(field) + codeMin
        }
    }

    /// Short name, e.g. `s2`, `u8`, `b1`.
    public var description: String {
        switch scheme {
        case .binarySign: return "b1"
        case .signedSymmetric: return "s\(bits)"
        case .unsignedOffset: return "u\(bits)"
        }
    }
}
