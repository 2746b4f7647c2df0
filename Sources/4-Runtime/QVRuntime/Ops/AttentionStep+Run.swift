import QVKernels
import QVKernelsMath

extension AttentionStep {
    /// Runs every (group, head) unit, split into one contiguous run of units per worker; each
    /// worker works in its own scratch region and writes only its units' output rows and columns.
    func run(_ c: StepContext) throws(RuntimeError) {
        let rows = c.rows(q), m = rowsPerGroup(rows)
        try checkGroups(rows: rows)
        let units = rows / m * heads, tasks = min(c.parallel.workers, units)
        do {
            try c.parallel.forEach(tasks) { task throws(KernelError) in
                try run(c, units: ParallelFor.range(task: task, of: tasks, count: units), rows: m, scratch: c.scratch(task: task))
            }
        } catch {
            throw RuntimeError(.invalidGraph, "attention: \(error)")
        }
    }

    /// Units `units` (unit u is group u / heads, head u % heads) of `m` rows each, with `scratch`
    /// laid out as `scratch(tokens:path:)` describes.
    private func run(_ c: StepContext, units: Range<Int>, rows m: Int, scratch: UnsafeMutableRawPointer) throws(KernelError) {
        let d = headDim
        let bias = mask.map { c.maskBias(from: $0, at: scratch) }
        let scores = (scratch + (mask == nil ? 0 : align64(m * 4))).assumingMemoryBound(to: Float.self)
        let rest = UnsafeMutableRawPointer(scores) + align64(m * m * 4)
        let gemm = gemmScratch(rows: m, path: c.path)
        for unit in units {
            let group = unit / heads, h = unit % heads, first = group * m
            let column = first * features + h * d
            switch operands {
            case .float:
                // Straight into the probabilities output when the op lists one, else into scratch.
                let headScores = probabilities.map { c.floats($0) + h * m * m } ?? scores
                let panels = rest.assumingMemoryBound(to: Float.self)
                packFloatPanels(c.floats(k) + column, sourceStride: features, rows: m, columns: d, into: panels)
                floatPanelGemm(a: c.floats(q) + column, lda: features, b: FloatPanels(packed: panels, depth: d),
                               m: m, n: m, k: d, epilogue: Epilogue(scale: .scalar(scoreScale), bias: bias),
                               output: headScores, outputStride: m, path: c.path)
                for i in 0..<m { softmaxInPlace(headScores + i * m, count: m, path: c.path) }
                floatPanelGemm(a: headScores, lda: m, b: valuePanels(c.floats(v) + column, rows: m, scratch: panels),
                               m: m, n: d, k: m, epilogue: Epilogue(), output: c.floats(output) + column, outputStride: features,
                               path: c.path)
            case .codes(let probs, let qkScale, let pvScale):
                let probsStride = packedRowStride(columns: m, format: probs.format)
                let preparedScratch = rest + align64(m * probsStride), multiplyScratch = preparedScratch + gemm.prepared
                let window = first..<(first + m)
                let kh = c.codes(k, head: h).readOnly.rows(window), vh = c.codes(v, head: h, group: group).readOnly
                let qh = try prepareActivations(c.codes(q, head: h).readOnly.rows(window), weights: kh.format,
                                                path: c.path, scratch: preparedScratch, scratchBytes: gemm.prepared)
                try integerGemm(qh, kh, epilogue: Epilogue(scale: .scalar(qkScale), bias: bias),
                                output: scores, outputStride: m, scratch: multiplyScratch, scratchBytes: gemm.multiply)
                let packed = MutablePackedMatrix(base: rest, rows: m, columns: m, rowStride: probsStride, format: probs.format)
                softmaxQuantizeRows(scores, stride: m, quantizer: probs, into: packed, path: c.path)
                let ph = try prepareActivations(packed.readOnly, weights: vh.format, path: c.path,
                                                scratch: preparedScratch, scratchBytes: gemm.prepared)
                if let codesOutput {
                    try integerGemm(ph, vh, thresholds: codesOutput.thresholds,
                                    output: codesOutput.output(c, columnOrigin: h * d, firstRow: first),
                                    scratch: multiplyScratch, scratchBytes: gemm.multiply)
                } else {
                    try integerGemm(ph, vh, epilogue: Epilogue(scale: .scalar(pvScale)),
                                    output: c.floats(output) + column, outputStride: features,
                                    scratch: multiplyScratch, scratchBytes: gemm.multiply)
                }
            }
        }
    }

    /// Throws unless `rows` rows split into whole groups.
    func checkGroups(rows: Int) throws(RuntimeError) {
        let m = rowsPerGroup(rows)
        guard m > 0, rows % m == 0 else {
            throw RuntimeError(.invalidInput, "attention: \(rows) rows don't split into groups of \(m)")
        }
    }

    /// One head's v (`m` rows × head width, rows `features` apart) as panels: in place when the
    /// width is whole panels, else copied into `scratch` with each row zero-padded to whole panels.
    private func valuePanels(_ vh: UnsafePointer<Float>, rows m: Int, scratch: UnsafeMutablePointer<Float>) -> FloatPanels {
        let d = headDim
        guard d % 16 != 0 else { return FloatPanels(base: vh, rowStride: features, panelStride: 16) }
        let width = (d + 15) / 16 * 16
        for t in 0..<m {
            let row = scratch + t * width
            row.update(from: vh + t * features, count: d)
            (row + d).update(repeating: 0, count: width - d)
        }
        return FloatPanels(base: scratch, rowStride: width, panelStride: 16)
    }
}
