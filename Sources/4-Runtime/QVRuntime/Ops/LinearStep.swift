import QVFormat
import QVKernels
import QVKernelsMath

/// `y = act(scale ⊙ (x·Wᵀ) + bias) (+ residual)`: FP32 weights on FP32 input, or packed integer
/// weight codes on packed activation codes with the compiler's folded per-column scale and bias.
/// An integer linear layer may write codes instead of FP32: then a fourth weight holds the
/// thresholds that give the codes of quantizing y, and the GEMM emits them directly.
struct LinearStep: OpStep {
    /// The weights and how they multiply.
    enum Weights {
        /// FP32 `W` (out × in) in 16-column panels.
        case float(FloatPanels)
        /// Packed codes `W` and the folded per-output-column scale.
        case codes(PackedMatrix, scale: ConstantTensor)
    }

    let input: Int, residual: Int?, output: Int
    let inFeatures: Int, outFeatures: Int
    let weights: Weights
    let bias: ConstantTensor
    let activation: EpilogueActivation
    /// Set when the output is codes.
    let codesOutput: CodesTarget?
    /// Rows of the input and output as a function of the sequence length.
    let rowCount: RowCount
    /// The input codes' format (integer weights only).
    let inputFormat: QuantFormat?

    init(_ b: OpBinding, activation: EpilogueActivation) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...2, outputs: 1, weights: 2...4)
        input = b.input(0); output = b.output(0)
        residual = b.op.inputs.count == 2 ? b.input(1) : nil
        self.activation = activation
        let w = b.weight(0)
        guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0 else {
            throw b.error("weight '\(w.name)' must be 2-D, has shape \(w.shape)")
        }
        outFeatures = w.shape[0]; inFeatures = w.shape[1]
        try b.expectSameRows(input, output)
        rowCount = b.layouts[output].rows
        if b.layouts[output].floatColumns == nil {
            guard w.type != .f32, residual == nil, b.op.weights.count == 4 else {
                throw b.error("a linear layer writing codes takes integer weights, no residual and [W, bias, scale, thresholds]")
            }
            codesOutput = try CodesTarget(b, value: output, weight: 3, columns: outFeatures)
            guard codesOutput!.features == outFeatures else { throw b.error("output codes must have \(outFeatures) features") }
        } else {
            try b.expectFloat(output, columns: outFeatures, role: "output")
            guard b.op.weights.count <= 3 else { throw b.error("a linear layer writing FP32 takes no thresholds") }
            codesOutput = nil
        }
        if let residual {
            try b.expectFloat(residual, columns: outFeatures, role: "residual")
            try b.expectSameRows(residual, output)
        }
        bias = try b.floatWeight(1, shape: [outFeatures], role: "bias")
        if w.type == .f32 {
            try b.expectFloat(input, columns: inFeatures, role: "input")
            guard b.op.weights.count == 2 else { throw b.error("an FP32 linear takes [W, bias]") }
            let panels = try b.panelWeight(0, rows: outFeatures, columns: inFeatures, role: "weight")
            weights = .float(FloatPanels(packed: panels.floats, depth: inFeatures))
            inputFormat = nil
        } else {
            guard let packed = w.packedMatrix,
                  w.rowStride >= packed.format.packedBytes(count: inFeatures),
                  w.bytes.count >= outFeatures * w.rowStride else {
                throw b.error("weight '\(w.name)' is neither FP32 nor consistently packed codes")
            }
            guard case .codes(let f, let q, .rowMajor) = b.layouts[input].elements, f == inFeatures else {
                throw b.error("input '\(b.layouts[input].name)' must be row-major codes of \(inFeatures) features")
            }
            guard integerGemmSupports(activations: q.format, weights: packed.format) else {
                throw b.error("no integer kernel multiplies \(q.format) activations by \(packed.format) weights")
            }
            guard b.op.weights.count >= 3 else { throw b.error("an integer linear takes [W, bias, scale] (and thresholds when it writes codes)") }
            weights = .codes(packed, scale: try b.floatWeight(2, shape: [outFeatures], role: "scale"))
            inputFormat = q.format
        }
    }

    /// Output columns below which an integer layer may split its rows across the workers: the
    /// columns are then too few to split, so each row task prepares its own rows' activations
    /// in its worker region.
    static let rowSplitColumns = 4 * columnGranule

    /// Scratch for `tokens` tokens on `path`: none for FP32 weights; for codes, the activations
    /// prepared once (shared) and one multiply region per column task — plus, for a layer with
    /// fewer than `rowSplitColumns` outputs, room in each worker region to prepare its rows.
    func scratch(tokens: Int, path: KernelPath) -> StepScratch {
        guard let sizes = integerScratch(tokens: tokens, path: path) else { return StepScratch() }
        let rowTask = outFeatures < Self.rowSplitColumns ? align64(sizes.preparedBytes) : 0
        return StepScratch(shared: sizes.preparedBytes, perWorker: align64(sizes.multiplyBytes) + rowTask)
    }

    /// The integer GEMM's scratch sizes for all rows at `tokens` tokens, nil for FP32 weights.
    private func integerScratch(tokens: Int, path: KernelPath) -> IntegerGemmScratch? {
        guard case .codes(let w, _) = weights, let inputFormat else { return nil }
        return IntegerGemmScratch(activations: inputFormat, weights: w.format, rows: rowCount.rows(tokens: tokens),
                                  columns: outFeatures, depth: inFeatures, endsInCodes: codesOutput != nil, path: path)
    }

    /// Bytes of this layer's 2-bit weights regrouped for `path`'s kernel (0 where it doesn't regroup).
    func preparedBytes(path: KernelPath) -> Int {
        guard case .codes(let w, _) = weights, RegroupedWeights.isUsed(for: w, path: path) else { return 0 }
        return RegroupedWeights.byteCount(of: w)
    }

    /// This layer's 2-bit weights regrouped for `path`'s kernel, where it uses them.
    func prepare(path: KernelPath) -> PreparedBuffers? {
        guard case .codes(let w, _) = weights, let regrouped = RegroupedWeights(w, path: path) else { return nil }
        return .regrouped(regrouped)
    }

    /// Runs the product, split by output columns across the workers when it is large enough:
    /// integer activations are prepared once in the shared scratch, then each task multiplies
    /// them by the rows `columns` of W into the same columns of the output, in its own scratch.
    /// A layer with too few columns to split (e.g. 96 outputs over 3136 rows of an image model in
    /// FP32, or a narrow integer layer) splits its rows instead.
    func run(_ c: StepContext) throws(RuntimeError) {
        let rows = c.rows(output), work = rows * outFeatures * inFeatures
        let tasks = c.parallel.columnTasks(columns: outFeatures, work: work)
        let rowTasks = tasks < c.parallel.workers ? c.parallel.rowTasks(rows: rows, work: work) : 1
        if rowTasks > tasks {
            switch weights {
            case .float:
                return c.parallel.forEach(rowTasks) { task in
                    runFloat(c, rows: ParallelFor.range(task: task, of: rowTasks, count: rows))
                }
            case .codes where outFeatures < Self.rowSplitColumns:
                do {
                    return try c.parallel.forEach(rowTasks) { task throws(KernelError) in
                        try runIntegerRows(c, ParallelFor.range(task: task, of: rowTasks, count: rows), scratch: c.scratch(task: task))
                    }
                } catch {
                    throw RuntimeError(.invalidGraph, "linear: \(error)")
                }
            case .codes: break
            }
        }
        do {
            let prepared: PreparedActivations?
            if case .codes(let w, _) = weights {
                prepared = try prepareActivations(c.codes(input).readOnly, weights: w.format, path: c.path,
                                                  scratch: c.sharedScratch, scratchBytes: c.sharedScratchBytes)
            } else {
                prepared = nil
            }
            try c.parallel.forEach(tasks) { task throws(KernelError) in
                try run(c, prepared, rows: rows, columns: ParallelFor.columnRange(task: task, of: tasks, columns: outFeatures),
                        scratch: c.scratch(task: task))
            }
        } catch {
            throw RuntimeError(.invalidGraph, "linear: \(error)")
        }
    }

    /// Output columns `columns` (rows `columns` of W) of the product; `prepared` holds the input
    /// codes prepared for integer weights.
    private func run(_ c: StepContext, _ prepared: PreparedActivations?, rows: Int, columns: Range<Int>,
                     scratch: UnsafeMutableRawPointer) throws(KernelError) {
        guard !columns.isEmpty else { return }
        let n0 = columns.lowerBound
        if let codesOutput, case .codes(let w, _) = weights, let prepared {
            let slice = w.rows(columns)
            return try integerGemm(prepared, slice, regrouped: c.regrouped?.fromRow(n0),
                                   thresholds: codesOutput.thresholds.fromColumn(n0),
                                   output: codesOutput.output(c, columnOrigin: n0), scratch: scratch,
                                   scratchBytes: c.scratchStride)
        }
        let res = residual.map { UnsafePointer(c.floats($0)) + n0 }
        let out = c.floats(output) + n0
        switch weights {
        case .float(let w):
            let epilogue = Epilogue(scale: .scalar(1), bias: bias.floats + n0, activation: activation,
                                    residual: res, residualStride: outFeatures)
            floatPanelGemm(a: c.floats(input), lda: inFeatures, b: w.dropping(panels: n0 / 16),
                           m: rows, n: columns.count, k: inFeatures, epilogue: epilogue,
                           output: out, outputStride: outFeatures, path: c.path)
        case .codes(let w, let scale):
            guard let prepared else { return }
            let epilogue = Epilogue(scale: .perColumn(scale.floats + n0), bias: bias.floats + n0, activation: activation,
                                    residual: res, residualStride: outFeatures)
            let slice = w.rows(columns)
            try integerGemm(prepared, slice, regrouped: c.regrouped?.fromRow(n0), epilogue: epilogue,
                            output: out, outputStride: outFeatures, scratch: scratch, scratchBytes: c.scratchStride)
        }
    }

    /// Rows `rows` of an FP32 layer's product, every output column.
    private func runFloat(_ c: StepContext, rows: Range<Int>) {
        guard case .float(let w) = weights, !rows.isEmpty else { return }
        let first = rows.lowerBound * outFeatures
        let epilogue = Epilogue(scale: .scalar(1), bias: bias.floats, activation: activation,
                                residual: residual.map { UnsafePointer(c.floats($0)) + first }, residualStride: outFeatures)
        floatPanelGemm(a: c.floats(input) + rows.lowerBound * inFeatures, lda: inFeatures, b: w,
                       m: rows.count, n: outFeatures, k: inFeatures, epilogue: epilogue,
                       output: c.floats(output) + first, outputStride: outFeatures, path: c.path)
    }

    /// Rows `rows` of an integer layer's product, every output column: the rows' activations
    /// prepared in this worker's region after its multiply scratch, then one multiply.
    private func runIntegerRows(_ c: StepContext, _ rows: Range<Int>, scratch: UnsafeMutableRawPointer) throws(KernelError) {
        guard case .codes(let w, let scale) = weights, let sizes = integerScratch(tokens: c.tokens, path: c.path),
              !rows.isEmpty else { return }
        let a = c.codes(input).readOnly.rows(rows)
        let multiplyBytes = align64(sizes.multiplyBytes)
        let prepared = try prepareActivations(a, weights: w.format, path: c.path, scratch: scratch + multiplyBytes,
                                              scratchBytes: c.scratchStride - multiplyBytes)
        if let codesOutput {
            return try integerGemm(prepared, w, regrouped: c.regrouped?.fromRow(0), thresholds: codesOutput.thresholds,
                                   output: codesOutput.output(c, columnOrigin: 0, firstRow: rows.lowerBound),
                                   scratch: scratch, scratchBytes: multiplyBytes)
        }
        let first = rows.lowerBound * outFeatures
        let epilogue = Epilogue(scale: .perColumn(scale.floats), bias: bias.floats, activation: activation,
                                residual: residual.map { UnsafePointer(c.floats($0)) + first }, residualStride: outFeatures)
        try integerGemm(prepared, w, regrouped: c.regrouped?.fromRow(0), epilogue: epilogue,
                        output: c.floats(output) + first, outputStride: outFeatures, scratch: scratch, scratchBytes: multiplyBytes)
    }
}
