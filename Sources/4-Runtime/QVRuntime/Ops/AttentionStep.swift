import QVFormat
import QVKernels
import QVKernelsMath

/// Multi-head self-attention core: per head, `scores = q·kᵀ · scale`, masked softmax over keys,
/// `context = probs · v` — over all rows, or (`groupRows` > 0) within each group of that many
/// consecutive rows (windows; no mask then), the work split across groups × heads. With FP32 inputs both matmuls are FP32; with codes inputs (q, k per head,
/// v per head transposed) both are integer GEMMs and the probabilities are quantized first; then
/// the context may be written as codes directly (one weight: thresholds shared by every column).
/// An FP32 attention may list a second output, `[heads, -1, -1]`, into which it writes the
/// probabilities softmax produced, laid out [head][query][key] (calibration observes them).
struct AttentionStep: OpStep {
    /// How the two matmuls run.
    enum Operands {
        /// FP32 q, k, v `[tokens, features]`.
        case float
        /// Codes; `qkScale` = s_q·s_k·score_scale, `pvScale` = s_p·s_v.
        case codes(probs: Quantizer, qkScale: Float, pvScale: Float)
    }

    let q: Int, k: Int, v: Int, output: Int
    /// The per-token attention mask, if the op takes one.
    let mask: Int?
    let heads: Int, features: Int
    /// Rows per group (window); 0 for one group of all rows.
    let groupRows: Int
    /// Rows of q, k, v and the context.
    let rowCount: RowCount
    let scoreScale: Float
    let operands: Operands
    /// Set when the context is written as codes.
    let codesOutput: CodesTarget?
    /// The FP32 probabilities output `[heads, tokens, tokens]`, when the op lists one.
    let probabilities: Int?
    /// The formats of the q, k and v codes (codes operands only).
    let codeFormats: (q: QuantFormat, k: QuantFormat, v: QuantFormat)?

    var headDim: Int { features / heads }

    init(_ b: OpBinding, heads: Int, scoreScale: Float, probs: Quantizer?, groupRows: Int) throws(RuntimeError) {
        try b.expectCounts(inputs: 3...4, outputs: b.op.outputs.count == 2 ? 2 : 1, weights: 0...1)
        q = b.input(0); k = b.input(1); v = b.input(2); output = b.output(0)
        mask = b.op.inputs.count == 4 ? b.input(3) : nil
        guard groupRows >= 0, groupRows == 0 || mask == nil else {
            throw b.error("attention over row groups of \(groupRows) takes no mask")
        }
        self.groupRows = groupRows
        rowCount = b.layouts[q].rows
        let features: Int
        if b.layouts[output].floatColumns == nil {
            guard b.op.weights.count == 1, b.layouts[q].floatColumns == nil else {
                throw b.error("attention writing codes takes integer q, k, v and one thresholds weight")
            }
            let target = try CodesTarget(b, value: output, weight: 0, columns: 0)
            guard target.heads == 1 else { throw b.error("attention writes its context codes row-major") }
            codesOutput = target
            features = target.features
        } else {
            guard b.op.weights.isEmpty else { throw b.error("attention writing FP32 takes no weights") }
            features = try b.expectFloat(output, role: "output")
            codesOutput = nil
        }
        self.features = features
        guard heads > 0, features % heads == 0 else { throw b.error("\(features) features don't split into \(heads) heads") }
        if let codesOutput, (features / heads) * codesOutput.thresholds.format.bits % 8 != 0 {
            throw b.error("context codes of \(features / heads) columns per head don't fill whole bytes")
        }
        guard scoreScale.isFinite else { throw b.error("score scale is not finite") }
        self.heads = heads
        self.scoreScale = scoreScale
        probabilities = b.op.outputs.count == 2 ? b.output(1) : nil
        if let p = probabilities {
            guard b.layouts[p].elements == .floatTokenSquares(groups: heads), b.layouts[q].floatColumns != nil, groupRows == 0,
                  b.layouts[q].rows == .tokens else {
                throw b.error("second output '\(b.layouts[p].name)' must be FP32 probabilities [\(heads), -1, -1] of an FP32 attention over token rows")
            }
        }
        if let mask {
            try b.expectTokenInt32(mask, role: "mask")
            try b.expectSameRows(q, mask)
        }
        for x in [q, k, v] { try b.expectSameRows(x, output) }
        if case .fixed(let rows) = b.layouts[q].rows, groupRows > 0, rows % groupRows != 0 {
            throw b.error("\(rows) rows don't split into groups of \(groupRows)")
        }
        if b.layouts[q].floatColumns != nil {
            for (x, role) in [(q, "q"), (k, "k"), (v, "v")] { try b.expectFloat(x, columns: features, role: role) }
            operands = .float
            codeFormats = nil
            return
        }
        func codes(_ x: Int, _ arrangement: CodesArrangement, _ role: String) throws(RuntimeError) -> Quantizer {
            guard case .codes(let f, let quantizer, let a) = b.layouts[x].elements, f == features, a == arrangement else {
                throw b.error("\(role) '\(b.layouts[x].name)' must be codes of \(features) features arranged \(arrangement)")
            }
            return quantizer
        }
        let sq = try codes(q, .headMajor(heads: heads), "q")
        let sk = try codes(k, .headMajor(heads: heads), "k")
        let sv = try codes(v, .headMajorTransposed(heads: heads, groupRows: groupRows), "v")
        guard let probs, probs.format.scheme == .unsignedOffset, probs.offset == 0 else {
            throw b.error("integer attention needs unsigned probability codes with offset 0")
        }
        guard sq.offset == 0, sk.offset == 0, sv.offset == 0 else { throw b.error("q, k and v codes must have offset 0") }
        guard integerGemmSupports(activations: sq.format, weights: sk.format),
              integerGemmSupports(activations: probs.format, weights: sv.format) else {
            throw b.error("no integer kernel for q \(sq.format) · k \(sk.format) or probs \(probs.format) · v \(sv.format)")
        }
        operands = .codes(probs: probs, qkScale: EpilogueFolding.scoreScale(q: sq, k: sk, factor: scoreScale),
                          pvScale: EpilogueFolding.contextScale(probabilities: probs, v: sv))
        codeFormats = (sq.format, sk.format, sv.format)
    }

