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
    /// precisions first run the FP32 graph on the calibration text to choose activation scales.
    public static func compile(_ checkpoint: BertCheckpoint, options: CompileOptions,
                               progress: (String) -> Void = { _ in }) throws(CompileError) -> [UInt8] {
        var samples: [String: [Float]] = [:]
        if options.precision != .fp32 {
            guard !options.calibrationTexts.isEmpty else { throw CompileError("calibration text is empty; pass non-empty --calibration") }
            progress("lowering fp32 graph for calibration")
            let fp32 = try encode(checkpoint, precision: .fp32, samples: [:], options: options, compression: .none)
            samples = try Calibration(fp32File: fp32, config: checkpoint.config, texts: options.calibrationTexts, progress: progress).samples
        }
        progress("lowering \(options.precision.rawValue) graph")
        return try encode(checkpoint, precision: options.precision, samples: samples, options: options, compression: options.compression)
    }

    private static func encode(_ c: BertCheckpoint, precision: Precision, samples: [String: [Float]],
                               options: CompileOptions, compression: QVB.Compression) throws(CompileError) -> [UInt8] {
        let (graph, inputs, outputs) = try BertLowering(checkpoint: c, precision: precision, samples: samples).lower()
        let model = QVB.Model(
            formatVersion: QVB.formatVersion,
            producer: QVB.Producer(name: "qvc", version: version, source: c.source, command: options.command),
            family: .bert, bert: c.config, precision: precision.rawValue, tokenizer: c.tokenizer,
            tensors: graph.tensors, values: graph.values, ops: graph.ops, inputs: inputs, outputs: outputs,
            maxTokens: c.tokenizer.maxLength)
        do {
            return try QVBWriter.encode(model, sections: graph.sections, compression: compression)
        } catch {
            throw CompileError("encoding the .qvb failed: \(error.message)")
        }
    }
}
