import QVKernels
import QVKernelsMath

/// What the scalar reference interpreter keeps while it runs a graph: every value as a plain
/// logical array — FP32 rows × features, or integer codes (and Int32 inputs) in logical order,
/// whatever the fast path's arrangement — for the current token count.
struct ReferenceState {
    /// Layouts of the graph's values.
    let layouts: [ValueLayout]
    /// Tokens of the run.
    let tokens: Int
    /// FP32 contents by value (empty where a value holds codes or is not written yet).
    var values: [[Float]]
    /// Codes and Int32 contents by value.
    var codes: [[Int32]]

    init(layouts: [ValueLayout], tokens: Int) {
        self.layouts = layouts
        self.tokens = tokens
        values = [[Float]](repeating: [], count: layouts.count)
        codes = [[Int32]](repeating: [], count: layouts.count)
    }

    /// Rows of value `v` for this run.
    func rows(_ v: Int) -> Int { layouts[v].rows.rows(tokens: tokens) }

    /// Keeps an op's FP32 result `y` as `output`, or its codes when the output holds codes (the
    /// fast path forms those codes through thresholds; here they come from the quantizer itself).
    mutating func store(_ y: [Float], as output: Int) {
        if case .codes(_, let quantizer, _) = layouts[output].elements {
            codes[output] = y.map { quantizer.code($0) }
        } else {
            values[output] = y
        }
    }
}
