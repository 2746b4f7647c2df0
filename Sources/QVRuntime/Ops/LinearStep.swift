import QVFormat
import QVKernels

/// `y = act(scale ⊙ (x·Wᵀ) + bias) (+ residual)`: FP32 weights on FP32 input, or packed integer
/// weight codes on packed activation codes with the compiler's folded per-column scale and bias.
struct LinearStep {
    /// The weights and how they multiply.
    enum Weights {
        /// FP32 `W` (out × in).
        case float(ConstantTensor)
        /// Packed codes `W` and the folded per-output-column scale.
        case codes(PackedMatrix, scale: ConstantTensor)
    }

    let input: Int, residual: Int?, output: Int
    let inFeatures: Int, outFeatures: Int
    let weights: Weights
    let bias: ConstantTensor
    let activation: EpilogueActivation

    init(_ b: OpBinding, activation: EpilogueActivation) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...2, outputs: 1, weights: 2...3)
        input = b.input(0); output = b.output(0)
        residual = b.op.inputs.count == 2 ? b.input(1) : nil
        self.activation = activation
        let w = b.weight(0)
        guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0 else {
            throw b.error("weight '\(w.name)' must be 2-D, has shape \(w.shape)")
        }
        outFeatures = w.shape[0]; inFeatures = w.shape[1]
        try b.expectFloat(output, columns: outFeatures, role: "output")
        try b.expectSameRows(input, output)
        if let residual {
            try b.expectFloat(residual, columns: outFeatures, role: "residual")
            try b.expectSameRows(residual, output)
        }
        bias = try b.floatWeight(1, shape: [outFeatures], role: "bias")
        if w.type == .f32 {
            try b.expectFloat(input, columns: inFeatures, role: "input")
            guard b.op.weights.count == 2 else { throw b.error("an FP32 linear takes [W, bias]") }
            weights = .float(try b.floatWeight(0, shape: [outFeatures, inFeatures], role: "weight"))
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
            guard b.op.weights.count == 3 else { throw b.error("an integer linear takes [W, bias, scale]") }
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
        let res = residual.map { UnsafePointer(c.floats($0)) + n0 }
        let out = c.floats(output) + n0
        switch weights {
        case .float(let w):
            let epilogue = Epilogue(scale: .scalar(1), bias: bias.floats + n0, activation: activation,
                                    residual: res, residualStride: outFeatures)
            floatGemm(a: c.floats(input), lda: inFeatures, w: w.floats + n0 * inFeatures, ldw: inFeatures,
                      m: rows, n: columns.count, k: inFeatures, epilogue: epilogue,
                      output: out, outputStride: outFeatures, path: c.path)
        case .codes(let w, let scale):
            let epilogue = Epilogue(scale: .perColumn(scale.floats + n0), bias: bias.floats + n0, activation: activation,
                                    residual: res, residualStride: outFeatures)
            let slice = PackedMatrix(base: w.base + n0 * w.rowStride, rows: columns.count, columns: w.columns,
                                     rowStride: w.rowStride, format: w.format)
            try integerGemm(c.codes(input).readOnly, slice, epilogue: epilogue,
                            output: out, outputStride: outFeatures, path: c.path)
        }
    }
}
