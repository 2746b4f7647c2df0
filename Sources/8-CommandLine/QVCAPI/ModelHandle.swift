import QVFormat
import QVHost
import QVRuntime
import QVText

/// What a `qv_model *` points to: the file's bytes (mapped from a path, or an aligned copy of the
/// caller's memory), the model, its tokenizer when it takes text, and its output names and class
/// labels as C strings.
final class ModelHandle {
    /// Where the bytes live, and how they are given back.
    enum Storage {
        /// A file mapping, unmapped when the last reference goes.
        case mapped(MappedFile)
        case copied(UnsafeMutableRawBufferPointer)

        var bytes: UnsafeRawBufferPointer {
            switch self {
            case .mapped(let file): file.bytes
            case .copied(let bytes): UnsafeRawBufferPointer(bytes)
            }
        }

        /// Frees a copy; a mapping goes with the handle's reference to it.
        func release() {
            if case .copied(let bytes) = self { bytes.deallocate() }
        }
    }

    let storage: Storage
    let model: QVModel
    let tokenizer: WordPieceTokenizer?
    let outputNames: [CArray<CChar>]
    let labels: [CArray<CChar>]

    /// Maps the file at `path` and loads it; errors name the path.
    convenience init(path: String) throws(APIError) {
        let file: MappedFile
        do throws(CommandLineError) { file = try MappedFile(path: path) } catch { throw APIError(.io, error.message) }
        do throws(APIError) { try self.init(.mapped(file)) } catch {
            throw APIError(error.status, "'\(path)': \(error.message)")
        }
    }

    /// Copies `source` to 64-byte aligned memory and loads it.
    convenience init(copying source: UnsafeRawBufferPointer) throws(APIError) {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if let base = source.baseAddress { bytes.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        try self.init(.copied(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<source.count])))
    }

    /// Loads the model in `storage`, which it then owns (and releases, also when loading fails).
    private init(_ storage: Storage) throws(APIError) {
        let model: QVModel
        var tokenizer: WordPieceTokenizer?
        do throws(APIError) {
            let file: QVBFile
            do throws(QVBError) { file = try QVBFile(bytes: storage.bytes) } catch { throw APIError(error) }
            do throws(RuntimeError) {
                model = try QVModel(file: file)
                if model.metadata.tokenizer != nil, model.input(role: .tokenIds) != nil { tokenizer = try model.tokenizer() }
            } catch { throw APIError(error) }
        } catch {
            storage.release()
            throw error
        }
        self.storage = storage
        self.model = model
        self.tokenizer = tokenizer
        outputNames = model.outputs.map { CArray(cString: $0.name) }
        labels = model.labels.map { CArray(cString: $0) }
    }

    deinit { storage.release() }
}

extension CArray<CChar> {
    /// `string` as NUL-terminated UTF-8.
    convenience init(cString string: String) {
        self.init(Array(string.utf8).map { CChar(bitPattern: $0) } + [0])
    }
}
