import Foundation
import QVCompiler
import QVTrainer

/// The trainer's `.ckpt` (safetensors with the model description as metadata), read as
/// `qvc compile MODEL.ckpt` reads it, compiled as trained, and run — the runtime must accept it.
public enum CheckpointHarness: FuzzHarness {
    public static let name = "checkpoint"

    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let compiled: [UInt8], bits: String
        do {
            let model = try BertClassifier.load(try CheckpointFile(data: Data(bytes), path: "fuzz.ckpt"))
            bits = model.recipe.bits
            guard let precision = Precision(rawValue: bits) else { return .refused("bits '\(bits)' cannot be compiled") }
            compiled = try model.compiled(options: CompileOptions(precision: precision, calibrationTexts: CompiledModelCheck.calibrationTexts))
        } catch let e as CheckpointError { return .refused(e.message) } catch let e as TrainerError { return .refused(e.message) }
        catch let e as CompileError { return .refused(e.message) } catch { return .refused("\(error)") }
        return CompiledModelCheck.requireRuns(compiled, "a \(bits) model from a checkpoint")
    }
}
