import Foundation
import QVCommandLine
import QVCompiler
import QVText
import QVTrainer

/// The model `--model` names: a Hugging Face BERT folder, or a `.ckpt` qvc finetune wrote.
enum StartingModel {
    case folder(BertCheckpoint)
    case trained(BertClassifier)

    /// Reads `path` (a `.ckpt` file by its extension, else a folder).
    init(_ path: String) throws(CommandLineError) {
        if path.hasSuffix(".ckpt") {
            do { self = .trained(try BertClassifier.load(try CheckpointFile(path: path))) } catch let e as TrainerError {
                throw CommandLineError(e.message)
            } catch { throw CommandLineError("\(error)") }
        } else {
            do { self = .folder(try BertCheckpoint(huggingFaceFolder: path)) } catch { throw CommandLineError(error.message) }
        }
    }

    /// The trained model, or an error naming `flag` when this is a folder.
    func trained(orThrow flag: String) throws(CommandLineError) -> BertClassifier {
        guard case .trained(let m) = self else { throw CommandLineError("\(flag) needs a .ckpt written by qvc finetune") }
        return m
    }

    /// The model when it is a trained FP32 checkpoint (the default teacher of a quantized run).
    var trainedFloat: BertClassifier? {
        if case .trained(let m) = self, m.recipe.bits == "fp32" { return m }
        return nil
    }

    /// A classifier to train for `labels` at `recipe`, its tokenizer truncating at `maxLength`.
    func classifier(labels: [String], recipe: Recipe, maxLength: Int, seed: UInt64) throws(CommandLineError) -> BertClassifier {
        var (encoder, head): (BertCheckpoint, BertClassifier.Head?)
        switch self {
        case .folder(let c): (encoder, head) = (c, c.head.map { ($0.pooler, $0.classifier, $0.labels) })
        case .trained(let m): (encoder, head) = (m.encoderCheckpoint, m.head)
        }
        encoder.tokenizer.maxLength = min(maxLength, encoder.config.maxPositions)
        if let head, head.labels != labels, head.labels.count > 0, case .trained = self {
            throw CommandLineError("the checkpoint was trained for labels \(head.labels), the data has \(labels); train from the encoder folder instead")
        }
        return BertClassifier(encoder, head: head, labels: labels, recipe: recipe, seed: seed)
    }
}

/// `--data` read, split into training and validation (by unique text, seeded), ready to tokenize.
struct TrainingData {
    /// The splits.
    let train: LabelledTexts, validation: LabelledTexts
    /// Class names.
    let labelNames: [String]
    /// How the file was read (for the report).
    let summary: String

    /// Reads `path`; validation is 10 % of the unique texts.
    init(path: String, textColumn: String, labelColumn: String, seed: UInt64) throws(CommandLineError) {
        do {
            let file = try LabelledFile(path: path, textColumn: textColumn, labelColumn: labelColumn)
            let all = try LabelledTexts(file)
            let split = try DataSplit(all, seed: seed, validation: 0.1, test: 0)
            train = split.train
            validation = split.validation
            labelNames = all.labelNames
            summary = "\(path): \(all.count) rows (\(file.encoding.rawValue)), \(labelNames.count) classes; "
                + "\(train.count) train / \(validation.count) validation by unique text"
        } catch { throw CommandLineError(error.message) }
    }

    /// Tokenized examples of `texts`.
    func examples(_ texts: LabelledTexts, _ tokenizer: WordPieceTokenizer) -> [TrainingExample] {
        zip(texts.texts, texts.labels).map { TrainingExample(ids: tokenizer.encode($0.0), label: $0.1) }
    }
}
