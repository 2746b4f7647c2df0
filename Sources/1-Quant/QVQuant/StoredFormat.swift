/// The traits table: one row per format qv stores (like ggml's type traits). Every stage that
/// needs to know which formats exist, how each is stored in a `.qvb`, or which kernels multiply
/// it reads this table; a new format is a new row here plus its kernels.

/// How a format's codes are stored as tensor elements. Raw values are the schema's
/// `ElementType` values (formats/qvb.fbs).
public enum ElementStorage: UInt8, Sendable, CaseIterable {
    /// 8-bit codes, two's complement.
    case i8 = 2
    /// 8-bit codes, unsigned.
    case u8 = 3
    /// 2-bit fields, 4 per byte.
    case u2 = 4
    /// 1-bit fields, 8 per byte.
    case u1 = 5
}

/// Which family of integer GEMM kernels reads a format's codes.
public enum KernelFamily: Sendable, CaseIterable {
    /// ±1 codes as single bits, multiplied by popcounts.
    case signBits
    /// {0, 1} codes as single bits, multiplied by popcounts against sign bits.
    case unsignedBits
    /// Multi-bit codes widened to integers and multiplied (VNNI, SDOT/UDOT, scalar).
    case multiBit
}

/// One row of the traits table.
public struct StoredFormat: Hashable, Sendable {
    /// The format (scheme and bits).
    public let format: QuantFormat
    /// How its codes are stored as tensor elements.
    public let storage: ElementStorage
    /// The kernels that multiply it.
    public let family: KernelFamily

    /// The integer semantics (`format.scheme`).
    public var scheme: QuantScheme { format.scheme }
    /// Bits per code (`format.bits`).
    public var bits: Int { format.bits }

    init(_ format: QuantFormat, storage: ElementStorage, family: KernelFamily) {
        self.format = format
        self.storage = storage
        self.family = family
    }
}

extension QuantFormat {
    /// Every format qv stores, one row each.
    public static let stored: [StoredFormat] = [
        StoredFormat(.binary, storage: .u1, family: .signBits),
        StoredFormat(.unsigned1, storage: .u1, family: .unsignedBits),
        StoredFormat(.signed2, storage: .u2, family: .multiBit),
        StoredFormat(.unsigned2, storage: .u2, family: .multiBit),
        StoredFormat(.signed4, storage: .i8, family: .multiBit),
        StoredFormat(.unsigned4, storage: .u8, family: .multiBit),
        StoredFormat(.signed8, storage: .i8, family: .multiBit),
        StoredFormat(.unsigned8, storage: .u8, family: .multiBit),
    ]

    /// This format's row of the traits table.
    public var traits: StoredFormat {
        guard let row = QuantFormat.stored.first(where: { $0.format == self }) else {
            preconditionFailure("every QuantFormat has a row in QuantFormat.stored")
        }
        return row
    }

    /// The stored format of `scheme` at `bits` whose codes are stored as `storage`, or nil if
    /// the table has no such row (the check a file's tensor and value types must pass).
    public init?(scheme: QuantScheme, bits: Int, storedAs storage: ElementStorage) {
        guard let format = QuantFormat(scheme: scheme, bits: bits), format.traits.storage == storage else { return nil }
        self = format
    }
}

/// How an integer GEMM multiplies activation codes by weight codes: the one pairing rule,
/// read from the two formats' kernel families.
public enum IntegerProduct: Sendable, CaseIterable {
    /// ±1 × ±1: Σ a·w = K − 2·popcount(a XOR w).
    case binaryXor
    /// {0,1} × ±1: Σ a·w = 2·popcount(a AND w) − popcount(a).
    case unsignedBitAnd
    /// Multi-bit codes on both sides, multiplied as integers.
    case multiBit

    /// The product of `activations` × `weights` codes, or nil if no integer GEMM multiplies them.
    public init?(activations: QuantFormat, weights: QuantFormat) {
        switch (activations.traits.family, weights.traits.family) {
        case (.signBits, .signBits): self = .binaryXor
        case (.unsignedBits, .signBits): self = .unsignedBitAnd
        case (.multiBit, .multiBit): self = .multiBit
        default: return nil
        }
    }
}
