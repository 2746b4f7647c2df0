import Foundation
import QVCommandLine
import QVCompiler
import QVFormat
import QVTrainer

/// `qvc compile MODEL -o OUT.qvb [--bits …] [--zstd] [--calibration FILE] [--json]`; a `.ckpt`
/// compiles at its trained bits with its trained quantizers (no calibration, no flags needed).
func compileCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["-o", "--bits", "--calibration"], switches: ["--zstd", "--json"])
    guard args.positional.count == 1 else { throw .usage("compile takes one model folder or file, got \(args.positional.count)") }
    guard let output = args.value("-o") else { throw .usage("compile needs -o OUT.qvb") }
    let input = args.positional[0]
    try AtomicFile.refuseOverwriting([input, input + "/model.safetensors", input + "/config.json", input + "/vocab.txt"]
                                     + (args.value("--calibration").map { [$0] } ?? []), with: output)
    if args.positional[0].hasSuffix(".ckpt") { return try compileTrained(args, output: output) }
    let bits = args.value("--bits") ?? "fp32"
    guard let precision = Precision(rawValue: bits) else {
        throw .usage("--bits \(bits) is not one of \(Precision.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    var options = CompileOptions(precision: precision, compression: args.has("--zstd") ? .zstd : .none,
                                 command: (["qvc"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
    if let path = args.value("--calibration") { options.calibrationTexts = try calibrationTexts(path) }
    let progress = ProgressLine(program: "qvc")
    let start = monotonicMilliseconds()
    let bytes: [UInt8]
    do {
        progress.update("reading \(args.positional[0])")
        let checkpoint = try BertCheckpoint(huggingFaceFolder: args.positional[0])
        bytes = try Compiler.compile(checkpoint, options: options) { progress.update($0) }
    } catch {
        progress.finish()
        throw CommandLineError(error.message)
    }
    progress.update("writing \(output)")
    try AtomicFile.write(bytes, to: output)
    progress.finish()
    let seconds = (monotonicMilliseconds() - start) / 1000
    if args.has("--json") {
        print(JSONValue.object([("output", .string(output)), ("precision", .string(precision.rawValue)),
                                ("bytes", .int(bytes.count)), ("seconds", .double(seconds))]).rendered)
    } else {
        print("wrote \(output): \(precision.rawValue), \(bytes.count) bytes in \(String(format: "%.1f", seconds)) s")
    }
}

/// `qvc compile MODEL.ckpt -o OUT.qvb`: the trained network, every quantizer from the checkpoint.
func compileTrained(_ args: Arguments, output: String) throws(CommandLineError) {
    let path = args.positional[0]
    let start = monotonicMilliseconds()
    let model: BertClassifier
    do { model = try BertClassifier.load(try CheckpointFile(path: path)) } catch let e as TrainerError { throw CommandLineError(e.message) } catch {
        throw CommandLineError("\(error)")
    }
    guard let precision = Precision(rawValue: model.recipe.bits) else { throw CommandLineError("\(path): bits '\(model.recipe.bits)' cannot be compiled") }
    var target = precision
    if let bits = args.value("--bits"), bits != precision.rawValue {
        // An FP32 checkpoint may be quantized after training (calibrated, as a folder is);
        // a quantized one compiles only as trained.
        guard precision == .fp32, let post = Precision(rawValue: bits) else {
            throw .usage("\(path) was trained at \(precision.rawValue); --bits \(bits) would not be the trained network (leave --bits out)")
        }
        target = post
    }
    var options = CompileOptions(precision: target, compression: args.has("--zstd") ? .zstd : .none,
                                 command: (["qvc"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
    if let file = args.value("--calibration") { options.calibrationTexts = try calibrationTexts(file) }
    let bytes: [UInt8]
    do throws(CompileError) {
        // FP32 post-training bits are calibrated, as for a folder; else the network as trained.
        bytes = target == precision ? try model.compiled(options: options) : try Compiler.compile(model.classifierCheckpoint, options: options)
    } catch { throw CommandLineError(error.message) }
    try AtomicFile.write(bytes, to: output)
    let seconds = (monotonicMilliseconds() - start) / 1000
    if args.has("--json") {
        print(JSONValue.object([("output", .string(output)), ("precision", .string(target.rawValue)), ("trained", .bool(target == precision)),
                                ("bytes", .int(bytes.count)), ("seconds", .double(seconds))]).rendered)
    } else {
        print("wrote \(output): \(target.rawValue) \(target == precision ? "as trained" : "post-training (calibrated)"), \(bytes.count) bytes in \(String(format: "%.1f", seconds)) s")
    }
}

/// The non-blank lines of calibration text file `path`.
func calibrationTexts(_ path: String) throws(CommandLineError) -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandLineError("cannot read calibration text '\(path)'") }
    return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
}
