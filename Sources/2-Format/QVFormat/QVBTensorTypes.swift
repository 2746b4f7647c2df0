/// The `.qvb` model file (formats/qvb.fbs) as plain Swift values. `QVBWriter` encodes them,
/// `QVBFile` decodes and checks them.
public enum QVB {
    /// The format version this build of qv writes.
    public static let formatVersion = 2
    /// The oldest format version it still reads (version 1's fixed token I/O is translated into
    /// named ports on reading).
    public static let oldestReadableVersion = 1
}

extension QVB {
    /// How tensor elements are stored.
    public enum ElementType: UInt8, Hashable, Sendable, CaseIterable {
        /// 32-bit IEEE float.
        case f32 = 0
        /// 32-bit signed integer.
        case i32 = 1
        /// 8-bit codes, two's complement (signed symmetric).
        case i8 = 2
        /// 8-bit codes, unsigned (unsigned offset).
        case u8 = 3
        /// 2-bit fields, 4 per byte.
        case u2 = 4
        /// 1-bit fields, 8 per byte.
        case u1 = 5

        /// Bits each element takes.
        public var bits: Int {
            switch self {
            case .f32, .i32: return 32
            case .i8, .u8: return 8
            case .u2: return 2
            case .u1: return 1
            }
        }

        /// Whether elements are quantization codes stored row by row, each row padded to a
        /// row stride (i8, u8, u2, u1); f32 and i32 are dense.
        public var isPacked: Bool { bits <= 8 }

        /// Bytes one row of `count` elements takes before padding (`count` must be small enough
        /// that `count * bits` does not overflow, as it is for any tensor of a checked file).
        public func packedBytes(count: Int) -> Int { (count * bits + 7) / 8 }
    }

    /// The integer semantics of a quantized tensor's codes (see QVQuant's QuantFormat; same raw values).
    public enum QuantScheme: UInt8, Hashable, Sendable, CaseIterable {
        /// Not quantized.
        case none = 0
        /// Codes in -2^(b-1) ... 2^(b-1)-1.
        case signedSymmetric = 1
        /// Codes in 0 ... 2^b-1 with a real offset.
        case unsignedOffset = 2
        /// Codes in {-1, +1}, one bit each.
        case binarySign = 3
    }

    /// Quantization parameters: per tensor (`axis` -1, one scale) or per channel along `axis`
    /// (one scale per index of that dimension). A code c stands for `scale * c + offset`.
    public struct Quantization: Hashable, Sendable {
        /// The integer semantics.
        public var scheme: QuantScheme
        /// Bits per code: 1, 2 or 8.
        public var bits: Int
        /// The channel dimension, or -1 for one set of parameters for the whole tensor.
        public var axis: Int
        /// Scales, one per channel (one when per tensor); positive and finite.
        public var scale: [Float]
        /// Offsets, as many as `scale`; empty means all zero.
        public var offset: [Float]

        /// Creates quantization parameters.
        public init(scheme: QuantScheme, bits: Int, axis: Int = -1, scale: [Float], offset: [Float] = []) {
            self.scheme = scheme
            self.bits = bits
            self.axis = axis
            self.scale = scale
            self.offset = offset
        }
    }

    /// How a section's bytes are stored in the file.
    public enum Compression: UInt8, Hashable, Sendable, CaseIterable {
        /// Stored as is, 64-byte aligned, usable in place.
        case none = 0
        /// zstd-compressed; decompressed once when the file is opened.
        case zstd = 1
    }

    /// How a constant tensor's elements are arranged in its bytes.
    public enum TensorLayout: UInt8, Hashable, Sendable, CaseIterable {
        /// Row-major; packed types pad each row to the row stride.
        case dense = 0
        /// An f32 `[rows, columns]` matrix (FP32 linear weights, out × in) stored as its
        /// transpose in 16-column panels: ⌈rows/16⌉ panels of `columns` × 16 floats, element
        /// (c, j) of panel p is `W[16p + j][c]`, zero where 16p + j ≥ rows.
        case panels16 = 1

        /// Bytes a `panels16` tensor of `shape` takes, or nil if the shape is not 2-D or the
        /// count overflows.
        public static func panelBytes(shape: [Int]) -> Int? {
            guard shape.count == 2, shape[0] >= 0, shape[1] >= 0 else { return nil }
            let (padded, o1) = ((shape[0] + 15) / 16).multipliedReportingOverflow(by: 16 * 4)
            let (bytes, o2) = padded.multipliedReportingOverflow(by: shape[1])
            return o1 || o2 ? nil : bytes
        }
    }

    /// A constant tensor (weights, biases, embeddings, folded epilogue vectors) and where its
    /// bytes are: `size` bytes at `offset` in the uncompressed bytes of section `section`.
    public struct Tensor: Hashable, Sendable {
        /// Unique, descriptive name (e.g. `encoder.0.attention.query.weight`).
        public var name: String
        /// Element storage.
        public var type: ElementType
        /// Dimensions, outermost first; all non-negative.
        public var shape: [Int]
        /// Quantization of the codes; nil for f32 and i32.
        public var quant: Quantization?
        /// Bytes per stored row (last dimension) for packed types; 0 for f32 and i32.
        public var rowStride: Int
        /// Index of the section holding the bytes.
        public var section: Int
        /// Byte offset in the section's uncompressed bytes; a multiple of 64.
        public var offset: Int
        /// Byte count: 4 × elements for dense f32/i32, rows × rowStride for packed types,
        /// `TensorLayout.panelBytes(shape:)` for panels.
        public var size: Int
        /// Arrangement of the elements.
        public var layout: TensorLayout

        /// Creates a tensor description.
        public init(name: String, type: ElementType, shape: [Int], quant: Quantization? = nil,
                    rowStride: Int = 0, section: Int, offset: Int, size: Int, layout: TensorLayout = .dense) {
            self.name = name
            self.type = type
            self.shape = shape
            self.quant = quant
            self.rowStride = rowStride
            self.section = section
            self.offset = offset
            self.size = size
            self.layout = layout
        }
    }

    /// The uncompressed bytes of one section, as handed to `QVBWriter`.
    public struct SectionPayload: Hashable, Sendable {
        /// Section name (e.g. `weights`).
        public var name: String
        /// The bytes tensors address by offset.
        public var bytes: [UInt8]

        /// Creates a section payload.
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// How a section is stored in a file that has been read.
    public struct SectionInfo: Hashable, Sendable {
        /// Section name.
        public var name: String
        /// Storage in the file.
        public var compression: Compression
        /// Bytes the section takes in the file.
        public var storedSize: Int
        /// Bytes once decompressed (equal to `storedSize` when uncompressed).
        public var uncompressedSize: Int
        /// CRC-32C of the uncompressed bytes.
        public var crc32c: UInt32

        /// Creates a section description.
        public init(name: String, compression: Compression, storedSize: Int, uncompressedSize: Int, crc32c: UInt32) {
            self.name = name
            self.compression = compression
            self.storedSize = storedSize
            self.uncompressedSize = uncompressedSize
            self.crc32c = crc32c
        }
    }
}
