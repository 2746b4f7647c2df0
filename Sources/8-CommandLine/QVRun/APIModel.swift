import CQV
import QVHost
import QVRuntime

/// A model loaded through the C API (include/qv.h), freed with its last reference.
final class APIModel {
    let handle: OpaquePointer
    /// The path it was loaded from, for messages.
    let path: String

    /// Loads (maps) the `.qvb` at `path`; the API's one-line reason names the path.
    init(path: String) throws(CommandLineError) {
        var handle: OpaquePointer?
        let loaded = withMessageBuffer { qv_model_load_file(path, &handle, $0, $1) }
        guard loaded.result == QV_OK, let handle else { throw CommandLineError(loaded.message) }
        self.handle = handle
        self.path = path
    }

    deinit { qv_model_free(handle) }

    /// The classifier's labels (empty for other models).
    var labels: [String] {
        (0..<qv_model_label_count(handle)).compactMap { qv_model_label(handle, $0).map { String(cString: $0) } }
    }

    /// Whether an output has the role `role`.
    func hasOutput(_ role: qv_role) -> Bool {
        (0..<qv_model_output_count(handle)).contains { qv_model_output_role(handle, $0) == role }
    }
}

/// A session through the C API on its model.
final class APISession {
    let model: APIModel
    let handle: OpaquePointer

    /// A session on `threads` threads within `memoryBudget` bytes; a model over the budget, or
    /// one the runtime refuses, is a one-line error naming the file.
    init(model: APIModel, threads: Int, memoryBudget: Int) throws(CommandLineError) {
        var handle: OpaquePointer?
        let created = withMessageBuffer { qv_session_create(model.handle, Int32(threads), memoryBudget, &handle, $0, $1) }
        guard created.result == QV_OK, let handle else { throw model.error(created.result, created.message) }
        self.model = model
        self.handle = handle
    }

    deinit { qv_session_free(handle) }

    /// Tokenizes `text` with the model's tokenizer and runs the model: the ids, the embedding and
    /// the logits.
    func run(text: String) throws(CommandLineError) -> TextOutput {
        let status = qv_session_run_text(handle, text)
        guard status == QV_OK else { throw model.error(status, String(cString: qv_session_error(handle))) }
        var ids: UnsafePointer<Int32>?, count = 0
        qv_session_ids(handle, &ids, &count)
        return TextOutput(ids: Array(UnsafeBufferPointer(start: ids, count: count)),
                          embedding: output(QV_ROLE_EMBEDDING), logits: output(QV_ROLE_LOGITS))
    }

    /// The values of the model's first FP32 output with `role`, if it has one.
    private func output(_ role: qv_role) -> [Float]? {
        for index in 0..<qv_model_output_count(model.handle) where qv_model_output_role(model.handle, index) == role {
            var values: UnsafePointer<Float>?, count = 0
            if qv_session_output(handle, index, &values, &count) == QV_OK { return Array(UnsafeBufferPointer(start: values, count: count)) }
        }
        return nil
    }
}

extension APIModel {
    /// The API's refusal as qvrun's one line: what concerns the file (its graph, its memory, what
    /// it lacks) names it; a bad input or argument stands alone.
    func error(_ status: qv_status, _ message: String) -> CommandLineError {
        switch status {
        case QV_ERROR_FILE, QV_ERROR_MEMORY, QV_ERROR_UNSUPPORTED: CommandLineError("'\(path)': \(message)")
        default: CommandLineError(message)
        }
    }
}
