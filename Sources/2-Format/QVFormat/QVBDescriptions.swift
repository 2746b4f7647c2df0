// Schema names of the format's enums, and shape formatting, for messages. Written out rather than
// derived by reflection so that they also work in Embedded Swift.

extension QVB.ElementType: CustomStringConvertible {
    /// The schema name (`f32`, `i32`, `i8`, `u8`, `u2`, `u1`).
    public var description: String {
        switch self {
        case .f32: return "f32"
        case .i32: return "i32"
        case .i8: return "i8"
        case .u8: return "u8"
        case .u2: return "u2"
        case .u1: return "u1"
        }
    }
}

extension QVB.QuantScheme: CustomStringConvertible {
    /// The schema name (`none`, `signed_symmetric`, `unsigned_offset`, `binary_sign`).
    public var description: String {
        switch self {
        case .none: return "none"
        case .signedSymmetric: return "signed_symmetric"
        case .unsignedOffset: return "unsigned_offset"
        case .binarySign: return "binary_sign"
        }
    }
}

extension QVB.Compression: CustomStringConvertible {
    /// The schema name (`none`, `zstd`).
    public var description: String {
        switch self {
        case .none: return "none"
        case .zstd: return "zstd"
        }
    }
}

/// `[a, b, c]` for a shape.
func describe(shape: [Int]) -> String {
    var text = "["
    for (index, dimension) in shape.enumerated() {
        if index > 0 { text += ", " }
        text += String(dimension)
    }
    return text + "]"
}

/// `0x` and eight hex digits.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
