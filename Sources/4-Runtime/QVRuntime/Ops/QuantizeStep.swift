import QVKernels

/// FP32 activations → packed codes, in the output value's arrangement (row-major, or per
/// attention head, optionally transposed so tokens run along each packed row).
struct QuantizeStep: OpStep {
    let input: Int, output: Int
    let features: Int
    let quantizer: Quantizer
    let arrangement: CodesArrangement
    /// Rows of the input and output.
    let rowCount: RowCount

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 1...1, outputs: 1, weights: 0...0)
        input = b.input(0); output = b.output(0)
        try b.expectSameRows(input, output)
        guard case .codes(let f, let q, let a) = b.layouts[output].elements else {
            throw b.error("output '\(b.layouts[output].name)' must hold codes")
        }
        features = f; quantizer = q; arrangement = a
        rowCount = b.layouts[output].rows
        try b.expectFloat(input, columns: features, role: "input")
    }

    /// Scratch one task needs: one head's slice of one row group transposed, for a per-head
    /// transposed output.
    func scratch(tokens: Int, path: KernelPath) -> StepScratch {
        guard case .headMajorTransposed(let heads, let groupRows) = arrangement else { return StepScratch() }
        return StepScratch(perWorker: features / heads * (groupRows > 0 ? groupRows : rowCount.rows(tokens: tokens)) * 4)
    }

    /// The reference: `Quantizer.code` of every element, in logical order.
    func reference(_ state: inout ReferenceState) {
        state.codes[output] = state.values[input].map { quantizer.code($0) }
    }

    /// Quantizes, split across the workers when there are enough elements: by rows for a
    /// row-major output, by heads otherwise (every task writes whole packed rows of its own).
    func run(_ c: StepContext) {
        let rows = c.rows(output)
        let tasks = max(1, min(c.parallel.workers, rows * features / Self.elementsPerTask))
        c.parallel.forEach(tasks) { task in
            switch arrangement {
            case .rowMajor:
                quantize(c, rows: ParallelFor.range(task: task, of: tasks, count: rows))
            case .headMajor(let heads), .headMajorTransposed(let heads, _):
                for h in ParallelFor.range(task: task, of: tasks, count: heads) {
                    quantize(c, head: h, of: heads, scratch: c.scratch(task: task))
                }
            }
        }
    }

    /// Fewest elements worth a task of its own.
    static let elementsPerTask = 16_384

    /// Rows `range` of a row-major output.
    private func quantize(_ c: StepContext, rows range: Range<Int>) {
        quantizeRows(c.floats(input) + range.lowerBound * features, sourceStride: features, quantizer: quantizer,
                     into: c.codes(output).rows(range), path: c.path)
    }

    /// Head `head` of a per-head output; a transposed one goes through `scratch` (the head's
    /// slice of each row group transposed in FP32, then quantized row by row with the path's row
    /// kernel).
    private func quantize(_ c: StepContext, head: Int, of heads: Int, scratch: UnsafeMutableRawPointer) {
        let x = c.floats(input) + head * (features / heads)
        if case .headMajorTransposed(_, let groupRows) = arrangement {
            let d = features / heads, n = c.rows(input), g = groupRows > 0 ? groupRows : n
            let transposed = scratch.assumingMemoryBound(to: Float.self)
            for group in 0..<(n / g) {
                let rows = x + group * g * features
                for t in 0..<g { for r in 0..<d { transposed[r * g + t] = rows[t * features + r] } }
                quantizeRows(transposed, sourceStride: g, quantizer: quantizer, into: c.codes(output, head: head, group: group),
                             path: c.path)
            }
        } else {
            quantizeRows(x, sourceStride: features, quantizer: quantizer, into: c.codes(output, head: head), path: c.path)
        }
    }
}
