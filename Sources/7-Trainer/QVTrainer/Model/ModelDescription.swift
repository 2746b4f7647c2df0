import Foundation
import QVFormat

/// What a checkpoint says about its model besides the tensors, as JSON in the safetensors
/// metadata: architecture, tokenizer, labels, recipe, where the encoder came from, and the
/// options of the run that wrote it.
public struct ModelDescription: Codable, Equatable {
    /// Architecture (labels included).
    public var config: Config
    /// Tokenizer settings and vocabulary.
    public var tokenizer: Tokenizer
    /// The quantization recipe.
    public var recipe: Recipe
    /// Whether the head has a Hugging Face pooler.
    public var hasPooler: Bool
    /// The encoder's origin.
    public var source: String
    /// The run's options.
    public var options: TrainingOptions

    /// `QVB.BertConfig` as JSON.
    public struct Config: Codable, Equatable {
        var hidden, layers, heads, intermediate, vocabSize, maxPositions, typeVocabSize: Int
        var layerNormEps: Float
        var pooling: String
        var labels: [String]
    }

    /// `QVB.Tokenizer` as JSON.
    public struct Tokenizer: Codable, Equatable {
        var vocab: [String]
        var lowercase, stripAccents, handleChineseChars, cleanText: Bool
        var continuingPrefix: String
        var maxInputCharsPerWord, maxLength, unkId, clsId, sepId, padId: Int
        var specialIds: [Int]
    }

    /// The description of `model` trained with `options`.
    public init(_ model: BertClassifier, options: TrainingOptions) {
        let c = model.config, t = model.tokenizer
        config = Config(hidden: c.hidden, layers: c.layers, heads: c.heads, intermediate: c.intermediate, vocabSize: c.vocabSize,
                        maxPositions: c.maxPositions, typeVocabSize: c.typeVocabSize, layerNormEps: c.layerNormEps,
                        pooling: c.pooling, labels: c.labels)
        tokenizer = Tokenizer(vocab: t.vocab, lowercase: t.lowercase, stripAccents: t.stripAccents, handleChineseChars: t.handleChineseChars,
                              cleanText: t.cleanText, continuingPrefix: t.continuingPrefix, maxInputCharsPerWord: t.maxInputCharsPerWord,
                              maxLength: t.maxLength, unkId: t.unkId, clsId: t.clsId, sepId: t.sepId, padId: t.padId, specialIds: t.specialIds)
        recipe = model.recipe
        hasPooler = model.pooler != nil
        source = model.source
        self.options = options
    }

    /// The architecture as the format states it.
    public var bertConfig: QVB.BertConfig {
        QVB.BertConfig(hidden: config.hidden, layers: config.layers, heads: config.heads, intermediate: config.intermediate,
                       vocabSize: config.vocabSize, maxPositions: config.maxPositions, typeVocabSize: config.typeVocabSize,
                       layerNormEps: config.layerNormEps, pooling: config.pooling, normalize: false, labels: config.labels)
    }

    /// The tokenizer as the format states it.
    public var qvbTokenizer: QVB.Tokenizer {
        let t = tokenizer
        return QVB.Tokenizer(vocab: t.vocab, lowercase: t.lowercase, stripAccents: t.stripAccents, handleChineseChars: t.handleChineseChars,
                             cleanText: t.cleanText, continuingPrefix: t.continuingPrefix, maxInputCharsPerWord: t.maxInputCharsPerWord,
                             maxLength: t.maxLength, unkId: t.unkId, clsId: t.clsId, sepId: t.sepId, padId: t.padId, specialIds: t.specialIds)
    }

    /// JSON text (the checkpoint's `qv.model` metadata entry).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Parses a checkpoint's metadata entry.
    public init(json: String) throws(TrainerError) {
        do {
            self = try JSONDecoder().decode(ModelDescription.self, from: Data(json.utf8))
        } catch {
            throw TrainerError("checkpoint metadata 'qv.model' is not a model description (\(error)); the file was not written by qvc finetune")
        }
    }
}
