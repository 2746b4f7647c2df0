import QVKernels

/// Mean of the token rows whose mask is non-zero: `[tokens, F]` → `[1, F]`.
struct MeanPoolStep: OpStep {
    let input: Int, mask: Int, output: Int, width: Int

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 2...2, outputs: 1, weights: 0...0)
        input = b.input(0); mask = b.input(1); output = b.output(0)
        width = try b.expectFloat(input, role: "input")
        try b.expectFloat(output, columns: width, role: "output")
        try b.expectTokenInt32(mask, role: "mask")
        try b.expectSameRows(input, mask)
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

    func scratch(tokens: Int, path: KernelPath) -> StepScratch { StepScratch() }

    /// The reference: the same sum in the same order over the attended tokens.
    func reference(_ state: inout ReferenceState) {
        var out = [Float](repeating: 0, count: width)
        var count = 0
        for t in 0..<state.tokens where state.codes[mask][t] != 0 {
            count += 1
            for j in 0..<width { out[j] += state.values[input][t * width + j] }
        }
        let inv = 1 / Float(max(count, 1))
        state.values[output] = out.map { $0 * inv }
    }
}

/// The first token's row (`[CLS]`): `[tokens, F]` → `[1, F]`.
struct ClsPoolStep: OpStep {
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

    func scratch(tokens: Int, path: KernelPath) -> StepScratch { StepScratch() }

    /// The reference: row 0.
    func reference(_ state: inout ReferenceState) {
        state.values[output] = Array(state.values[input][0..<width])
    }
}
