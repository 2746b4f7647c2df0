@testable import QVCompiler
import QVFormat
@testable import QVTrainer

/// A small random BERT and a task it can learn in a few dozen steps: label 1 when the text
/// holds the word "cat" (id 5), else 0.
enum TinyTask {
    static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "a", "warm", "mat", "today", "dog", "ran"]

    /// The encoder, the same for the same `seed`.
    static func encoder(seed: UInt64 = 3, hidden: Int = 16, heads: Int = 2, layers: Int = 2) -> BertCheckpoint {
        var rng = SplitMix64(seed: seed)
        func floats(_ n: Int, _ spread: Float) -> [Float] { (0..<n).map { _ in (rng.nextUnit() * 2 - 1) * spread } }
        func linear(_ out: Int, _ input: Int) -> BertCheckpoint.Linear {
            .init(weight: floats(out * input, 1.7 / Float(input).squareRoot()), bias: floats(out, 0.1), outFeatures: out, inFeatures: input)
        }
        func norm() -> BertCheckpoint.Norm { .init(gamma: floats(hidden, 0.2).map { 1 + $0 }, beta: floats(hidden, 0.1)) }
        let positions = 16, inner = 2 * hidden
        let config = QVB.BertConfig(hidden: hidden, layers: layers, heads: heads, intermediate: inner, vocabSize: words.count,
                                    maxPositions: positions, typeVocabSize: 2, layerNormEps: 1e-12, pooling: "mean", normalize: true)
        let tokenizer = QVB.Tokenizer(vocab: words, maxLength: positions, unkId: 1, clsId: 2, sepId: 3, padId: 0, specialIds: [0, 1, 2, 3])
        let list = (0..<layers).map { _ in
            BertCheckpoint.Layer(query: linear(hidden, hidden), key: linear(hidden, hidden), value: linear(hidden, hidden),
                                 attentionOutput: linear(hidden, hidden), attentionNorm: norm(),
                                 intermediate: linear(inner, hidden), output: linear(hidden, inner), outputNorm: norm())
        }
        return BertCheckpoint(config: config, tokenizer: tokenizer, wordEmbeddings: floats(words.count * hidden, 1),
                              positionEmbeddings: floats(positions * hidden, 0.5), tokenTypeEmbeddings: floats(2 * hidden, 0.1),
                              embeddingNorm: norm(), layers: list, source: "tiny-task")
    }

    /// `count` examples of 1–8 random words between [CLS] and [SEP].
    static func examples(_ count: Int, seed: UInt64) -> [TrainingExample] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let n = 1 + Int(rng.next() % 8)
            let ids = (0..<n).map { _ in Int32(4 + rng.next() % UInt64(words.count - 4)) }
            return TrainingExample(ids: [2] + ids + [3], label: ids.contains(5) ? 1 : 0)
        }
    }

    /// A classifier over the tiny encoder at `bits`.
    static func model(_ bits: String, plain: Bool = false) -> BertClassifier {
        BertClassifier(encoder(), head: nil, labels: ["no", "yes"], recipe: .defaults(bits: bits, plain: plain, hasTeacher: false), seed: 11)
    }

    /// Options of a short run.
    static func options(steps: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 50
        o.batchSize = 16
        o.learningRate = 3e-3
        o.maxSteps = steps
        o.saveEvery = 7
        o.threads = 1
        return o
    }
}
