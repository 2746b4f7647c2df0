import QVFormat
import QVKernels
import QVRuntime

/// Options of one compilation.
public struct CompileOptions: Sendable {
    /// Target precision.
    public var precision: Precision
    /// Section compression.
    public var compression: QVB.Compression
    /// Text the quantized precisions calibrate their activation quantizers on.
    public var calibrationTexts: [String]
    /// The command line, recorded as producer metadata.
    public var command: String

    /// Options with built-in calibration text.
    public init(precision: Precision, compression: QVB.Compression = .none,
                calibrationTexts: [String] = DefaultCalibration.texts, command: String = "") {
        self.precision = precision
        self.compression = compression
        self.calibrationTexts = calibrationTexts
        self.command = command
    }
}

/// Compiles checkpoints to `.qvb` images.
public enum Compiler {
    /// The qvc version written into every file.
    public static let version = "0.1.0"

    /// Lowers `checkpoint` at `options.precision` and encodes the `.qvb` bytes. Quantized
    /// precisions first run the calibration graph on the calibration text to fill the plan.
    public static func compile(_ checkpoint: BertCheckpoint, options: CompileOptions,
                               progress: (String) -> Void = { _ in }) throws(CompileError) -> [UInt8] {
        guard options.precision != .fp32 else {
            progress("lowering fp32 graph")
            return try encode(checkpoint, .float, options: options, compression: options.compression)
        }
        guard !options.calibrationTexts.isEmpty else { throw CompileError("calibration text is empty; pass non-empty --calibration") }
        progress("lowering fp32 graph for calibration")
        let plan = try quantizationPlan(checkpoint, precision: options.precision)
        let samples = try Calibration(file: plan.calibrationFile, plan: plan.plan, texts: options.calibrationTexts,
                                      progress: progress).samples
        return try compile(checkpoint, options: options, plan: plan.plan, source: CalibratedSamples(samples: samples), progress: progress)
    }

    /// Lowers `checkpoint` quantized at `options.precision` with the quantizers `source` gives
    /// the rows of `plan` (from `quantizationPlan`), and encodes the `.qvb` bytes.
    public static func compile(_ checkpoint: BertCheckpoint, options: CompileOptions, plan: QuantPlan, source: any QuantizerSource,
                               progress: (String) -> Void = { _ in }) throws(CompileError) -> [UInt8] {
        progress("lowering \(options.precision.rawValue) graph")
        return try encode(checkpoint, .quantized(options.precision.preset, plan: plan, source: source),
                          options: options, compression: options.compression)
    }

    /// The quantization plan of `checkpoint` at `precision`, with the calibration graph (FP32,
    /// attention probabilities exposed) its rows' value indices refer to, encoded uncompressed.
    public static func quantizationPlan(_ checkpoint: BertCheckpoint, precision: Precision) throws(CompileError)
        -> (plan: QuantPlan, calibrationFile: [UInt8]) {
        let kit = QuantizedGraphBuilder(.calibration(precision.preset))
        let file = try encode(checkpoint, kit: kit, options: CompileOptions(precision: .fp32), compression: .none)
        return (kit.plan, file)
    }

    private static func encode(_ c: BertCheckpoint, _ mode: QuantizedGraphBuilder.Mode, options: CompileOptions,
                               compression: QVB.Compression) throws(CompileError) -> [UInt8] {
        try encode(c, kit: QuantizedGraphBuilder(mode), options: options, compression: compression)
    }

    private static func encode(_ c: BertCheckpoint, kit: QuantizedGraphBuilder, options: CompileOptions,
                               compression: QVB.Compression) throws(CompileError) -> [UInt8] {
        try c.checkRunnable()
        let io = try BertLowering(checkpoint: c).lower(into: kit)
        try kit.finish()
        let graph = kit.graph
        let model = QVB.Model(
            formatVersion: QVB.formatVersion,
            producer: QVB.Producer(name: "qvc", version: version, source: c.source, command: options.command),
            family: .bert, bert: BertLowering(checkpoint: c).recordedConfig, precision: options.precision.rawValue, tokenizer: c.tokenizer,
            tensors: graph.tensors, values: graph.values, ops: graph.ops, inputs: io.inputs, outputs: io.outputs,
            maxTokens: c.tokenizer.maxLength)
        do {
            return try QVBWriter.encode(model, sections: graph.sections, compression: compression)
        } catch {
            throw CompileError("encoding the .qvb failed: \(error.message)")
        }
    }
}
