import QVCompiler

/// The Hugging Face importer and what the compiler makes of it: a fuzz input is a `FuzzArchive`
/// of a model folder (`config.json`, `model.safetensors`, `vocab.txt`, the tokenizer and
/// sentence-transformers settings), read as `qvc compile FOLDER` reads one, compiled at a
/// precision its bytes choose, and run — the runtime must accept what the compiler wrote.
public enum HuggingFaceHarness: FuzzHarness {
    public static let name = "huggingface"

    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let folder = ModelFolder(path: "fuzz", files: FuzzArchive.files(bytes))
        let precision = CompiledModelCheck.precision(for: bytes)
        let compiled: [UInt8]
        do {
            let checkpoint = try BertCheckpoint(folder: folder)
            compiled = try Compiler.compile(checkpoint, options: CompileOptions(
                precision: precision, calibrationTexts: CompiledModelCheck.calibrationTexts))
        } catch { return .refused(error.message) }
        return CompiledModelCheck.requireRuns(compiled, "a \(precision.rawValue) model from a folder")
    }
}
