import QVKernels

/// LayerNorm over each row's features (FP32 in, FP32 out).
struct LayerNormStep: OpStep {
    let input: Int, output: Int, width: Int
    let gamma: ConstantTensor, beta: ConstantTensor
    let epsilon: Float

    init(_ b: OpBinding, epsilon: Float) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...1, outputs: 1, weights: 2...2)
        input = b.input(0); output = b.output(0)
        width = try b.expectFloat(input, role: "input")
        try b.expectFloat(output, columns: width, role: "output")
        try b.expectSameRows(input, output)
        gamma = try b.floatWeight(0, shape: [width], role: "gamma")
        beta = try b.floatWeight(1, shape: [width], role: "beta")
        guard epsilon > 0, epsilon.isFinite else { throw b.error("epsilon \(epsilon) must be positive") }
        self.epsilon = epsilon
    }

    func run(_ c: StepContext) {
        layerNorm(c.floats(input), rows: c.rows(input), columns: width, stride: width,
                  gamma: gamma.floats, beta: beta.floats, epsilon: epsilon,
                  output: c.floats(output), outputStride: width, path: c.path)
    }

    func scratch(tokens: Int, path: KernelPath) -> StepScratch { StepScratch() }

    /// The reference: the shared scalar LayerNorm row function.
    func reference(_ state: inout ReferenceState) {
        let rows = state.rows(input)
        var out = [Float](repeating: 0, count: rows * width)
        state.values[input].withUnsafeBufferPointer { x in
            layerNorm(x.baseAddress!, rows: rows, columns: width, stride: width, gamma: gamma.floats,
                      beta: beta.floats, epsilon: epsilon, output: &out, outputStride: width)
        }
        state.values[output] = out
    }
}
