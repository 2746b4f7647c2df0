import QVKernels

/// Row-wise `x / max(‖x‖₂, ε)`, or row-wise softmax.
struct RowwiseStep: OpStep {
    /// Which function of each row.
    enum Function {
        case l2Normalize(epsilon: Float)
        case softmax
    }

    let input: Int, output: Int, width: Int
    let function: Function

    init(_ b: OpBinding, _ function: Function) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...1, outputs: 1, weights: 0...0)
        input = b.input(0); output = b.output(0)
        width = try b.expectFloat(input, role: "input")
        try b.expectFloat(output, columns: width, role: "output")
        try b.expectSameRows(input, output)
        self.function = function
    }

    func run(_ c: StepContext) {
        let x = c.floats(input), out = c.floats(output)
        for r in 0..<c.rows(input) {
            let xr = x + r * width, yr = out + r * width
            switch function {
            case .l2Normalize(let epsilon):
                var sum: Float = 0
                for j in 0..<width { sum += xr[j] * xr[j] }
                let inv = 1 / max(sum.squareRoot(), epsilon)
                for j in 0..<width { yr[j] = xr[j] * inv }
            case .softmax:
                if yr != xr { yr.update(from: xr, count: width) }
                softmaxInPlace(yr, count: width, path: c.path)
            }
        }
    }

    func scratch(tokens: Int, path: KernelPath) -> StepScratch { StepScratch() }

    /// The reference: the same row functions on the logical array.
    func reference(_ state: inout ReferenceState) {
        let x = state.values[input]
        var out = x
        for r in 0..<(x.count / width) {
            let range = (r * width)..<((r + 1) * width)
            switch function {
            case .l2Normalize(let epsilon):
                var sum: Float = 0
                for j in range { sum += x[j] * x[j] }
                let inv = 1 / max(sum.squareRoot(), epsilon)
                for j in range { out[j] = x[j] * inv }
            case .softmax:
                out.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress! + range.lowerBound, count: width) }
            }
        }
        state.values[output] = out
    }
}
