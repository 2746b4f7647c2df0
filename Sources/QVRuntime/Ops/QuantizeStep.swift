import QVKernels

/// FP32 activations → packed codes, in the output value's arrangement (row-major, or per
/// attention head, optionally transposed so tokens run along each packed row).
struct QuantizeStep {
    let input: Int, output: Int
    let features: Int
    let quantizer: Quantizer
    let arrangement: CodesArrangement

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...1, outputs: 1, weights: 0...0)
        input = b.input(0); output = b.output(0)
        try b.expectSameRows(input, output)
        guard case .codes(let f, let q, let a) = b.layouts[output].elements else {
            throw b.error("output '\(b.layouts[output].name)' must hold codes")
        }
        features = f; quantizer = q; arrangement = a
        try b.expectFloat(input, columns: features, role: "input")
    }

    func run(_ c: StepContext) {
        let x = c.floats(input)
        switch arrangement {
        case .rowMajor:
            quantizeRows(x, sourceStride: features, quantizer: quantizer, into: c.codes(output), path: c.path)
        case .headMajor(let heads):
            for h in 0..<heads {
                quantizeRows(x + h * (features / heads), sourceStride: features, quantizer: quantizer,
                             into: c.codes(output, head: h), path: c.path)
            }
        case .headMajorTransposed(let heads):
            for h in 0..<heads {
                quantizeColumns(x + h * (features / heads), sourceStride: features, quantizer: quantizer,
                                into: c.codes(output, head: h), path: c.path)
            }
        }
    }
}
