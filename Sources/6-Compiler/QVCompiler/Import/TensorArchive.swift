/// A set of named tensors read from a checkpoint file: what an importer reads weights through,
/// whatever the file format (safetensors today; a PyTorch `.pth` reader or a view over a nested
/// checkpoint can adopt it too). Names are the archive's own spelling; a per-family name mapper
/// such as `BertTensorNames` turns the parameters an importer asks for into them.
public protocol TensorArchive {
    /// Where the tensors were read from (a file path), named by every message.
    var path: String { get }
    /// Every tensor's name, in ascending order.
    var tensorNames: [String] { get }
    /// Element type and shape of the tensor `name`, or nil when the archive has no such tensor.
    func info(_ name: String) -> TensorInfo?
    /// The tensor `name` converted to FP32 (from F32, F16 or BF16), with its shape. Throws an
    /// error naming the file and the tensor when there is no such tensor or it holds no floats.
    func floats(_ name: String) throws(CompileError) -> (values: [Float], shape: [Int])
}

extension TensorArchive {
    /// Whether the archive holds a tensor `name`.
    public func contains(_ name: String) -> Bool { info(name) != nil }

    /// The error for a tensor `name` the archive lacks (`floats` throws it).
    func noTensor(_ name: String) -> CompileError {
        CompileError("\(path): no tensor named '\(name)'")
    }

    /// The error for a tensor `name` of a dtype that holds no floats (`floats` throws it).
    func notFloat(_ name: String, _ dtype: TensorDType) -> CompileError {
        CompileError("\(path): tensor '\(name)' is \(dtype.rawValue); qv reads F32, F16 or BF16 weights")
    }
}

/// Element type and shape of one stored tensor.
public struct TensorInfo: Equatable, Sendable {
    /// Element type.
    public var dtype: TensorDType
    /// Dimensions, outermost first.
    public var shape: [Int]

    /// Creates the description of a `dtype` tensor of `shape`.
    public init(dtype: TensorDType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
    }

    /// Number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// Element type of a stored tensor, spelled as safetensors spells it.
public enum TensorDType: String, CaseIterable, Sendable {
    /// IEEE 754 binary32.
    case f32 = "F32"
    /// IEEE 754 binary16.
    case f16 = "F16"
    /// bfloat16: the top half of a binary32.
    case bf16 = "BF16"
    /// IEEE 754 binary64 (not read as weights).
    case f64 = "F64"
    /// Signed integers (not read as weights).
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    /// Unsigned bytes (not read as weights).
    case u8 = "U8"
    /// One byte per boolean (not read as weights).
    case bool = "BOOL"

    /// Bytes per element.
    public var elementBytes: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// Whether `floats(from:count:)` converts this type (F32, F16, BF16).
    public var isFloatWeight: Bool { self == .f32 || self == .f16 || self == .bf16 }

    /// `count` little-endian elements at the start of `bytes` converted to FP32, or nil when the
    /// type is not a float weight type. `bytes` must hold at least `count · elementBytes` bytes.
    public func floats(from bytes: UnsafeRawBufferPointer, count: Int) -> [Float]? {
        precondition(bytes.count >= count * elementBytes, "tensor bytes shorter than its shape")
        func load<Bits: FixedWidthInteger>(_: Bits.Type, _ i: Int) -> Bits {
            Bits(littleEndian: bytes.loadUnaligned(fromByteOffset: MemoryLayout<Bits>.size * i, as: Bits.self))
        }
        switch self {
        case .f32: return Self.converted(count) { Float(bitPattern: load(UInt32.self, $0)) }
        case .f16: return Self.converted(count) { Float(Float16(bitPattern: load(UInt16.self, $0))) }
        case .bf16: return Self.converted(count) { Float(bitPattern: UInt32(load(UInt16.self, $0)) << 16) }
        case .f64, .i64, .i32, .i16, .i8, .u8, .bool: return nil
        }
    }

    private static func converted(_ count: Int, _ element: (Int) -> Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = element(i) }
            initialized = count
        }
    }
}
