import Testing
@testable import QVCompiler
import QVFormat
import QVRuntime
import QVText

/// What `qvc compile` writes, `qvrun` runs — or the compiler refuses it with the reason: odd
/// configurations (tiny and odd widths, one head or one feature a head, one layer, one class,
/// LayerNorm epsilon 0, one token type) at every precision, each compiled, loaded, and run on
/// text. A file the runtime then refuses fails the test.
@Suite struct CompileRunAgreementTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let hidden: Int, heads: Int, layers: Int, intermediate: Int, classes: Int
        var epsilon: Float = 1e-12, typeVocab = 2
        var testDescription: String { "hidden \(hidden) heads \(heads) layers \(layers) ff \(intermediate) classes \(classes) eps \(epsilon) types \(typeVocab)" }
    }

    static let shapes: [Shape] = [
        Shape(hidden: 4, heads: 1, layers: 1, intermediate: 4, classes: 0),
        Shape(hidden: 4, heads: 4, layers: 1, intermediate: 7, classes: 3),
        Shape(hidden: 6, heads: 3, layers: 2, intermediate: 5, classes: 1),
        Shape(hidden: 12, heads: 2, layers: 1, intermediate: 33, classes: 2, epsilon: 0),
        Shape(hidden: 40, heads: 5, layers: 1, intermediate: 72, classes: 0, typeVocab: 1),
        Shape(hidden: 65, heads: 13, layers: 1, intermediate: 129, classes: 5),
    ]

    @Test(arguments: shapes, Precision.allCases)
    func compiledFilesRun(_ shape: Shape, _ precision: Precision) throws {
        var checkpoint = RandomBert.checkpoint(seed: UInt64(shape.hidden * 31 + shape.intermediate), hidden: shape.hidden, heads: shape.heads,
                                               layers: shape.layers, intermediate: shape.intermediate, classes: shape.classes)
        checkpoint.config.layerNormEps = shape.epsilon
        checkpoint.config.typeVocabSize = shape.typeVocab
        checkpoint.tokenTypeEmbeddings = Array(checkpoint.tokenTypeEmbeddings.prefix(shape.typeVocab * shape.hidden))
        let image: [UInt8]
        do { image = try Compiler.compile(checkpoint, options: CompileOptions(precision: precision, calibrationTexts: RandomBert.texts)) } catch {
            // A refusal is allowed only with a reason the user can act on.
            #expect(error.message.count > 20 && !error.message.contains("\n"), "\(error.message)")
            return
        }
        try CompiledMiniLM.withModel(image) { model in
            let session = try InferenceSession(model: model)
            let tokenizer = try model.tokenizer()
            for text in RandomBert.texts {
                let out = try session.run(text: text, tokenizer: tokenizer)
                let values = out.embedding ?? out.logits ?? []
                #expect(values.count == (shape.classes > 0 ? shape.classes : shape.hidden))
                #expect(values.allSatisfy { $0.isFinite })
            }
        }
    }

    /// NaN or infinite weights, and a LayerNorm epsilon of 0, are refused at compile time with
    /// the weight or field named.
    @Test func unrunnableCheckpointsAreRefused() {
        var nan = RandomBert.checkpoint(seed: 3)
        nan.layers[0].intermediate.weight[5] = .nan
        var infinite = RandomBert.checkpoint(seed: 3, classes: 2)
        infinite.head!.classifier.bias[1] = -.infinity
        var epsilon = RandomBert.checkpoint(seed: 3)
        epsilon.config.layerNormEps = 0
        for (checkpoint, message) in [(nan, "weight 'encoder.layer.0.intermediate.dense.weight' holds nan at element 5"),
                                      (infinite, "weight 'classifier.bias' holds -inf at element 1"), (epsilon, "layer_norm_eps is 0.0")] {
            for precision in [Precision.fp32, .w2a2] {
                do {
                    _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: precision, calibrationTexts: RandomBert.texts))
                    Issue.record("compiled: \(message)")
                } catch { #expect(error.message.contains(message), "\(error.message)") }
            }
        }
    }
}
