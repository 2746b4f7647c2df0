/// One fuzz target: a parser or loader of qv driven by arbitrary bytes, which must refuse what it
/// cannot use with a message and never crash, hang or read out of bounds. `tools/fuzz.sh NAME`
/// runs one under libFuzzer; the tests run each on its committed seeds (`Tests/Fuzz/seeds/NAME`).
public protocol FuzzHarness: Sendable {
    /// The harness's name: its seed folder and `tools/fuzz.sh`'s argument.
    static var name: String { get }
    /// Runs one input.
    static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome
}

/// Every harness, by name.
public enum FuzzHarnesses {
    /// The harnesses in pipeline order: the `.qvb` loader, the Hugging Face importer (and what the
    /// compiler makes of it), the tokenizer's files and its text, the trainer's checkpoints and
    /// labelled-text files.
    public static let all: [any FuzzHarness.Type] = [
        QVBHarness.self, HuggingFaceHarness.self, TokenizerFilesHarness.self, TokenizerTextHarness.self,
        CheckpointHarness.self, DataFileHarness.self,
    ]

    /// The harness called `name`, if any.
    public static func named(_ name: String) -> (any FuzzHarness.Type)? { all.first { $0.name == name } }
}
