import QVFormat
import QVKernels
import QVKernelsMath

/// Multi-head self-attention core: per head, `scores = q·kᵀ · scale`, masked softmax over keys,
/// `context = probs · v`. With FP32 inputs both matmuls are FP32; with codes inputs (q, k per head,
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

    let q: Int, k: Int, v: Int, mask: Int, output: Int
    let heads: Int, features: Int
    let scoreScale: Float
    let operands: Operands
    /// Set when the context is written as codes.
    let codesOutput: CodesTarget?
    /// The FP32 probabilities output `[heads, tokens, tokens]`, when the op lists one.
    let probabilities: Int?
    /// The formats of the q, k and v codes (codes operands only).
    let codeFormats: (q: QuantFormat, k: QuantFormat, v: QuantFormat)?

    var headDim: Int { features / heads }

    init(_ b: OpBinding, heads: Int, scoreScale: Float, probs: Quantizer?) throws(RuntimeError) {
        try b.expectCounts(inputs: 4...4, outputs: b.op.outputs.count == 2 ? 2 : 1, weights: 0...1)
        q = b.input(0); k = b.input(1); v = b.input(2); mask = b.input(3); output = b.output(0)
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
            guard b.layouts[p].elements == .floatTokenSquares(groups: heads), b.layouts[q].floatColumns != nil else {
                throw b.error("second output '\(b.layouts[p].name)' must be FP32 probabilities [\(heads), -1, -1] of an FP32 attention")
            }
        }
        try b.expectTokenInt32(mask, role: "mask")
        for x in [q, k, v] { try b.expectSameRows(x, output) }
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
        let sv = try codes(v, .headMajorTransposed(heads: heads), "v")
        guard let probs, probs.format.scheme == .unsignedOffset, probs.offset == 0 else {
            throw b.error("integer attention needs unsigned probability codes with offset 0")
        }
        guard sq.offset == 0, sk.offset == 0, sv.offset == 0 else { throw b.error("q, k and v codes must have offset 0") }
        guard integerGemmSupports(activations: sq.format, weights: sk.format),
              integerGemmSupports(activations: probs.format, weights: sv.format) else {
            throw b.error("no integer kernel for q \(sq.format) · k \(sk.format) or probs \(probs.format) · v \(sv.format)")
        }
        operands = .codes(probs: probs, qkScale: sq.scale * sk.scale * scoreScale, pvScale: probs.scale * sv.scale)
        codeFormats = (sq.format, sk.format, sv.format)
    }

    /// Scratch bytes one task needs for `tokens` tokens on `path`: mask bias, one head's scores,
    /// and one head's k in panels then (when the head width is not a multiple of 16) its v padded
    /// to whole panels; or packed probabilities and the integer GEMMs' scratch (`gemmScratch`)
    /// (the session gives every worker a region this size).
    func scratch(tokens: Int, path: KernelPath) -> StepScratch {
        StepScratch(perWorker: scratchBytes(tokens: tokens, path: path))
    }

    private func scratchBytes(tokens: Int, path: KernelPath) -> Int {
        let bias = align64(tokens * 4), scores = align64(tokens * tokens * 4)
        switch operands {
        case .float:
            let paddedTokens = (tokens + 15) / 16 * 16, paddedWidth = (headDim + 15) / 16 * 16
            return bias + scores + align64(max(paddedTokens * headDim, tokens * paddedWidth) * 4)
        case .codes(let probs, _, _):
            let gemm = gemmScratch(tokens: tokens, path: path)
            return bias + scores + align64(tokens * packedRowStride(columns: tokens, format: probs.format))
                + gemm.prepared + gemm.multiply
        }
    }

    /// Scratch of one head's two integer GEMMs (q·kᵀ, then probs·v) for `tokens` tokens: the
    /// larger prepared activations and the larger multiply region, each a multiple of 64 bytes.
    private func gemmScratch(tokens n: Int, path: KernelPath) -> (prepared: Int, multiply: Int) {
        guard case .codes(let probs, _, _) = operands, let f = codeFormats else { return (0, 0) }
        let qk = IntegerGemmScratch(activations: f.q, weights: f.k, rows: n, columns: n, depth: headDim,
                                    endsInCodes: false, path: path)
        let pv = IntegerGemmScratch(activations: probs.format, weights: f.v, rows: n, columns: headDim, depth: n,
                                    endsInCodes: codesOutput != nil, path: path)
        return (align64(max(qk.preparedBytes, pv.preparedBytes)), align64(max(qk.multiplyBytes, pv.multiplyBytes)))
    }

    /// Runs the heads, split into one contiguous group per worker; each group works in its own
    /// scratch region and writes only its heads' output columns.
    func run(_ c: StepContext) throws(RuntimeError) {
        let tasks = min(c.parallel.workers, heads)
        do {
            try c.parallel.forEach(tasks) { task throws(KernelError) in
                try run(c, heads: ParallelFor.range(task: task, of: tasks, count: heads), scratch: c.scratch(task: task))
            }
        } catch {
            throw RuntimeError(.invalidGraph, "attention: \(error)")
        }
    }

    /// Heads `group`, with `scratch` laid out as `scratchBytes(tokens:path:)` describes.
    private func run(_ c: StepContext, heads group: Range<Int>, scratch: UnsafeMutableRawPointer) throws(KernelError) {
        let n = c.tokens, d = headDim
        let bias = c.maskBias(from: mask, at: scratch)
        let scores = (scratch + align64(n * 4)).assumingMemoryBound(to: Float.self)
        let rest = scratch + align64(n * 4) + align64(n * n * 4)
        for h in group {
            switch operands {
            case .float:
                // Straight into the probabilities output when the op lists one, else into scratch.
                let headScores = probabilities.map { c.floats($0) + h * n * n } ?? scores
                let panels = rest.assumingMemoryBound(to: Float.self)
                packFloatPanels(c.floats(k) + h * d, sourceStride: features, rows: n, columns: d, into: panels)
                floatPanelGemm(a: c.floats(q) + h * d, lda: features, b: FloatPanels(packed: panels, depth: d),
                               m: n, n: n, k: d, epilogue: Epilogue(scale: .scalar(scoreScale), bias: bias),
                               output: headScores, outputStride: n, path: c.path)
                softmaxRows(headScores, count: n, path: c.path)
                floatPanelGemm(a: headScores, lda: n, b: valuePanels(c.floats(v) + h * d, tokens: n, scratch: panels),
                               m: n, n: d, k: n, epilogue: Epilogue(), output: c.floats(output) + h * d, outputStride: features,
                               path: c.path)
            case .codes(let probs, let qkScale, let pvScale):
                let probsStride = packedRowStride(columns: n, format: probs.format)
                let gemm = gemmScratch(tokens: n, path: c.path)
                let preparedScratch = rest + align64(n * probsStride), multiplyScratch = preparedScratch + gemm.prepared
                let kh = c.codes(k, head: h).readOnly, vh = c.codes(v, head: h).readOnly
                let qh = try prepareActivations(c.codes(q, head: h).readOnly, weights: kh.format, path: c.path,
                                                scratch: preparedScratch, scratchBytes: gemm.prepared)
                try integerGemm(qh, kh, epilogue: Epilogue(scale: .scalar(qkScale), bias: bias),
                                output: scores, outputStride: n, scratch: multiplyScratch, scratchBytes: gemm.multiply)
                let packed = MutablePackedMatrix(base: rest, rows: n, columns: n, rowStride: probsStride, format: probs.format)
                softmaxQuantizeRows(scores, stride: n, quantizer: probs, into: packed, path: c.path)
                let ph = try prepareActivations(packed.readOnly, weights: vh.format, path: c.path,
                                                scratch: preparedScratch, scratchBytes: gemm.prepared)
                if let codesOutput {
                    try integerGemm(ph, vh, thresholds: codesOutput.thresholds,
                                    output: codesOutput.output(c, columnOrigin: h * d),
                                    scratch: multiplyScratch, scratchBytes: gemm.multiply)
                } else {
                    try integerGemm(ph, vh, epilogue: Epilogue(scale: .scalar(pvScale)),
                                    output: c.floats(output) + h * d, outputStride: features,
                                    scratch: multiplyScratch, scratchBytes: gemm.multiply)
                }
            }
        }
    }

    /// One head's v (`tokens` × head width, rows `features` apart) as panels: in place when the
    /// width is whole panels, else copied into `scratch` with each row zero-padded to whole panels.
    private func valuePanels(_ vh: UnsafePointer<Float>, tokens n: Int, scratch: UnsafeMutablePointer<Float>) -> FloatPanels {
        let d = headDim
        guard d % 16 != 0 else { return FloatPanels(base: vh, rowStride: features, panelStride: 16) }
        let width = (d + 15) / 16 * 16
        for t in 0..<n {
            let row = scratch + t * width
            row.update(from: vh + t * features, count: d)
            (row + d).update(repeating: 0, count: width - d)
        }
        return FloatPanels(base: scratch, rowStride: width, panelStride: 16)
    }

    private func softmaxRows(_ scores: UnsafeMutablePointer<Float>, count n: Int, path: KernelPath) {
        for i in 0..<n { softmaxInPlace(scores + i * n, count: n, path: path) }
    }
}
