import QVFormat

extension BertCheckpoint.ClassifierHead {
    /// The head of a `BertForSequenceClassification` archive — `classifier.{weight,bias}`
    /// `[classes, hidden]`, and `bert.pooler.dense.{weight,bias}` when present — with its labels
    /// from `config`; nil when the archive holds no `classifier.*` tensor (an embedder, whose
    /// pooler is not used). A head with one of a pair missing is refused by name.
    static func read<Archive: TensorArchive>(_ weights: BertTensorNames<Archive>, config: JSONFile,
                                             hidden: Int) throws(CompileError) -> Self? {
        guard weights.contains(.classifier(.weight)) || weights.contains(.classifier(.bias)) else { return nil }
        let classes = try weights.shape(.classifier(.weight)).first ?? 0
        guard classes > 0 else { throw CompileError("\(weights.archive.path): tensor 'classifier.weight' has no rows; a classifier needs one per class") }
        let classifier = try BertCheckpoint.Linear(weights, BertParameter.classifier, out: classes, in: hidden)
        let hasPooler = weights.contains(.pooler(.weight)) || weights.contains(.pooler(.bias))
        let pooler = hasPooler ? try BertCheckpoint.Linear(weights, BertParameter.pooler, out: hidden, in: hidden) : nil
        return Self(pooler: pooler, classifier: classifier, labels: try labels(config, classes: classes))
    }

    /// The class names of `config.json`: `id2label` ordered by id (ids 0…classes−1, each once),
    /// else Hugging Face's defaults `LABEL_i`; `num_labels`, when given, must be `classes`.
    static func labels(_ config: JSONFile, classes: Int) throws(CompileError) -> [String] {
        if let n = try config.int("num_labels"), n != classes {
            throw CompileError("\(config.path): num_labels is \(n) but classifier.weight has \(classes) rows; fix config.json or the weights")
        }
        guard config.object["id2label"] != nil else { return (0..<classes).map { "LABEL_\($0)" } }
        guard let map = config.child("id2label") else {
            throw CompileError("\(config.path): 'id2label' must be an object of class id → label name")
        }
        var names = [String?](repeating: nil, count: classes)
        for (key, value) in map.object {
            guard let id = Int(key), names.indices.contains(id), names[id] == nil, let name = value as? String else {
                throw CompileError("\(config.path): id2label entry '\(key)' is not a new class id 0…\(classes - 1) with a label name; "
                                   + "the classifier has \(classes) classes")
            }
            names[id] = name
        }
        let found = names.compactMap { $0 }
        guard found.count == classes else {
            throw CompileError("\(config.path): id2label names \(found.count) classes but classifier.weight has \(classes) rows")
        }
        return found
    }
}

extension BertCheckpoint.Linear {
    /// The linear layer whose weight `[out, in]` and bias `[out]` are `parameter(.weight)` and
    /// `parameter(.bias)` of `weights`; throws, naming the tensor, when either is missing or
    /// misshapen.
    init<Archive: TensorArchive>(_ weights: BertTensorNames<Archive>, _ parameter: (BertParameter.Part) -> BertParameter,
                                 out: Int, in inFeatures: Int) throws(CompileError) {
        self.init(weight: try weights.floats(parameter(.weight), shape: [out, inFeatures]),
                  bias: try weights.floats(parameter(.bias), shape: [out]), outFeatures: out, inFeatures: inFeatures)
    }
}
