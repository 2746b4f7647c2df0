import QVCompiler
import QVFormat

/// A BERT-family encoder with a classification head, as the trainer holds it: latent FP32
/// parameters, and — at a quantized recipe — the quantizer of every point the compiler's
/// lowering quantizes, named by its plan labels.
public final class BertClassifier {
    /// Architecture (pooling, labels included).
    public let config: QVB.BertConfig
    /// Tokenizer.
    public let tokenizer: QVB.Tokenizer
    /// The recipe the quantizers follow.
    public let recipe: Recipe
    /// Embedding tables `[rows, hidden]`.
    public let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: Variable
    /// 8-bit row quantizers of the three tables (quantized recipes).
    public let tableQuantizers: [WeightQuantizer]?
    /// The embedding LayerNorm.
    public let embeddingNorm: NormParameters
    /// Encoder layers.
    public let layers: [EncoderLayer]
    /// Hugging Face's pooler (CLS row → dense → tanh), if the model has one.
    public let pooler: LinearParameters?
    /// `[classes, hidden]`.
    public let classifier: LinearParameters
    /// Quantizers of the head's inputs (pooler input, classifier input), 8-bit.
    public let headQuantizers: (pooler: ActivationQuantizer?, classifier: ActivationQuantizer)?
    /// Where the encoder came from.
    public let source: String
    /// The plan labels the forward pass quantizes, or nil for all of them (`qvc analyze`
    /// quantizes one module at a time; training and export use all).
    public var onlyQuantizing: Set<String>?

    /// A trained head: optional pooler, classifier, and the labels it was trained for.
    public typealias Head = (pooler: BertCheckpoint.Linear?, classifier: BertCheckpoint.Linear, labels: [String])

    /// A classifier over `encoder` for `labels`: `head` if given for those labels, else a new
    /// classifier initialised N(0, 0.02²) from `seed` (no pooler then: the encoder's own
    /// pooling feeds the classifier).
    public init(_ encoder: BertCheckpoint, head: Head?, labels: [String], recipe: Recipe, seed: UInt64) {
        var cfg = encoder.config
        cfg.labels = labels
        cfg.normalize = false
        config = cfg
        tokenizer = encoder.tokenizer
        self.recipe = recipe
        source = encoder.source
        let h = cfg.hidden
        wordEmbeddings = Variable(shape: [cfg.vocabSize, h], value: encoder.wordEmbeddings, requiresGradient: true)
        positionEmbeddings = Variable(shape: [cfg.maxPositions, h], value: encoder.positionEmbeddings, requiresGradient: true)
        tokenTypeEmbeddings = Variable(shape: [cfg.typeVocabSize, h], value: encoder.tokenTypeEmbeddings, requiresGradient: true)
        embeddingNorm = NormParameters(name: "embeddings.LayerNorm", gamma: encoder.embeddingNorm.gamma, beta: encoder.embeddingNorm.beta)
        layers = encoder.layers.enumerated().map { EncoderLayer($0.offset, $0.element) }
        if let head, head.labels == labels {
            pooler = head.pooler.map { LinearParameters(name: "pooler.dense", weight: $0.weight, bias: $0.bias, outFeatures: h, inFeatures: h) }
            classifier = LinearParameters(name: "classifier", weight: head.classifier.weight, bias: head.classifier.bias,
                                          outFeatures: labels.count, inFeatures: h)
        } else {
            var rng = SplitMix64(seed: seed)
            pooler = nil
            classifier = LinearParameters(name: "classifier", weight: (0..<(labels.count * h)).map { _ in 0.02 * rng.nextNormal() },
                                          bias: [Float](repeating: 0, count: labels.count), outFeatures: labels.count, inFeatures: h)
        }
        guard let f = recipe.formats else {
            tableQuantizers = nil
            headQuantizers = nil
            return
        }
        tableQuantizers = [("word", wordEmbeddings), ("position", positionEmbeddings), ("token_type", tokenTypeEmbeddings)].map {
            WeightQuantizer(label: "embeddings.\($0.0)_embeddings.weight", format: f.embeddings, rule: .maxAbsolute,
                            rows: $0.1.shape[0], perChannel: true)
        }
        for layer in layers { layer.quantize(f, recipe: recipe) }
        for lin in [pooler, classifier].compactMap({ $0 }) {
            lin.quantizer = WeightQuantizer(label: lin.name + ".weight", format: f.headWeights, rule: .learned, rows: lin.outFeatures, perChannel: true)
        }
        headQuantizers = (pooler.map { _ in ActivationQuantizer(label: "pooled", format: f.headActivations, learnsOffset: true) },
                          ActivationQuantizer(label: pooler == nil ? "pooled" : "pooler.output", format: f.headActivations, learnsOffset: true))
    }

    /// Class names.
    public var labels: [String] { config.labels }

    /// Every trainable parameter, in a fixed order (the optimizer's and the checkpoint's).
    public var parameters: [NamedParameter] {
        var all = [NamedParameter(name: "embeddings.word_embeddings.weight", variable: wordEmbeddings, decays: true),
                   NamedParameter(name: "embeddings.position_embeddings.weight", variable: positionEmbeddings, decays: true),
                   NamedParameter(name: "embeddings.token_type_embeddings.weight", variable: tokenTypeEmbeddings, decays: true)]
        all += embeddingNorm.parameters
        for layer in layers { all += layer.parameters }
        for lin in [pooler, classifier].compactMap({ $0 }) {
            all += lin.parameters
            if let q = lin.quantizer { all.append(NamedParameter(name: q.label + ".scale", variable: q.scales, decays: false)) }
        }
        for q in [headQuantizers?.pooler, headQuantizers?.classifier].compactMap({ $0 }) {
            all.append(NamedParameter(name: q.label + ".scale", variable: q.scale, decays: false))
            if let o = q.offset { all.append(NamedParameter(name: q.label + ".offset", variable: o, decays: false)) }
        }
        return all
    }
}
