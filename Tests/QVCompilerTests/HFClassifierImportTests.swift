import Foundation
import Testing
@testable import QVCompiler
import QVFormat
import QVRuntime
import QVText

/// A Hugging Face `BertForSequenceClassification` folder: `bert.`-prefixed encoder and pooler,
/// `classifier.*` at the top level, labels from config.json.
@Suite struct HFClassifierImportTests {
    static let classes = 3
    /// The head's tensors, each a distinct run of values (after TinyBert's 24 parameters).
    static func head(pooler: Bool = true, omitted: Set<String> = []) -> [StoredTensor] {
        let h = TinyBert.hidden
        var tensors: [StoredTensor] = [.f32("classifier.weight", [classes, h], TinyBert.values(50, count: classes * h)),
                                       .f32("classifier.bias", [classes], TinyBert.values(51, count: classes))]
        if pooler {
            tensors += [.f32("bert.pooler.dense.weight", [h, h], TinyBert.values(52, count: h * h)),
                        .f32("bert.pooler.dense.bias", [h], TinyBert.values(53, count: h))]
        }
        return tensors.filter { !omitted.contains($0.name) }
    }

    /// A classifier folder with `config` members added to config.json.
    static func folder(pooler: Bool = true, omitted: Set<String> = [], config: String = "") throws -> String {
        try TinyBert.folder(.init(prefix: "bert."), extra: head(pooler: pooler, omitted: omitted), extraConfig: config)
    }

    @Test func spellsHeadParametersAsHuggingFace() throws {
        typealias Names = BertTensorNames<SafeTensorsFile>
        #expect(Names.spellings(.pooler(.weight)) == ["pooler.dense.weight"])
        #expect(Names.spellings(.classifier(.bias)) == ["classifier.bias"])
        let names = BertTensorNames(try SafeTensorsFile(path: try Self.folder() + "/model.safetensors"))
        // The pooler is the encoder's (under bert.), the classifier the task model's (top level).
        #expect(names.storedName(.pooler(.weight)) == "bert.pooler.dense.weight")
        #expect(names.storedName(.classifier(.weight)) == "classifier.weight")
        #expect(names.candidates(.classifier(.bias)) == ["classifier.bias"])
        #expect(names.contains(.classifier(.bias)) && !names.contains(.encoder(layer: 1, .query, .weight)))
    }

    @Test func importsPoolerClassifierAndLabelsInIdOrder() throws {
        let config = #""id2label":{"2":"positive","0":"negative","1":"neutral"},"label2id":{"negative":0,"neutral":1,"positive":2}"#
        let checkpoint = try BertCheckpoint(huggingFaceFolder: try Self.folder(config: config + #","num_labels":3"#))
        let head = try #require(checkpoint.head)
        #expect(head.labels == ["negative", "neutral", "positive"])
        #expect(checkpoint.config.labels == head.labels)
        #expect(head.classifier.weight == TinyBert.values(50, count: 12) && head.classifier.bias == TinyBert.values(51, count: 3))
        #expect(head.classifier.outFeatures == 3 && head.classifier.inFeatures == TinyBert.hidden)
        let pooler = try #require(head.pooler)
        #expect(pooler.weight == TinyBert.values(52, count: 16) && pooler.bias == TinyBert.values(53, count: 4))
        // The encoder reads as from an embedder folder.
        #expect(allWeights(checkpoint) == allWeights(try BertCheckpoint(huggingFaceFolder: try TinyBert.folder(.init()))))
    }

    @Test func labelsDefaultToHuggingFaceNames() throws {
        let head = try #require(try BertCheckpoint(huggingFaceFolder: try Self.folder(pooler: false)).head)
        #expect(head.labels == ["LABEL_0", "LABEL_1", "LABEL_2"])
        #expect(head.pooler == nil)
    }

    @Test func poolerWithoutClassifierStaysAnEmbedder() throws {
        let folder = try TinyBert.folder(.init(prefix: "bert."), extra: Self.head(omitted: ["classifier.weight", "classifier.bias"]))
        let checkpoint = try BertCheckpoint(huggingFaceFolder: folder)
        #expect(checkpoint.head == nil && checkpoint.config.labels.isEmpty)
    }

    @Test func missingHalfOfTheHeadIsRefusedByName() throws {
        let noBias = try Self.folder(omitted: ["classifier.bias"])
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: noBias) }
                == "\(noBias)/model.safetensors: missing tensor 'classifier.bias'; "
                + "a classification head needs the weight and the bias of its pooler and classifier")
        let noPoolerWeight = try Self.folder(omitted: ["bert.pooler.dense.weight"])
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: noPoolerWeight) }
                == "\(noPoolerWeight)/model.safetensors: missing tensor 'bert.pooler.dense.weight'; "
                + "a classification head needs the weight and the bias of its pooler and classifier")
    }

    @Test func labelsThatDisagreeWithTheClassifierAreRefused() throws {
        let many = try Self.folder(config: #""num_labels":2"#)
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: many) }
                == "\(many)/config.json: num_labels is 2 but classifier.weight has 3 rows; fix config.json or the weights")
        let short = try Self.folder(config: #""id2label":{"0":"a","1":"b"}"#)
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: short) }
                == "\(short)/config.json: id2label names 2 classes but classifier.weight has 3 rows")
        let stray = try Self.folder(config: #""id2label":{"0":"a","1":"b","3":"c"}"#)
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: stray) }
                == "\(stray)/config.json: id2label entry '3' is not a new class id 0…2 with a label name; the classifier has 3 classes")
    }

    @Test func importedClassifierCompilesToLabelledLogits() throws {
        let folder = try Self.folder(config: #""id2label":{"0":"no","1":"maybe","2":"yes"}"#)
        let image = try Compiler.compile(try BertCheckpoint(huggingFaceFolder: folder), options: CompileOptions(precision: .w8a8))
        try CompiledMiniLM.withModel(image) { model in
            #expect(model.labels == ["no", "maybe", "yes"])
            let output = try InferenceSession(model: model).run(text: "a b", tokenizer: try model.tokenizer())
            #expect(output.logits?.count == 3 && output.embedding == nil)
        }
    }
}
