import QVKernels

/// Mean of the token rows whose mask is non-zero: `[tokens, F]` → `[1, F]`.
struct MeanPoolStep {
    let input: Int, mask: Int, output: Int, width: Int

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 2...2, outputs: 1, weights: 0...0)
        input = b.input(0); mask = b.input(1); output = b.output(0)
        width = try b.expectFloat(input, role: "input")
        try b.expectFloat(output, columns: width, role: "output")
        try b.expectTokenInt32(mask, role: "mask")
        guard b.layouts[output].rows == .fixed(1) else { throw b.error("output must have one row") }
    }

    func run(_ c: StepContext) {
        let x = c.floats(input), m = c.int32s(mask), out = c.floats(output)
        for j in 0..<width { out[j] = 0 }
        var count = 0
        for t in 0..<c.tokens where m[t] != 0 {
            count += 1
            for j in 0..<width { out[j] += x[t * width + j] }
        }
        let inv = 1 / Float(max(count, 1))
        for j in 0..<width { out[j] *= inv }
    }
}

/// The first token's row (`[CLS]`): `[tokens, F]` → `[1, F]`.
struct ClsPoolStep {
    let input: Int, output: Int, width: Int

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...1, outputs: 1, weights: 0...0)
        input = b.input(0); output = b.output(0)
        width = try b.expectFloat(input, role: "input")
        try b.expectFloat(output, columns: width, role: "output")
        guard b.layouts[output].rows == .fixed(1) else { throw b.error("output must have one row") }
    }

    func run(_ c: StepContext) {
        c.floats(output).update(from: c.floats(input), count: width)
    }
}

/// Row-wise `x / max(‖x‖₂, ε)`, or row-wise softmax.
struct RowwiseStep {
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
}
