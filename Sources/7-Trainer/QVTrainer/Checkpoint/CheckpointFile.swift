import Foundation
import QVCompiler

/// One FP32 tensor of a checkpoint.
public struct CheckpointTensor: Sendable, Equatable {
    /// Dimensions.
    public var shape: [Int]
    /// Elements in row-major order; `shape`'s product of them.
    public var values: [Float]

    /// A tensor of `shape` holding `values`.
    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "CheckpointTensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }
}

/// The `.ckpt` container, and its `.ckpt.state` sidecar: a safetensors file of named FP32
/// tensors whose `__metadata__` holds strings (the trainer's JSON: model configuration,
/// quantization recipe, tokenizer, label names; optimizer and data-order state in the sidecar).
///
/// `serialized()` gives the bytes (the command line writes them with `AtomicFile`); reading
/// checks everything before any tensor is used: header bounds and JSON, dtypes (F32 only),
/// shape × 4 = byte length, every range inside the data and none overlapping, the data section
/// exactly covered (a cut or padded file is refused), and `__metadata__` present.
public struct CheckpointFile: Sendable {
    /// The tensors by name.
    public var tensors: [String: CheckpointTensor]
    /// The metadata strings by key.
    public var metadata: [String: String]
    /// Where the file was read from ("" for one made in memory), for messages.
    public var path = ""

    /// A checkpoint holding `tensors` and `metadata`.
    public init(tensors: [String: CheckpointTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The sidecar path of the checkpoint at `path`: `path.state`.
    public static func statePath(for path: String) -> String { path + ".state" }

    /// The file's bytes (the same tensors and metadata always give the same bytes).
    public func serialized() -> [UInt8] { SafeTensorsWriter.encode(tensors, metadata: metadata) }

    /// Reads and checks the checkpoint at `path`.
    public init(path: String) throws(CheckpointError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): cannot read the checkpoint; check that the file exists and is readable")
        }
        try self.init(data: data, path: path)
    }

    /// Reads and checks the checkpoint in `data` (named `path` in messages).
    public init(data: Data, path: String) throws(CheckpointError) {
        let remedy = "the checkpoint is damaged or not one qvc wrote; write it again"
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(data: data, path: path, remedy: remedy) } catch { throw CheckpointError(error.message) }
        guard let metadata = file.metadata else { throw CheckpointError("\(path): no __metadata__ in the header; \(remedy)") }
        let covered = file.entries.values.reduce(0) { $0 + $1.range.count }
        guard covered == file.dataByteCount else {
            throw CheckpointError("\(path): tensors cover \(covered) of the \(file.dataByteCount) data bytes (cut or padded); \(remedy)")
        }
        var tensors: [String: CheckpointTensor] = [:]
        for name in file.tensorNames {
            guard file.entries[name]!.dtype == .f32 else {
                throw CheckpointError("\(path): tensor '\(name)' is \(file.entries[name]!.dtype.rawValue) where a checkpoint holds F32; \(remedy)")
            }
            // An F32 entry inside the validated data always converts.
            let (values, shape) = try! file.floats(name)
            tensors[name] = CheckpointTensor(shape: shape, values: values)
        }
        self.init(tensors: tensors, metadata: metadata)
        self.path = path
    }

    /// The values of tensor `name`, which must have `shape`.
    public func tensor(_ name: String, shape: [Int]) throws(CheckpointError) -> [Float] {
        guard let t = tensors[name] else {
            throw CheckpointError("\(place): no tensor '\(name)'; the checkpoint was written for another model or recipe")
        }
        guard t.shape == shape else {
            throw CheckpointError("\(place): tensor '\(name)' has shape \(t.shape) where \(shape) is expected; the checkpoint was written for another model configuration")
        }
        return t.values
    }

    /// The metadata string under `key`.
    public func metadata(_ key: String) throws(CheckpointError) -> String {
        guard let value = metadata[key] else {
            throw CheckpointError("\(place): no '\(key)' in the metadata; the checkpoint is damaged or not one qvc wrote")
        }
        return value
    }

    private var place: String { path.isEmpty ? "checkpoint" : path }
}
