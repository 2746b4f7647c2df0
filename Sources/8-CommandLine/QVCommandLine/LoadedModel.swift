import QVFormat
import QVRuntime

/// A `.qvb` opened for running: the mapping, the verified file and the bound model, kept
/// together so the mapping outlives everything that points into it.
public struct LoadedModel {
    /// The mapped file.
    public let mapping: MappedFile
    /// The verified file.
    public let file: QVBFile
    /// The runnable model.
    public let model: QVModel

    /// Maps, verifies and binds the model at `path`.
    public init(path: String) throws(CommandLineError) {
        mapping = try MappedFile(path: path)
        do {
            file = try QVBFile(bytes: mapping.bytes)
        } catch {
            throw CommandLineError("'\(path)': \(error.message)")
        }
        do {
            model = try QVModel(file: file)
        } catch {
            throw CommandLineError("'\(path)': \(error.message)")
        }
    }
}

extension LoadedModel {
    /// A session on the model with the chosen kernels, `parallel`'s workers and at most
    /// `memoryBudget` bytes of arena; a model over the budget is a one-line error naming the file.
    public func session(parallel: ParallelFor, memoryBudget: Int) throws(CommandLineError) -> InferenceSession {
        let path = try selectedKernelPath()
        do { return try InferenceSession(model: model, path: path, parallel: parallel, memoryBudget: memoryBudget) } catch {
            throw CommandLineError("'\(mapping.path)': \(error.message)")
        }
    }
}
