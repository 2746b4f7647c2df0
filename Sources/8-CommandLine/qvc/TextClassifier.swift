import QVCommandLine
import QVRuntime
import QVText
import QVTrainer

/// A trained text classifier `qvc eval` and `qvc verify` run: its class names and its logits
/// for a text. A compiled `.qvb` (run by the runtime) is one; a training checkpoint (run by the
/// trainer's own forward pass) is the other.
protocol TextClassifier {
    /// Class names, by class index.
    var labelNames: [String] { get }
    /// The logits for `text`, one per class.
    func logits(_ text: String) throws(CommandLineError) -> [Float]
}

extension TextClassifier {
    /// The logits of each of `texts`, in order (one at a time unless the classifier batches).
    func logits(_ texts: [String]) throws(CommandLineError) -> [[Float]] {
        var all: [[Float]] = []
        for t in texts { all.append(try logits(t)) }
        return all
    }
}

/// The classifier stored at `path`, chosen by its extension, running on `threads` threads.
func openClassifier(_ path: String, threads: Int) throws(CommandLineError) -> any TextClassifier {
    if path.hasSuffix(".qvb") { return try CompiledClassifier(path: path, threads: threads) }
    if path.hasSuffix(".ckpt") { return try TrainedClassifier(path: path, threads: threads) }
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
        // The runtime has checked that labels, when a model has them, name the logits' columns.
        guard !model.labels.isEmpty else {
            throw CommandLineError("'\(path)': its logits output has shape \(logits.shape) but it names \(model.labels.count) labels; recompile it with qvc")
        }
        do throws(RuntimeError) { tokenizer = try model.tokenizer() } catch { throw CommandLineError("'\(path)': \(error.message)") }
        self.path = path
        labelNames = model.labels
        pool = try ThreadPool(threads: threads)
        session = try loaded.session(parallel: pool.parallelFor, memoryBudget: physicalMemory())
    }

    func logits(_ text: String) throws(CommandLineError) -> [Float] {
        let output: TextOutput
        do throws(RuntimeError) { output = try session.run(text: text, tokenizer: tokenizer) } catch {
            throw CommandLineError("'\(path)': \(error.message)")
        }
        // The logits output was checked when the model was opened, so every run has one.
        return output.logits!
    }
}

/// A `.ckpt` run by the trainer, truncated as the checkpoint's tokenizer truncates: a quantized
/// one by its deployed forward (integer codes and the runtime's arithmetic, from the trainer's
/// own parameters), texts spread over the threads; an FP32 one by its forward pass in padded
/// batches of 32.
struct TrainedClassifier: TextClassifier {
    /// The checkpoint's label names.
    let labelNames: [String]
    private let model: BertClassifier
    private let deployed: DeployedClassifier?
    private let tokenizer: WordPieceTokenizer

    /// Loads the checkpoint at `path`.
    init(path: String, threads: Int) throws(CommandLineError) {
        do { model = try BertClassifier.load(try CheckpointFile(path: path)) } catch let e as TrainerError {
            throw CommandLineError(e.message)
        } catch { throw CommandLineError("\(error)") }
        labelNames = model.labels
        deployed = DeployedClassifier(model)
        tokenizer = WordPieceTokenizer(model.tokenizer)
        FineTuner.useThreads(threads)
    }

    /// Whether the checkpoint runs its deployed (integer) forward: it is quantized.
    var isDeployed: Bool { deployed != nil }

    func logits(_ text: String) throws(CommandLineError) -> [Float] { try logits([text])[0] }

    func logits(_ texts: [String]) throws(CommandLineError) -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0) }
        if let deployed { return deployed.logits(ids) }
        return Evaluation.logits(model, ids.map { TrainingExample(ids: $0, label: 0) }, batchSize: 32)
    }
}
