import QVCompiler
import QVFormat

/// A trained model as a `.ckpt`: every parameter (latent FP32 weights, quantizer steps and
/// offsets) under its name, and the model description as the `qv.model` metadata entry.
extension BertClassifier {
    /// Metadata key of the model description.
    static let descriptionKey = "qv.model"

    /// The checkpoint of the model as trained with `options`.
    public func checkpoint(options: TrainingOptions) -> CheckpointFile {
        CheckpointFile(tensors: Dictionary(uniqueKeysWithValues: parameterValues.map { ($0.name, CheckpointTensor(shape: $0.shape, values: $0.values)) }),
                       metadata: [Self.descriptionKey: ModelDescription(self, options: options).json])
    }

    /// The model a checkpoint holds; throws when its description or a tensor disagrees.
    public static func load(_ file: CheckpointFile) throws(TrainerError) -> BertClassifier {
        let d: ModelDescription
        do { d = try ModelDescription(json: try file.metadata(descriptionKey)) } catch let e as TrainerError { throw e }
        catch let e as CheckpointError { throw TrainerError("\(e.message); pass a checkpoint written by qvc finetune") } catch {
            throw TrainerError("\(file.path): \(error); pass a checkpoint written by qvc finetune")
        }
        // The description sizes the zero model built to load into: it may not ask for more
        // weights than the file holds (a hostile description would otherwise allocate terabytes).
        let stored = file.tensors.values.reduce(0) { $0 + $1.values.count }
        guard let needed = weightCount(d.config), needed <= stored else {
            throw TrainerError("\(file.path): the model description asks for more weights than the checkpoint's \(stored) values; pass a checkpoint written by qvc finetune")
        }
        let model = try empty(d)
        var values: [String: (shape: [Int], values: [Float])] = [:]
        for (name, t) in file.tensors { values[name] = (t.shape, t.values) }
        do { try model.load(values) } catch { throw TrainerError("\(file.path): \(error.message)") }
        return model
    }

    /// The encoder's and head's weight count for `c` (embedding tables, layers, classifier), or
    /// nil when a size is negative or the count overflows.
    static func weightCount(_ c: ModelDescription.Config) -> Int? {
        func product(_ factors: Int...) -> Int? {
            factors.reduce(Int?(1)) { p, f in
                guard let p, f >= 0 else { return nil }
                let (r, overflow) = p.multipliedReportingOverflow(by: f)
                return overflow ? nil : r
            }
        }
        func sum(_ terms: Int?...) -> Int? {
            terms.reduce(Int?(0)) { s, t in
                guard let s, let t else { return nil }
                let (r, overflow) = s.addingReportingOverflow(t)
                return overflow ? nil : r
            }
        }
        let h = c.hidden
        let layer = sum(product(4, h, h), product(2, h, c.intermediate), c.intermediate, product(9, h))
        return sum(product(c.vocabSize, h), product(c.maxPositions, h), product(c.typeVocabSize, h), product(c.layers, layer ?? -1),
                   product(c.labels.count, h))
    }

    /// A model of description `d` with zero parameters (to load values into).
    static func empty(_ d: ModelDescription) throws(TrainerError) -> BertClassifier {
        let c = d.config
        guard c.hidden > 0, c.heads > 0, c.hidden % c.heads == 0, c.layers > 0, c.intermediate > 0, c.vocabSize > 0,
              c.maxPositions > 0, c.typeVocabSize > 0, !c.labels.isEmpty, Recipe.precisions.contains(d.recipe.bits) else {
            throw TrainerError("checkpoint description is inconsistent (hidden \(c.hidden), heads \(c.heads), \(c.labels.count) labels, bits '\(d.recipe.bits)')")
        }
        func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }
        func linear(_ out: Int, _ input: Int) -> BertCheckpoint.Linear {
            BertCheckpoint.Linear(weight: zeros(out * input), bias: zeros(out), outFeatures: out, inFeatures: input)
        }
        let norm = BertCheckpoint.Norm(gamma: zeros(c.hidden), beta: zeros(c.hidden))
        let layer = BertCheckpoint.Layer(query: linear(c.hidden, c.hidden), key: linear(c.hidden, c.hidden), value: linear(c.hidden, c.hidden),
                                         attentionOutput: linear(c.hidden, c.hidden), attentionNorm: norm,
                                         intermediate: linear(c.intermediate, c.hidden), output: linear(c.hidden, c.intermediate), outputNorm: norm)
        let encoder = BertCheckpoint(config: d.bertConfig, tokenizer: d.qvbTokenizer, wordEmbeddings: zeros(c.vocabSize * c.hidden),
                                     positionEmbeddings: zeros(c.maxPositions * c.hidden), tokenTypeEmbeddings: zeros(c.typeVocabSize * c.hidden),
                                     embeddingNorm: norm, layers: Array(repeating: layer, count: c.layers), source: d.source)
        let head: Head = (d.hasPooler ? linear(c.hidden, c.hidden) : nil, linear(c.labels.count, c.hidden), c.labels)
        return BertClassifier(encoder, head: head, labels: c.labels, recipe: d.recipe, seed: 0)
    }
}
