import QVFormat

/// Checks an op's operands against the graph while it is bound to a step, so every mismatch is
/// reported at load time with the op's name instead of surfacing as a bad memory access later.
struct OpBinding {
    /// The op from the file.
    let op: QVB.Op
    /// Layouts of all values.
    let layouts: [ValueLayout]
    /// All constant tensors.
    let tensors: [ConstantTensor]

    /// An error about this op.
    func error(_ what: String) -> RuntimeError { .graph(op.name, what) }

    /// Requires exactly `inputs` inputs (or a count in `inputs`), `outputs` outputs, `weights` weights.
    func expectCounts(inputs: ClosedRange<Int>, outputs: Int, weights: ClosedRange<Int>) throws(RuntimeError) {
        guard inputs.contains(op.inputs.count), op.outputs.count == outputs, weights.contains(op.weights.count) else {
            throw error("has \(op.inputs.count) inputs, \(op.outputs.count) outputs, \(op.weights.count) weights; expected \(inputs) / \(outputs) / \(weights)")
        }
    }

    /// Value index of input `i`.
    func input(_ i: Int) -> Int { op.inputs[i] }
    /// Value index of output `i`.
    func output(_ i: Int) -> Int { op.outputs[i] }
    /// Weight tensor `i`.
    func weight(_ i: Int) -> ConstantTensor { tensors[op.weights[i]] }

    /// Requires value `v` to be FP32 with `columns` columns (any if nil) and returns its columns.
    @discardableResult
    func expectFloat(_ v: Int, columns: Int? = nil, role: String) throws(RuntimeError) -> Int {
        guard let c = layouts[v].floatColumns else { throw error("\(role) '\(layouts[v].name)' must be FP32") }
        if let columns, c != columns {
            throw error("\(role) '\(layouts[v].name)' has \(c) features, expected \(columns)")
        }
        return c
    }

    /// Requires value `v` to be per-token Int32 (ids, types, mask).
    func expectTokenInt32(_ v: Int, role: String) throws(RuntimeError) {
        guard layouts[v].elements == .int32, layouts[v].rows == .tokens else {
            throw error("\(role) '\(layouts[v].name)' must be one Int32 per token")
        }
    }

    /// Requires values `a` and `b` to have the same row count.
    func expectSameRows(_ a: Int, _ b: Int) throws(RuntimeError) {
        guard layouts[a].rows == layouts[b].rows else {
            throw error("'\(layouts[a].name)' and '\(layouts[b].name)' differ in rows")
        }
    }

    /// Requires weight `i` to be dense FP32 with exactly `shape` and returns it.
    func floatWeight(_ i: Int, shape: [Int], role: String) throws(RuntimeError) -> ConstantTensor {
        let t = weight(i)
        guard t.type == .f32, t.layout == .dense, t.shape == shape, t.bytes.count >= t.count * 4 else {
            throw error("\(role) '\(t.name)' must be dense FP32 of shape \(shape), has \(t.layout) \(t.type) \(t.shape)")
        }
        return t
    }

    /// Requires weight `i` to be an FP32 `[rows, columns]` matrix in 16-column panels and returns
    /// it; files from before panels (dense FP32 weights) get a message to recompile.
    func panelWeight(_ i: Int, rows: Int, columns: Int, role: String) throws(RuntimeError) -> ConstantTensor {
        let t = weight(i)
        guard t.layout == .panels16 else {
            throw error("\(role) '\(t.name)' is stored \(t.layout); this qv multiplies FP32 weights stored in 16-column "
                        + "panels: recompile the model with this version of qvc")
        }
        guard t.type == .f32, t.shape == [rows, columns],
              let bytes = QVB.TensorLayout.panelBytes(shape: t.shape), t.bytes.count >= bytes else {
            throw error("\(role) '\(t.name)' must be FP32 panels of shape [\(rows), \(columns)], has \(t.type) \(t.shape) in \(t.bytes.count) bytes")
        }
        return t
    }
}
