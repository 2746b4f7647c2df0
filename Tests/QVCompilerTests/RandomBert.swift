@testable import QVCompiler
import QVFormat
import QVKernels

/// A small random BERT checkpoint (no files, no wheel): `layers` layers of `hidden` features in
/// `heads` heads, a 12-word vocabulary, 32 positions; an embedder, or with `classes` > 0 a
/// classifier (with or without a pooler).
enum RandomBert {
    static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "a", "warm", "mat", "today"]

    /// The checkpoint, the same for the same `seed`.
    static func checkpoint(seed: UInt64 = 7, hidden: Int = 32, heads: Int = 4, layers: Int = 2,
                           intermediate: Int = 64, classes: Int = 0, pooler: Bool = true) -> BertCheckpoint {
        var random = SeededGenerator(seed: seed)
        func floats(_ count: Int, _ spread: Float) -> [Float] { (0..<count).map { _ in Float.random(in: -spread...spread, using: &random) } }
        func linear(_ out: Int, _ input: Int) -> BertCheckpoint.Linear {
            .init(weight: floats(out * input, 1 / Float(input).squareRoot() * 1.7), bias: floats(out, 0.1), outFeatures: out, inFeatures: input)
        }
        func norm() -> BertCheckpoint.Norm { .init(gamma: floats(hidden, 0.2).map { 1 + $0 }, beta: floats(hidden, 0.1)) }
        let positions = 32
        let config = QVB.BertConfig(hidden: hidden, layers: layers, heads: heads, intermediate: intermediate, vocabSize: words.count,
                                    maxPositions: positions, typeVocabSize: 2, layerNormEps: 1e-12, pooling: "mean", normalize: true)
        let tokenizer = QVB.Tokenizer(vocab: words, maxLength: positions, unkId: 1, clsId: 2, sepId: 3, padId: 0, specialIds: [0, 1, 2, 3])
        let layerList = (0..<layers).map { _ in
            BertCheckpoint.Layer(query: linear(hidden, hidden), key: linear(hidden, hidden), value: linear(hidden, hidden),
                                 attentionOutput: linear(hidden, hidden), attentionNorm: norm(),
                                 intermediate: linear(intermediate, hidden), output: linear(hidden, intermediate), outputNorm: norm())
        }
        var checkpoint = BertCheckpoint(config: config, tokenizer: tokenizer, wordEmbeddings: floats(words.count * hidden, 1),
                                        positionEmbeddings: floats(positions * hidden, 0.5), tokenTypeEmbeddings: floats(2 * hidden, 0.1),
                                        embeddingNorm: norm(), layers: layerList, source: "tiny-random")
        if classes > 0 {
            // Drawn last, so the encoder is the embedder's of the same seed.
            let dense = pooler ? linear(hidden, hidden) : nil
            checkpoint.head = BertCheckpoint.ClassifierHead(pooler: dense, classifier: linear(classes, hidden),
                                                            labels: (0..<classes).map { $0 < labelNames.count ? labelNames[$0] : "LABEL_\($0)" })
        }
        return checkpoint
    }

    /// Names the head's labels are made from.
    static let labelNames = ["negative", "neutral", "positive"]

    /// Calibration sentences over the vocabulary.
    static let texts = ["the cat sat on a warm mat today", "a cat sat", "the mat", "today the warm cat sat on the mat"]
}
