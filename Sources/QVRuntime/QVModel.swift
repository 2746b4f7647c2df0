import QVFormat
import QVKernels

/// A loaded `.qvb` model: the verified file, its tokenizer, and its graph bound to runnable steps.
/// Immutable once made; any number of sessions may run it.
public final class QVModel {
    /// The verified file the model reads its constants from (zero-copy).
    public let file: QVBFile
    /// The tokenizer built from the file's vocabulary and settings.
    public let tokenizer: WordPieceTokenizer
    /// Longest token sequence (special tokens included) the model accepts.
    public let maxTokens: Int

    let layouts: [ValueLayout]
    let steps: [Step]
    let io: IO

    /// Indices of the model's input and output values.
    struct IO {
        let ids: Int, tokenTypes: Int, mask: Int
        let embedding: Int?, logits: Int?
    }

    /// The file's metadata.
    public var metadata: QVB.Model { file.model }

    /// Class labels of a classification head, empty for an embedder.
    public var labels: [String] { file.model.bert?.labels ?? [] }

    /// Binds the graph of `file`; throws if any op, value or constant does not fit.
    public init(file: QVBFile) throws(RuntimeError) {
        self.file = file
        let m = file.model
        var layouts: [ValueLayout] = []
        for v in m.values { layouts.append(try ValueLayout(v)) }
        var tensors: [ConstantTensor] = []
        for (i, t) in m.tensors.enumerated() {
            tensors.append(ConstantTensor(name: t.name, type: t.type, shape: t.shape, quant: t.quant,
                                          rowStride: t.rowStride, layout: t.layout, bytes: file.tensorBytes(i)))
        }
        var steps: [Step] = []
        for op in m.ops { steps.append(try Step(OpBinding(op: op, layouts: layouts, tensors: tensors))) }
        guard !steps.isEmpty else { throw RuntimeError(.invalidGraph, "the model has no ops; recompile it with qvc") }
        self.layouts = layouts
        self.steps = steps

        let n = layouts.count
        func index(_ i: Int, _ role: String) throws(RuntimeError) -> Int {
            guard i >= 0, i < n else { throw RuntimeError(.invalidGraph, "model \(role) names value \(i) of \(n)") }
            return i
        }
        let io = m.io
        self.io = IO(ids: try index(io.inputIds, "input ids"), tokenTypes: try index(io.tokenTypes, "token types"),
                     mask: try index(io.mask, "mask"),
                     embedding: try io.embedding.map { i throws(RuntimeError) in try index(i, "embedding") },
                     logits: try io.logits.map { i throws(RuntimeError) in try index(i, "logits") })
        guard self.io.embedding != nil || self.io.logits != nil else {
            throw RuntimeError(.invalidGraph, "the model declares neither an embedding nor logits output")
        }
        for v in [self.io.ids, self.io.tokenTypes, self.io.mask] where layouts[v].elements != .int32 {
            throw RuntimeError(.invalidGraph, "model input '\(layouts[v].name)' must be one Int32 per token")
        }
        for case let v? in [self.io.embedding, self.io.logits] where layouts[v].floatColumns == nil || layouts[v].rows != .fixed(1) {
            throw RuntimeError(.invalidGraph, "model output '\(layouts[v].name)' must be one FP32 row")
        }

        guard let t = m.tokenizer else {
            throw RuntimeError(.invalidGraph, "the model has no tokenizer; recompile it with qvc from a folder with vocab.txt")
        }
        let options = WordPieceOptions(
            lowercase: t.lowercase, stripAccents: t.stripAccents, handleChineseChars: t.handleChineseChars,
            cleanText: t.cleanText, continuingPrefix: t.continuingPrefix,
            maxInputCharsPerWord: Int(t.maxInputCharsPerWord), maxLength: Int(t.maxLength),
            unkID: Int32(t.unkId), clsID: Int32(t.clsId), sepID: Int32(t.sepId), padID: Int32(t.padId),
            specialTokenIDs: t.specialIds.map { Int32($0) })
        tokenizer = WordPieceTokenizer(vocabulary: t.vocab, options: options)
        var limit = Int(t.maxLength)
        for case .embedding(let e) in steps { limit = min(limit, e.position.rows) }
        guard limit >= 2 else { throw RuntimeError(.invalidGraph, "the model accepts fewer than 2 tokens") }
        maxTokens = limit
    }

    /// Checks that `ids` can run: length within `maxTokens`, every id inside the embedding tables.
    func validate(ids: [Int32]) throws(RuntimeError) {
        guard !ids.isEmpty, ids.count <= maxTokens else {
            throw RuntimeError(.invalidInput, "\(ids.count) tokens; the model takes 1 to \(maxTokens)")
        }
        for case .embedding(let e) in steps {
            for id in ids where id < 0 || Int(id) >= e.word.rows {
                throw RuntimeError(.invalidInput, "token id \(id) is outside the vocabulary of \(e.word.rows)")
            }
        }
    }
}
