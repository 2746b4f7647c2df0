import Foundation
import QVFormat

/// A BERT-family encoder read from a Hugging Face folder (`config.json`, `model.safetensors`,
/// `vocab.txt`, the tokenizer settings, and the sentence-transformers pooling/normalize modules
/// when present), or built in memory (a trainer's). Weights are FP32 row-major with PyTorch's
/// `[out, in]` linear layout. With a classification `head` it is a classifier (logits out),
/// without one an embedder.
public struct BertCheckpoint {
    /// One encoder layer's weights.
    public struct Layer {
        public var query: Linear, key: Linear, value: Linear, attentionOutput: Linear
        public var attentionNorm: Norm
        public var intermediate: Linear, output: Linear
        public var outputNorm: Norm

        /// A layer of the given parts.
        public init(query: Linear, key: Linear, value: Linear, attentionOutput: Linear, attentionNorm: Norm,
                    intermediate: Linear, output: Linear, outputNorm: Norm) {
            self.query = query
            self.key = key
            self.value = value
            self.attentionOutput = attentionOutput
            self.attentionNorm = attentionNorm
            self.intermediate = intermediate
            self.output = output
            self.outputNorm = outputNorm
        }
    }
    /// A linear layer: `weight` is `[out, in]`.
    public struct Linear {
        public var weight: [Float], bias: [Float]
        public var outFeatures: Int, inFeatures: Int

        /// A linear layer of `outFeatures` × `inFeatures` weights and `outFeatures` biases.
        public init(weight: [Float], bias: [Float], outFeatures: Int, inFeatures: Int) {
            self.weight = weight
            self.bias = bias
            self.outFeatures = outFeatures
            self.inFeatures = inFeatures
        }
    }
    /// LayerNorm parameters.
    public struct Norm {
        public var gamma: [Float], beta: [Float]

        /// LayerNorm scale and shift.
        public init(gamma: [Float], beta: [Float]) {
            self.gamma = gamma
            self.beta = beta
        }
    }
    /// A sequence-classification head on the pooled output, as Hugging Face's
    /// `BertForSequenceClassification`: an optional pooler (`BertPooler`: dense `[hidden, hidden]`
    /// then tanh, on the CLS row), then the classifier `[classes, hidden]` giving the logits.
    public struct ClassifierHead {
        /// The pooler's dense layer; nil pools by the checkpoint's `config.pooling` instead.
        public var pooler: Linear?
        /// The output layer: one row per class.
        public var classifier: Linear
        /// One name per class, in class order.
        public var labels: [String]

        /// A head of the given parts.
        public init(pooler: Linear?, classifier: Linear, labels: [String]) {
            self.pooler = pooler
            self.classifier = classifier
            self.labels = labels
        }
    }

    /// Architecture, tokenizer and pooling.
    public var config: QVB.BertConfig
    /// Tokenizer (vocabulary and settings).
    public var tokenizer: QVB.Tokenizer
    /// Embedding tables `[rows, hidden]`.
    public var wordEmbeddings: [Float], positionEmbeddings: [Float], tokenTypeEmbeddings: [Float]
    /// Embedding LayerNorm.
    public var embeddingNorm: Norm
    /// Encoder layers.
    public var layers: [Layer]
    /// The classification head; nil for an embedder.
    public var head: ClassifierHead?
    /// Where it was read from.
    public var source: String

    /// A checkpoint of the given parts (`head` nil: an embedder).
    public init(config: QVB.BertConfig, tokenizer: QVB.Tokenizer, wordEmbeddings: [Float], positionEmbeddings: [Float],
                tokenTypeEmbeddings: [Float], embeddingNorm: Norm, layers: [Layer], head: ClassifierHead? = nil, source: String) {
        self.config = config
        self.tokenizer = tokenizer
        self.wordEmbeddings = wordEmbeddings
        self.positionEmbeddings = positionEmbeddings
        self.tokenTypeEmbeddings = tokenTypeEmbeddings
        self.embeddingNorm = embeddingNorm
        self.layers = layers
        self.head = head
        self.source = source
    }
}