    /// Rows each group has for `rows` rows of q.
    func rowsPerGroup(_ rows: Int) -> Int { groupRows > 0 ? groupRows : rows }

    /// Scratch one task needs for `tokens` tokens on `path`: mask bias, one group's scores for
    /// one head, and the k panels then (when the head width is not a multiple of 16) the v padded
    /// to whole panels; or packed probabilities and the integer GEMMs' scratch (`gemmScratch`)
    /// (the session gives every worker a region this size).
    func scratch(tokens: Int, path: KernelPath) -> StepScratch {
        let m = rowsPerGroup(rowCount.rows(tokens: tokens))
        let bias = mask == nil ? 0 : align64(m * 4), scores = align64(m * m * 4)
        switch operands {
        case .float:
            let paddedRows = (m + 15) / 16 * 16, paddedWidth = (headDim + 15) / 16 * 16
            return StepScratch(perWorker: bias + scores + align64(max(paddedRows * headDim, m * paddedWidth) * 4))
        case .codes(let probs, _, _):
            let gemm = gemmScratch(rows: m, path: path)
            return StepScratch(perWorker: bias + scores + align64(m * packedRowStride(columns: m, format: probs.format))
                                          + gemm.prepared + gemm.multiply)
        }
    }

    /// Scratch of one group's and head's two integer GEMMs (q·kᵀ, then probs·v) over `m` rows:
    /// the larger prepared activations and the larger multiply region, each a multiple of 64 bytes.
    func gemmScratch(rows m: Int, path: KernelPath) -> (prepared: Int, multiply: Int) {
        guard case .codes(let probs, _, _) = operands, let f = codeFormats else { return (0, 0) }
        let qk = IntegerGemmScratch(activations: f.q, weights: f.k, rows: m, columns: m, depth: headDim,
                                    endsInCodes: false, path: path)
        let pv = IntegerGemmScratch(activations: probs.format, weights: f.v, rows: m, columns: headDim, depth: m,
                                    endsInCodes: codesOutput != nil, path: path)
        return (align64(max(qk.preparedBytes, pv.preparedBytes)), align64(max(qk.multiplyBytes, pv.multiplyBytes)))
    }
}
