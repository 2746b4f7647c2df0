import Foundation

/// A strictly checked `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the data. Every field is validated
/// before any tensor is read: header bounds, known dtypes, shapes whose byte size matches their
/// range, ranges inside the data and not overlapping (a zero-size tensor overlaps nothing).
public struct SafeTensorsFile: TensorArchive {
    /// One tensor's entry in the header.
    public struct Entry: Sendable {
        /// Element type.
        public let dtype: TensorDType
        /// Dimensions.
        public let shape: [Int]
        /// Byte range in the data section.
        public let range: Range<Int>

        /// Element type and shape.
        public var info: TensorInfo { TensorInfo(dtype: dtype, shape: shape) }
    }

    /// Largest header accepted (100 MB, safetensors' own limit).
    public static let maxHeaderBytes = 100_000_000

    /// Where the file was read from, for messages.
    public let path: String
    /// Tensors by name.
    public let entries: [String: Entry]
    /// Every tensor's name, in ascending order.
    public let tensorNames: [String]
    /// The header's `__metadata__` (string keys to string values), nil when it has none.
    public let metadata: [String: String]?
    /// Bytes after the header, where the tensors lie.
    public var dataByteCount: Int { data.count - dataStart }
    private let data: Data
    private let dataStart: Int

    /// Reads and validates the file at `path`.
    public init(path: String) throws(CompileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompileError("\(path): cannot read the file; check that it exists and is readable")
        }
        try self.init(data: data, path: path)
    }

    /// Validates `data` (named `path` in messages, which end with `remedy`: what to do).
    public init(data: Data, path: String,
                remedy: String = "re-export the model (e.g. save_pretrained with safe_serialization)") throws(CompileError) {
        func bad(_ what: String) -> CompileError {
            CompileError("\(path): not a valid safetensors file: \(what); \(remedy)")
        }
        guard data.count >= 8 else { throw bad("\(data.count) bytes is too short for the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength >= 2, headerLength <= UInt64(Self.maxHeaderBytes), headerLength <= UInt64(data.count - 8) else {
            throw bad("header length \(headerLength) does not fit the \(data.count)-byte file")
        }
        let start = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<start)) } catch {
            throw bad("header is not JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw bad("header is not a JSON object") }
        let dataBytes = data.count - start
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let e = value as? [String: Any], let dtype = e["dtype"] as? String,
                  let shapeAny = e["shape"] as? [Any], let offsetsAny = e["data_offsets"] as? [Any] else {
                throw bad("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let type = TensorDType(rawValue: dtype) else { throw bad("tensor '\(name)' has unknown dtype '\(dtype)'") }
            let size = type.elementBytes
            var shape: [Int] = []
            var count = 1
            for d in shapeAny {
                guard let n = (d as? NSNumber)?.intValue, n >= 0, n <= Int(Int32.max) else { throw bad("tensor '\(name)' has a bad dimension") }
                shape.append(n)
                let (m, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, m <= dataBytes else { throw bad("tensor '\(name)' shape \(shape) is larger than the file") }
                count = m
            }
            guard offsetsAny.count == 2, let lo = (offsetsAny[0] as? NSNumber)?.intValue,
                  let hi = (offsetsAny[1] as? NSNumber)?.intValue, 0 <= lo, lo <= hi, hi <= dataBytes else {
                throw bad("tensor '\(name)' data_offsets \(offsetsAny) fall outside the \(dataBytes) data bytes")
            }
            guard hi - lo == count * size else {
                throw bad("tensor '\(name)' spans \(hi - lo) bytes but \(dtype) \(shape) needs \(count * size)")
            }
            entries[name] = Entry(dtype: type, shape: shape, range: lo..<hi)
        }
        if let (a, b) = Self.firstOverlap(entries) { throw bad("tensors '\(a)' and '\(b)' overlap") }
        if let m = header["__metadata__"] {
            guard let strings = m as? [String: String] else { throw bad("__metadata__ is not an object of strings") }
            metadata = strings
        } else {
            metadata = nil
        }
        self.path = path
        self.entries = entries
        self.tensorNames = entries.keys.sorted()
        self.data = data
        self.dataStart = start
    }

    /// The first two tensors whose byte ranges share a byte, in file order (by start, then by
    /// name), or nil. Zero-size tensors hold no bytes, so they overlap nothing.
    static func firstOverlap(_ entries: [String: Entry]) -> (String, String)? {
        let filled = entries.filter { !$0.value.range.isEmpty }.sorted {
            ($0.value.range.lowerBound, $0.key) < ($1.value.range.lowerBound, $1.key)
        }
        // Sorted by start, a range overlaps some later one exactly when it overlaps the next.
        for (a, b) in zip(filled, filled.dropFirst()) where a.value.range.upperBound > b.value.range.lowerBound {
            return (a.key, b.key)
        }
        return nil
    }

    /// Element type and shape of the tensor `name`, or nil when the file has none.
    public func info(_ name: String) -> TensorInfo? { entries[name]?.info }

    /// The tensor `name` converted to FP32 (from F32, F16 or BF16), with its shape.
    public func floats(_ name: String) throws(CompileError) -> (values: [Float], shape: [Int]) {
        guard let e = entries[name] else { throw noTensor(name) }
        let count = e.shape.reduce(1, *)
        let values = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            e.dtype.floats(from: UnsafeRawBufferPointer(rebasing: raw[(dataStart + e.range.lowerBound)...]), count: count)
        }
        guard let values else { throw notFloat(name, e.dtype) }
        return (values, e.shape)
    }
}
