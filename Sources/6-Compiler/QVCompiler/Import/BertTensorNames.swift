/// One parameter of a BERT encoder as the importer asks for it, whatever a file calls it.
public enum BertParameter: Hashable, Sendable {
    /// Token embedding table `[vocab, hidden]`.
    case wordEmbeddings
    /// Position embedding table `[maxPositions, hidden]`.
    case positionEmbeddings
    /// Token-type (segment) embedding table `[typeVocab, hidden]`.
    case tokenTypeEmbeddings
    /// Scale (`weight`) or shift (`bias`) of the LayerNorm after the embeddings.
    case embeddingNorm(Part)
    /// A weight or bias of one module of encoder layer `layer` (from 0).
    case encoder(layer: Int, Module, Part)
    /// Weight `[hidden, hidden]` or bias of the pooler's dense layer (`BertPooler`), beside the encoder.
    case pooler(Part)
    /// Weight `[classes, hidden]` or bias of a sequence classifier's output layer: a task head's
    /// tensor, named outside the encoder's `bert.` prefix.
    case classifier(Part)

    /// A linear layer or LayerNorm inside an encoder layer.
    public enum Module: CaseIterable, Sendable {
        /// Self-attention query, key and value projections.
        case query, key, value
        /// Self-attention output projection, and the LayerNorm after it.
        case attentionOutput, attentionNorm
        /// Feed-forward expansion (fc1) and contraction (fc2).
        case intermediate, output
        /// LayerNorm after the feed-forward block.
        case outputNorm
    }

    /// Which tensor of a module: a linear layer's weight or bias, a LayerNorm's scale or shift.
    public enum Part: CaseIterable, Sendable { case weight, bias }
}

/// Where a BERT encoder's parameters are in a tensor archive, in Hugging Face's spelling:
/// `BertModel`'s names (`embeddings.…`, `encoder.layer.N.…`, `pooler.…`), under `bert.` when the
/// archive holds a task model's names (`BertForMaskedLM`, …), with LayerNorm scales and shifts
/// spelt `weight` and `bias` or, as in checkpoints converted from TensorFlow, `gamma` and `beta`;
/// a task head's tensors (`classifier.…` of `BertForSequenceClassification`) at the top level.
public struct BertTensorNames<Archive: TensorArchive> {
    /// The archive, seen without its `bert.` prefix when it has one.
    public let archive: PrefixedArchive<Archive>
    /// The whole archive, where a task head's tensors are.
    public let taskHead: PrefixedArchive<Archive>

    /// Reads BERT's parameters from `archive`: under `bert.` when any tensor name starts with it,
    /// else at the top level.
    public init(_ archive: Archive) {
        let prefix = archive.tensorNames.contains { $0.hasPrefix("bert.") } ? "bert." : ""
        self.archive = PrefixedArchive(archive, stripping: prefix)
        taskHead = PrefixedArchive(archive, stripping: "")
    }

    /// The names `parameter` may have in the archive, most usual first.
    public func candidates(_ parameter: BertParameter) -> [String] {
        Self.spellings(parameter).compactMap { view(parameter).storedName($0) }
    }

    /// The archive's name for `parameter`: the first candidate it holds, or nil.
    public func storedName(_ parameter: BertParameter) -> String? {
        (try? find(parameter)).flatMap { view(parameter).storedName($0.name) }
    }

    /// Whether the archive holds `parameter` under one of its names.
    public func contains(_ parameter: BertParameter) -> Bool { (try? find(parameter)) != nil }

    /// The shape of `parameter`; throws, naming the file and the expected name, when it is missing.
    public func shape(_ parameter: BertParameter) throws(CompileError) -> [Int] {
        try find(parameter).info.shape
    }

    /// `parameter` as FP32, checked to have `shape`; throws, naming the file and the expected
    /// name, when it is missing, has another shape or holds no floats.
    public func floats(_ parameter: BertParameter, shape: [Int]) throws(CompileError) -> [Float] {
        let (name, info) = try find(parameter)
        guard info.shape == shape else {
            throw CompileError("\(archive.path): tensor '\(candidates(parameter)[0])' has shape \(info.shape), config.json implies \(shape)")
        }
        return try view(parameter).floats(name).values
    }

    /// The view holding `parameter`: the whole archive for a task head's, else the encoder's.
    private func view(_ parameter: BertParameter) -> PrefixedArchive<Archive> {
        if case .classifier = parameter { return taskHead }
        return archive
    }

    /// The view's name for `parameter` and its description, or the missing-tensor error.
    private func find(_ parameter: BertParameter) throws(CompileError) -> (name: String, info: TensorInfo) {
        for name in Self.spellings(parameter) { if let info = view(parameter).info(name) { return (name, info) } }
        let hint: String
        switch parameter {
        case .pooler, .classifier: hint = "a classification head needs the weight and the bias of its pooler and classifier"
        case .wordEmbeddings, .positionEmbeddings, .tokenTypeEmbeddings, .embeddingNorm, .encoder: hint = "is this a BERT checkpoint?"
        }
        throw CompileError("\(archive.path): missing tensor '\(candidates(parameter)[0])'; \(hint)")
    }

    /// Hugging Face's names of `parameter` without the `bert.` prefix, most usual first.
    static func spellings(_ parameter: BertParameter) -> [String] {
        switch parameter {
        case .wordEmbeddings: ["embeddings.word_embeddings.weight"]
        case .positionEmbeddings: ["embeddings.position_embeddings.weight"]
        case .tokenTypeEmbeddings: ["embeddings.token_type_embeddings.weight"]
        case .embeddingNorm(let part): normSpellings("embeddings.LayerNorm", part)
        case .encoder(let layer, let module, let part):
            module.isNorm ? normSpellings("encoder.layer.\(layer)." + module.path, part)
                : ["encoder.layer.\(layer).\(module.path).\(part.name)"]
        case .pooler(let part): ["pooler.dense." + part.name]
        case .classifier(let part): ["classifier." + part.name]
        }
    }

    /// A LayerNorm's scale as `weight` or `gamma`, its shift as `bias` or `beta`.
    private static func normSpellings(_ module: String, _ part: BertParameter.Part) -> [String] {
        switch part {
        case .weight: [module + ".weight", module + ".gamma"]
        case .bias: [module + ".bias", module + ".beta"]
        }
    }
}

extension BertParameter.Part {
    /// A linear layer's tensor name for the part.
    var name: String { self == .weight ? "weight" : "bias" }
}

extension BertParameter.Module {
    /// Whether the module is a LayerNorm (rather than a linear layer).
    var isNorm: Bool { self == .attentionNorm || self == .outputNorm }

    /// The module's path inside `encoder.layer.N.` in Hugging Face's `BertLayer`.
    var path: String {
        switch self {
        case .query: "attention.self.query"
        case .key: "attention.self.key"
        case .value: "attention.self.value"
        case .attentionOutput: "attention.output.dense"
        case .attentionNorm: "attention.output.LayerNorm"
        case .intermediate: "intermediate.dense"
        case .output: "output.dense"
        case .outputNorm: "output.LayerNorm"
        }
    }
}
