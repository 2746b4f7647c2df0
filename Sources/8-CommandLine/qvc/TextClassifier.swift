import QVCommandLine
import QVRuntime
import QVText

/// A trained text classifier `qvc eval` runs: its class names and the class it predicts for a
/// text. A compiled `.qvb` is one; a training checkpoint (run by the trainer's forward) is to
/// be another.
protocol TextClassifier {
    /// Class names, by class index.
    var labelNames: [String] { get }
    /// The index of the class predicted for `text`.
    func predict(_ text: String) throws(CommandLineError) -> Int
}

/// The classifier stored at `path`, chosen by its extension, running on `threads` threads.
func openClassifier(_ path: String, threads: Int) throws(CommandLineError) -> any TextClassifier {
    if path.hasSuffix(".qvb") { return try CompiledClassifier(path: path, threads: threads) }
    if path.hasSuffix(".ckpt") {
        throw CommandLineError("'\(path)': evaluating a checkpoint directly is not supported yet; compile it with qvc compile and evaluate the .qvb")
    }
    throw .usage("'\(path)' is neither a .qvb model nor a .ckpt checkpoint; give the classifier to evaluate")
}

/// A `.qvb` classifier run by the runtime: the text through its tokenizer, the class of the
/// largest logit.
struct CompiledClassifier: TextClassifier {
    /// The model's label names.
    let labelNames: [String]
    private let path: String
    private let loaded: LoadedModel
    private let pool: ThreadPool
    private let session: InferenceSession
    private let tokenizer: WordPieceTokenizer

    /// Opens the model at `path`; refuses one without a logits output or without label names.
    init(path: String, threads: Int) throws(CommandLineError) {
        loaded = try LoadedModel(path: path)
        let model = loaded.model
        guard let logits = model.outputs.first(where: { $0.role == .logits }) else {
            throw CommandLineError("'\(path)' has no logits output (it is an embedder, not a classifier); evaluate a model compiled with a classification head")
        }
        guard !model.labels.isEmpty, logits.shape.last == model.labels.count else {
            throw CommandLineError("'\(path)': its logits output has shape \(logits.shape) but it names \(model.labels.count) labels; recompile it with qvc")
        }
        do throws(RuntimeError) { tokenizer = try model.tokenizer() } catch { throw CommandLineError("'\(path)': \(error.message)") }
        self.path = path
        labelNames = model.labels
        pool = try ThreadPool(threads: threads)
        session = InferenceSession(model: model, path: try selectedKernelPath(), parallel: pool.parallelFor)
    }

    func predict(_ text: String) throws(CommandLineError) -> Int {
        let output: TextOutput
        do throws(RuntimeError) { output = try session.run(text: text, tokenizer: tokenizer) } catch {
            throw CommandLineError("'\(path)': \(error.message)")
        }
        // The logits output was checked when the model was opened, so every run has one.
        return output.predictedClass!
    }
}
