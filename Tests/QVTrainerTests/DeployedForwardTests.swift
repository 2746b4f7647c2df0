import Testing
import QVCompiler
import QVFormat
import QVRuntime
import QVKernels
import QVCommandLine
import Foundation
@testable import QVTrainer

extension SerialTrainerSuites {
    /// The trainer's deployed forward (integer codes, folded epilogues, the runtime's arithmetic)
    /// against the runtime on the file `qvc compile` makes of the same trained model: the logits must
    /// agree to the bit, on every kernel path, for texts the model was not tuned on.
    @Suite("Deployed forward is the compiled network", .serialized)
    struct DeployedForwardTests {
        /// A tiny model trained `steps` steps at `bits` (quantizers initialised and moved).
        func trained(_ bits: String, pooler: Bool) -> BertClassifier {
            var model = TinyTask.model(bits)
            if pooler {
                // A Hugging Face style head: the CLS row through dense + tanh.
                var rng = SplitMix64(seed: 5)
                let h = TinyTask.encoder().config.hidden
                func linear(_ out: Int) -> BertCheckpoint.Linear {
                    .init(weight: (0..<(out * h)).map { _ in 0.3 * rng.nextNormal() }, bias: (0..<out).map { _ in 0.1 * rng.nextNormal() },
                          outFeatures: out, inFeatures: h)
                }
                model = BertClassifier(TinyTask.encoder(), head: (linear(h), linear(2), ["no", "yes"]), labels: ["no", "yes"],
                                       recipe: .defaults(bits: bits, hasTeacher: false), seed: 11)
            }
            let tuner = FineTuner(model: model, teacher: nil, options: TinyTask.options(steps: 12),
                                  train: TinyTask.examples(128, seed: 1), validation: TinyTask.examples(16, seed: 2))
            tuner.run { _ in }
            return model
        }

        @Test(arguments: ["w8a8", "w4a4", "w2a2", "w1a1"], [false, true]) func logitsBitIdentical(bits: String, pooler: Bool) throws {
            let model = trained(bits, pooler: pooler)
            let deployed = try #require(DeployedClassifier(model))
            let image = try model.compiled(options: CompileOptions(precision: try #require(Precision(rawValue: bits))))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("deployed-\(bits)-\(pooler).qvb").path
            FileManager.default.createFile(atPath: path, contents: Data(image))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let loaded = try LoadedModel(path: path)
            let texts = TinyTask.examples(40, seed: 9).map(\.ids)
            let expected = deployed.logits(texts)
            for path in KernelPath.supported {
                let session = try InferenceSession(model: loaded.model, path: path)
                var differing = 0
                for (ids, want) in zip(texts, expected) where try session.run(ids: ids).logits != want { differing += 1 }
                #expect(differing == 0, "\(bits) pooler \(pooler) on \(path): \(differing) of \(texts.count) logit vectors differ")
            }
        }

        @Test func floatModelHasNoDeployedForm() {
            #expect(DeployedClassifier(TinyTask.model("fp32")) == nil)
        }
    }
}
