import Foundation
import Testing
@testable import QVCompiler

/// The BERT name mapper on its own and through the importer, on every layout it accepts.
@Suite struct BertTensorNamesTests {
    /// The archive in `folder`.
    func archive(_ folder: String) throws -> SafeTensorsFile { try SafeTensorsFile(path: folder + "/model.safetensors") }

    @Test func spellsParametersAsHuggingFace() {
        typealias Names = BertTensorNames<SafeTensorsFile>
        #expect(Names.spellings(.wordEmbeddings) == ["embeddings.word_embeddings.weight"])
        #expect(Names.spellings(.tokenTypeEmbeddings) == ["embeddings.token_type_embeddings.weight"])
        #expect(Names.spellings(.embeddingNorm(.bias)) == ["embeddings.LayerNorm.bias", "embeddings.LayerNorm.beta"])
        #expect(Names.spellings(.encoder(layer: 3, .query, .weight)) == ["encoder.layer.3.attention.self.query.weight"])
        #expect(Names.spellings(.encoder(layer: 0, .attentionOutput, .bias)) == ["encoder.layer.0.attention.output.dense.bias"])
        #expect(Names.spellings(.encoder(layer: 11, .outputNorm, .weight))
                == ["encoder.layer.11.output.LayerNorm.weight", "encoder.layer.11.output.LayerNorm.gamma"])
        #expect(Names.spellings(.encoder(layer: 1, .intermediate, .weight)) == ["encoder.layer.1.intermediate.dense.weight"])
        // Every parameter of a layer has its own name.
        let all = BertParameter.Module.allCases.flatMap { m in BertParameter.Part.allCases.map { Names.spellings(.encoder(layer: 0, m, $0))[0] } }
        #expect(Set(all).count == 16)
    }

    @Test func resolvesPlainNames() throws {
        let names = BertTensorNames(try archive(try TinyBert.folder(.init())))
        #expect(names.storedName(.encoder(layer: 0, .value, .bias)) == "encoder.layer.0.attention.self.value.bias")
        #expect(names.storedName(.embeddingNorm(.weight)) == "embeddings.LayerNorm.weight")
        #expect(names.storedName(.encoder(layer: 1, .value, .bias)) == nil)
        #expect(try names.shape(.encoder(layer: 0, .intermediate, .weight)) == [TinyBert.intermediate, TinyBert.hidden])
    }

    @Test func resolvesBertPrefixedGammaBetaNames() throws {
        let layout = TinyBert.Layout(prefix: "bert.", normNames: ("gamma", "beta"))
        let names = BertTensorNames(try archive(try TinyBert.folder(layout, extra: [.f32("cls.predictions.bias", [7], .init(repeating: 0, count: 7))])))
        #expect(names.archive.tensorNames.allSatisfy { !$0.hasPrefix("bert.") && !$0.hasPrefix("cls.") })
        #expect(names.storedName(.encoder(layer: 0, .outputNorm, .weight)) == "bert.encoder.layer.0.output.LayerNorm.gamma")
        #expect(names.storedName(.embeddingNorm(.bias)) == "bert.embeddings.LayerNorm.beta")
        #expect(names.storedName(.encoder(layer: 0, .key, .weight)) == "bert.encoder.layer.0.attention.self.key.weight")
        #expect(names.candidates(.embeddingNorm(.weight)) == ["bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.gamma"])
        // embeddings.LayerNorm is parameter 3: gamma is run 6, beta run 7.
        #expect(try names.floats(.embeddingNorm(.bias), shape: [TinyBert.hidden]) == TinyBert.values(7, count: TinyBert.hidden))
    }

    @Test func prefersWeightOverGammaWhenBothArePresent() throws {
        let names = BertTensorNames(try archive(try TinyBert.folder(.init(), extra: [.f32("embeddings.LayerNorm.gamma", [4], [9, 9, 9, 9])])))
        #expect(names.storedName(.embeddingNorm(.weight)) == "embeddings.LayerNorm.weight")
        #expect(try names.floats(.embeddingNorm(.weight), shape: [4]) == TinyBert.values(6, count: 4))
    }

    @Test func plainAndPrefixedLayoutsImportTheSameWeights() throws {
        let plain = try BertCheckpoint(huggingFaceFolder: try TinyBert.folder(.init()))
        let prefixed = try BertCheckpoint(huggingFaceFolder: try TinyBert.folder(.init(prefix: "bert.")))
        let legacy = try BertCheckpoint(huggingFaceFolder: try TinyBert.folder(.init(prefix: "bert.", normNames: ("gamma", "beta"))))
        let plainLegacy = try BertCheckpoint(huggingFaceFolder: try TinyBert.folder(.init(normNames: ("gamma", "beta"))))
        #expect(allWeights(plain) == allWeights(prefixed))
        #expect(allWeights(plain) == allWeights(legacy))
        #expect(allWeights(plain) == allWeights(plainLegacy))
        // And they are what was written, each where it belongs.
        #expect(plain.wordEmbeddings == TinyBert.values(0, count: 7 * 4))
        #expect(plain.layers[0].query.weight == TinyBert.values(8, count: 16))
        #expect(plain.layers[0].query.bias == TinyBert.values(9, count: 4))
        #expect(plain.layers[0].attentionNorm.beta == TinyBert.values(17, count: 4))
        #expect(plain.layers[0].output.weight == TinyBert.values(20, count: 32))
        #expect(plain.layers[0].outputNorm.gamma == TinyBert.values(22, count: 4))
        #expect(plain.config.vocabSize == 7 && plain.layers.count == 1)
    }

    @Test func missingTensorNamesTheExpectedNameAndTheFile() throws {
        let prefixed = try TinyBert.folder(.init(prefix: "bert.", normNames: ("gamma", "beta"), omitted: ["bert.encoder.layer.0.output.LayerNorm.beta"]))
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: prefixed) }
                == "\(prefixed)/model.safetensors: missing tensor 'bert.encoder.layer.0.output.LayerNorm.bias'; is this a BERT checkpoint?")
        let plain = try TinyBert.folder(.init(omitted: ["encoder.layer.0.attention.self.key.weight"]))
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: plain) }
                == "\(plain)/model.safetensors: missing tensor 'encoder.layer.0.attention.self.key.weight'; is this a BERT checkpoint?")
        let names = BertTensorNames(try archive(plain))
        #expect(message { _ = try names.shape(.encoder(layer: 2, .query, .bias)) }
                == "\(plain)/model.safetensors: missing tensor 'encoder.layer.2.attention.self.query.bias'; is this a BERT checkpoint?")
    }

    @Test func wrongShapeNamesTheTensorAndTheConfig() throws {
        let folder = try TinyBert.folder(.init(prefix: "bert."))
        let names = BertTensorNames(try archive(folder))
        #expect(message { _ = try names.floats(.encoder(layer: 0, .key, .weight), shape: [4, 8]) }
                == "\(folder)/model.safetensors: tensor 'bert.encoder.layer.0.attention.self.key.weight' has shape [4, 4], config.json implies [4, 8]")
    }

    @Test func nonFloatWeightIsRefusedByName() throws {
        let folder = try TinyBert.folder(.init(omitted: ["encoder.layer.0.attention.self.query.bias"]),
                                         extra: [.i64("encoder.layer.0.attention.self.query.bias", [4], [1, 2, 3, 4])])
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: folder) }
                == "\(folder)/model.safetensors: tensor 'encoder.layer.0.attention.self.query.bias' is I64; qv reads F32, F16 or BF16 weights")
    }
}
