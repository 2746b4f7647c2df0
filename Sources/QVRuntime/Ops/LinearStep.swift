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

    func run(_ c: StepContext) throws(RuntimeError) {
        let rows = c.rows(output)
        let res = residual.map { UnsafePointer(c.floats($0)) }
        switch weights {
        case .float(let w):
            let epilogue = Epilogue(scale: .scalar(1), bias: bias.floats, activation: activation,
                                    residual: res, residualStride: outFeatures)
            floatGemm(a: c.floats(input), lda: inFeatures, w: w.floats, ldw: inFeatures,
                      m: rows, n: outFeatures, k: inFeatures, epilogue: epilogue,
                      output: c.floats(output), outputStride: outFeatures, path: c.path)
        case .codes(let w, let scale):
            let epilogue = Epilogue(scale: .perColumn(scale.floats), bias: bias.floats, activation: activation,
                                    residual: res, residualStride: outFeatures)
            do {
                try integerGemm(c.codes(input).readOnly, w, epilogue: epilogue,
                                output: c.floats(output), outputStride: outFeatures, path: c.path)
            } catch {
                throw RuntimeError(.invalidGraph, "linear: \(error)")
            }
        }
    }
}
