import QVFormat
import QVKernels
import QVKernelsMath

/// `y = act(scale ⊙ (x·Wᵀ) + bias) (+ residual)`: FP32 weights on FP32 input, or packed integer
/// weight codes on packed activation codes with the compiler's folded per-column scale and bias.
/// An integer linear layer may write codes instead of FP32: then a fourth weight holds the
/// thresholds that give the codes of quantizing y, and the GEMM emits them directly.
struct LinearStep {
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
        }
    }

    /// Runs the product, split by output columns across the workers when it is large enough:
    /// each task multiplies the rows `columns` of W into the same columns of the output.
    func run(_ c: StepContext) throws(RuntimeError) {
        let rows = c.rows(output)
        let tasks = c.parallel.columnTasks(columns: outFeatures, work: rows * outFeatures * inFeatures)
        do {
            try c.parallel.forEach(tasks) { task throws(KernelError) in
                try run(c, rows: rows, columns: ParallelFor.columnRange(task: task, of: tasks, columns: outFeatures))
            }
        } catch {
            throw RuntimeError(.invalidGraph, "linear: \(error)")
        }
    }

    /// Output columns `columns` (rows `columns` of W) of the product.
    private func run(_ c: StepContext, rows: Int, columns: Range<Int>) throws(KernelError) {
        guard !columns.isEmpty else { return }
        let n0 = columns.lowerBound
        if let codesOutput, case .codes(let w, _) = weights {
            let slice = PackedMatrix(base: w.base + n0 * w.rowStride, rows: columns.count, columns: w.columns,
                                     rowStride: w.rowStride, format: w.format)
            return try integerGemm(c.codes(input).readOnly, slice, regrouped: c.regrouped?.fromRow(n0),
                                   thresholds: codesOutput.thresholds.fromColumn(n0),
                                   output: codesOutput.output(c, columnOrigin: n0), path: c.path)
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
            let epilogue = Epilogue(scale: .perColumn(scale.floats + n0), bias: bias.floats + n0, activation: activation,
                                    residual: res, residualStride: outFeatures)
            let slice = PackedMatrix(base: w.base + n0 * w.rowStride, rows: columns.count, columns: w.columns,
                                     rowStride: w.rowStride, format: w.format)
            try integerGemm(c.codes(input).readOnly, slice, regrouped: c.regrouped?.fromRow(n0), epilogue: epilogue,
                            output: out, outputStride: outFeatures, path: c.path)
        }
    }
}