extension BertCheckpoint {
    /// Reads a BERT-family folder (or a `.safetensors` file inside one). Weights are found by
    /// `BertTensorNames`: with or without the `bert.` prefix, LayerNorms as `weight`/`bias` or
    /// `gamma`/`beta`. A folder with `classifier.*` tensors (`BertForSequenceClassification`)
    /// gets its head, labels from `id2label`; without them it is an embedder (a pooler alone is
    /// ignored).
    public init(huggingFaceFolder input: String) throws(CompileError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
            throw CompileError("\(input): no such file or folder; pass a Hugging Face BERT folder (config.json, model.safetensors, vocab.txt)")
        }
        let path = isDir.boolValue ? input : (input as NSString).deletingLastPathComponent
        try self.init(folder: ModelFolder(path: path),
                      weights: isDir.boolValue ? "model.safetensors" : (input as NSString).lastPathComponent)
    }

    /// Reads a BERT-family model from the files of `folder`, its weights from the safetensors
    /// file `weights` there; the same reading as `init(huggingFaceFolder:)`.
    public init(folder: ModelFolder, weights weightsName: String = "model.safetensors") throws(CompileError) {
        guard let cfg = try JSONFile.read("config.json", in: folder) else {
            throw CompileError("\(folder.path): no config.json; qvc compile needs a Hugging Face BERT folder")
        }
        if let type = cfg.string("model_type"), type != "bert" {
            throw CompileError("\(cfg.path): model_type '\(type)' is not BERT; qvc compiles BERT-family encoders (model_type bert)")
        }
        if let act = cfg.string("hidden_act"), act != "gelu" {
            throw CompileError("\(cfg.path): hidden_act '\(act)' is not supported; qv runs exact (erf) GELU")
        }
        let hidden = try cfg.requiredPositive("hidden_size"), heads = try cfg.requiredPositive("num_attention_heads")
        guard hidden % heads == 0 else { throw CompileError("\(cfg.path): hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)") }
        let layerCount = try cfg.requiredPositive("num_hidden_layers")
        let intermediate = try cfg.requiredPositive("intermediate_size")
        let maxPositions = try cfg.requiredPositive("max_position_embeddings")
        let typeVocab = try cfg.int("type_vocab_size") ?? 2

        guard let weightData = try folder.contents(weightsName) else {
            throw CompileError("\(folder.location(weightsName)): no such file; the BERT folder needs its weights as safetensors")
        }
        let weights = BertTensorNames(try SafeTensorsFile(data: weightData, path: folder.location(weightsName)))
        func linear(_ l: Int, _ module: BertParameter.Module, out: Int, in inF: Int) throws(CompileError) -> Linear {
            try Linear(weights, { .encoder(layer: l, module, $0) }, out: out, in: inF)
        }
        func norm(_ part: (BertParameter.Part) -> BertParameter) throws(CompileError) -> Norm {
            Norm(gamma: try weights.floats(part(.weight), shape: [hidden]), beta: try weights.floats(part(.bias), shape: [hidden]))
        }
        let vocab = try Self.readVocabulary(in: folder)
        let vocabSize = try weights.shape(.wordEmbeddings).first ?? 0
        guard vocab.count <= vocabSize else {
            throw CompileError("\(folder.location("vocab.txt")) has \(vocab.count) tokens but the embedding table only \(vocabSize) rows")
        }
        wordEmbeddings = try weights.floats(.wordEmbeddings, shape: [vocabSize, hidden])
        positionEmbeddings = try weights.floats(.positionEmbeddings, shape: [maxPositions, hidden])
        tokenTypeEmbeddings = try weights.floats(.tokenTypeEmbeddings, shape: [typeVocab, hidden])
        embeddingNorm = try norm(BertParameter.embeddingNorm)
        layers = []
        for l in 0..<layerCount {
            layers.append(Layer(
                query: try linear(l, .query, out: hidden, in: hidden),
                key: try linear(l, .key, out: hidden, in: hidden),
                value: try linear(l, .value, out: hidden, in: hidden),
                attentionOutput: try linear(l, .attentionOutput, out: hidden, in: hidden),
                attentionNorm: try norm { .encoder(layer: l, .attentionNorm, $0) },
                intermediate: try linear(l, .intermediate, out: intermediate, in: hidden),
                output: try linear(l, .output, out: hidden, in: intermediate),
                outputNorm: try norm { .encoder(layer: l, .outputNorm, $0) }))
        }
        head = try ClassifierHead.read(weights, config: cfg, hidden: hidden)
        let sentence = try SentenceTransformersSettings(folder: folder)
        config = QVB.BertConfig(hidden: hidden, layers: layerCount, heads: heads, intermediate: intermediate,
                                vocabSize: vocabSize, maxPositions: maxPositions, typeVocabSize: typeVocab,
                                layerNormEps: Float(cfg.double("layer_norm_eps") ?? 1e-12),
                                pooling: sentence.pooling, normalize: sentence.normalize, labels: head?.labels ?? [])
        tokenizer = try Self.tokenizerSettings(folder: folder, vocab: vocab, maxPositions: maxPositions,
                                               sentenceMaxLength: sentence.maxSequenceLength)
        source = folder.path
    }

    static func readVocabulary(in folder: ModelFolder) throws(CompileError) -> [String] {
        let path = folder.location("vocab.txt")
        guard let data = try folder.contents("vocab.txt") else {
            throw CompileError("\(path): no such file; the BERT folder needs its vocabulary as vocab.txt")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CompileError("\(path): not UTF-8") }
        // As Hugging Face reads vocab.txt: one token a line (lines end in LF, CRLF or CR, as
        // Python's universal newlines read them), trailing whitespace removed. "\r\n" is one
        // Character, so it is a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map { line -> String in
            var s = line
            while let last = s.last, last.isWhitespace { s.removeLast() }
            return String(s)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw CompileError("\(path): the vocabulary is empty") }
        return lines
    }
}
