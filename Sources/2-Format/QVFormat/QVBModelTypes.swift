extension QVB {
    /// WordPiece tokenizer (BERT family), as Hugging Face `tokenizers` runs it.
    public struct Tokenizer: Hashable, Sendable {
        /// Tokens; a token's id is its index.
        public var vocab: [String]
        /// Lowercase the text first.
        public var lowercase: Bool
        /// Remove accents (NFD, drop combining marks).
        public var stripAccents: Bool
        /// Put spaces around CJK characters.
        public var handleChineseChars: Bool
        /// Remove control characters and normalise whitespace.
        public var cleanText: Bool
        /// Prefix of word-continuing pieces ("##").
        public var continuingPrefix: String
        /// Longer words become the unknown token.
        public var maxInputCharsPerWord: Int
        /// Truncation length, special tokens included.
        public var maxLength: Int
        /// Id of the unknown token.
        public var unkId: Int
        /// Id of the classification token.
        public var clsId: Int
        /// Id of the separator token.
        public var sepId: Int
        /// Id of the padding token.
        public var padId: Int
        /// Ids of the special tokens Hugging Face matches literally in raw text before
        /// normalising it (e.g. "[MASK]" typed in a tweet becomes the mask token).
        public var specialIds: [Int]

        /// Creates a tokenizer description; the defaults are BERT's.
        public init(vocab: [String], lowercase: Bool = true, stripAccents: Bool = true,
                    handleChineseChars: Bool = true, cleanText: Bool = true,
                    continuingPrefix: String = "##", maxInputCharsPerWord: Int = 100,
                    maxLength: Int, unkId: Int, clsId: Int, sepId: Int, padId: Int, specialIds: [Int] = []) {
            self.vocab = vocab
            self.lowercase = lowercase
            self.stripAccents = stripAccents
            self.handleChineseChars = handleChineseChars
            self.cleanText = cleanText
            self.continuingPrefix = continuingPrefix
            self.maxInputCharsPerWord = maxInputCharsPerWord
            self.maxLength = maxLength
            self.unkId = unkId
            self.clsId = clsId
            self.sepId = sepId
            self.padId = padId
            self.specialIds = specialIds
        }
    }

    /// The architecture family of a model.
    public enum ModelFamily: UInt8, Hashable, Sendable, CaseIterable {
        /// BERT-family text encoders.
        case bert = 0
        /// Swin vision transformers.
        case swin = 1
        /// A graph with no family configuration (built by hand or by a test).
        case generic = 2
    }

    /// Configuration of a BERT-family encoder.
    public struct BertConfig: Hashable, Sendable {
        /// Hidden size.
        public var hidden: Int
        /// Encoder layers.
        public var layers: Int
        /// Attention heads.
        public var heads: Int
        /// Feed-forward inner size.
        public var intermediate: Int
        /// Vocabulary size.
        public var vocabSize: Int
        /// Position embeddings.
        public var maxPositions: Int
        /// Token type embeddings.
        public var typeVocabSize: Int
        /// LayerNorm epsilon.
        public var layerNormEps: Float
        /// Sentence pooling: "mean" or "cls".
        public var pooling: String
        /// Whether the sentence embedding is L2-normalised.
        public var normalize: Bool
        /// Classification head labels; empty for an embedder.
        public var labels: [String]

        /// Creates a BERT configuration.
        public init(hidden: Int, layers: Int, heads: Int, intermediate: Int, vocabSize: Int,
                    maxPositions: Int, typeVocabSize: Int, layerNormEps: Float, pooling: String,
                    normalize: Bool, labels: [String] = []) {
            self.hidden = hidden
            self.layers = layers
            self.heads = heads
            self.intermediate = intermediate
            self.vocabSize = vocabSize
            self.maxPositions = maxPositions
            self.typeVocabSize = typeVocabSize
            self.layerNormEps = layerNormEps
            self.pooling = pooling
            self.normalize = normalize
            self.labels = labels
        }
    }

    /// Who wrote the file and from what.
    public struct Producer: Hashable, Sendable {
        /// Tool name ("qvc").
        public var name: String
        /// Tool version.
        public var version: String
        /// The model the file was compiled from.
        public var source: String
        /// The command line that produced it.
        public var command: String

        /// Creates a producer record.
        public init(name: String = "", version: String = "", source: String = "", command: String = "") {
            self.name = name
            self.version = version
            self.source = source
            self.command = command
        }
    }

    /// What a model input or output is to the host that fills or reads it.
    public enum IORole: UInt8, Hashable, Sendable, CaseIterable {
        /// An FP32 tensor of the declared shape.
        case tensor = 0
        /// Int32 `[-1]`: one token id per token.
        case tokenIds = 1
        /// Int32 `[-1]`: segment ids (0 when the host gives none).
        case tokenTypes = 2
        /// Int32 `[-1]`: 1 where a token is attended, 0 for padding (1 when the host gives none).
        case attentionMask = 3
        /// FP32 image tensor (e.g. `[1, 3, H, W]`), already preprocessed.
        case image = 4
        /// FP32 `[1, F]`: a pooled, possibly normalised embedding.
        case embedding = 5
        /// FP32 `[1, classes]`: classifier logits.
        case logits = 6
    }

    /// One named input or output of the model: a graph value and what it is.
    public struct Port: Hashable, Sendable {
        /// Name the host uses (unique among the inputs, and among the outputs).
        public var name: String
        /// Index into `Model.values`.
        public var value: Int
        /// What the value is.
        public var role: IORole

        /// Creates a port.
        public init(name: String, value: Int, role: IORole) {
            self.name = name
            self.value = value
            self.role = role
        }
    }

    /// Everything in a `.qvb` except the tensor bytes.
    public struct Model: Hashable, Sendable {
        /// Format version of the file (`QVB.formatVersion` when written by this build).
        public var formatVersion: Int
        /// Who wrote the file.
        public var producer: Producer
        /// Architecture family.
        public var family: ModelFamily
        /// BERT configuration; required when `family` is `.bert`.
        public var bert: BertConfig?
        /// Precision name: "fp32", "w8a8", "w4a4", "w2a2" or "w1a1".
        public var precision: String
        /// Tokenizer, for text models.
        public var tokenizer: Tokenizer?
        /// Constant tensors.
        public var tensors: [Tensor]
        /// Activation values.
        public var values: [Value]
        /// The graph, in execution order.
        public var ops: [Op]
        /// Values the host fills before a run.
        public var inputs: [Port]
        /// Values the host reads after a run.
        public var outputs: [Port]
        /// Largest length the tokens dimension (-1 in shapes) may take; 0 when no value has one.
        public var maxTokens: Int

        /// Creates a model description.
        public init(formatVersion: Int = QVB.formatVersion, producer: Producer, family: ModelFamily,
                    bert: BertConfig?, precision: String, tokenizer: Tokenizer?, tensors: [Tensor],
                    values: [Value], ops: [Op], inputs: [Port], outputs: [Port], maxTokens: Int) {
            self.formatVersion = formatVersion
            self.producer = producer
            self.family = family
            self.bert = bert
            self.precision = precision
            self.tokenizer = tokenizer
            self.tensors = tensors
            self.values = values
            self.ops = ops
            self.inputs = inputs
            self.outputs = outputs
            self.maxTokens = maxTokens
        }
    }
}
