import QVFormat
import QVKernels

/// The family-agnostic lowering kit over `GraphBuilder`: linear layers, fused projections to
/// codes, attention, quantize, LayerNorm and embeddings, at FP32 or quantized by a
/// `QuantPreset`. A family's lowering states only its topology; the kit decides what each op
/// becomes and records every quantization point as a `QuantPlan` row.
///
/// A quantized compile runs the same topology twice: once in `.calibration` mode, which builds
/// the FP32 graph (attention also writing its probabilities) and declares each row with the
/// index of the FP32 value whose statistics set it; then in `.quantized` mode, which declares
/// the rows again in the same order — each checked against the calibration plan's row — and
/// takes their quantizers from a `QuantizerSource`.
final class QuantizedGraphBuilder {
    /// What the kit builds.
    enum Mode {
        /// The FP32 graph, no quantization points (the fp32 precision).
        case float
        /// The FP32 graph of a quantized target, declaring its points by FP32 value index.
        case calibration(QuantPreset)
        /// The quantized graph; `plan` is the calibration plan, `source` fills its rows.
        case quantized(QuantPreset, plan: QuantPlan, source: any QuantizerSource)
    }

    /// Which format of the preset a codes value takes.
    enum CodesRole {
        /// Linear-layer input activations.
        case activations
        /// q, k, v of the integer attention.
        case attentionOperands
        /// Input activations of the classification head's linear layers.
        case headActivations
    }

    /// Which format of the preset a linear layer's weights take.
    enum WeightRole {
        /// Encoder linear layers.
        case encoder
        /// The classification head's pooler and classifier.
        case head
    }

    /// A value passed between kit ops.
    struct Operand {
        /// Index in the graph being built: codes in a quantized graph, else FP32.
        let value: Int
        /// Plan row of the quantizer that forms its codes; nil when the target keeps it FP32.
        let point: Int?
    }

    /// A linear layer's FP32 parameters: `weight` `[outFeatures, inFeatures]` row-major.
    struct LinearParameters {
        let weight: [Float], bias: [Float]
        let outFeatures: Int, inFeatures: Int
    }

    /// The graph under construction.
    let graph = GraphBuilder()
    /// What is built.
    let mode: Mode
    /// The formats of the target.
    let preset: QuantPreset
    /// Rows declared so far.
    private(set) var plan = QuantPlan()
    private var resolved: [Int: Quantizer] = [:]

    /// A kit building in `mode`.
    init(_ mode: Mode) {
        self.mode = mode
        switch mode {
        case .float: preset = .float
        case .calibration(let p), .quantized(let p, _, _): preset = p
        }
    }

    /// Whether this builds the quantized graph (else an FP32 one).
    var buildsQuantized: Bool {
        if case .quantized = mode { return true }
        return false
    }

    /// The preset's format for `role`.
    func format(_ role: CodesRole) -> QuantFormat? {
        switch role {
        case .activations: preset.activations
        case .attentionOperands: preset.attentionOperands
        case .headActivations: preset.headActivations
        }
    }

    /// The preset's format for weights of `role`.
    func format(_ role: WeightRole) -> QuantFormat? {
        switch role {
        case .encoder: preset.weights
        case .head: preset.headWeights
        }
    }

    // MARK: Plan rows

    /// Declares the next row and returns its index. The calibration graph records `row` as
    /// given; the quantized graph takes the calibration plan's row of the same index (with its
    /// FP32 value index) after checking that it describes the same point.
    func declare(_ row: QuantPlan.Row) throws(CompileError) -> Int {
        guard case .quantized(_, let reference, _) = mode else { return plan.append(row) }
        let i = plan.rows.count
        guard i < reference.rows.count, Self.samePoint(reference.rows[i], row) else {
            throw CompileError("quantized lowering declares point \(i) '\(row.label)' unlike the calibration plan; "
                               + "a topology must declare the same points in both passes")
        }
        return plan.append(reference.rows[i])
    }

    /// Checks, once the topology is lowered, that the quantized graph declared every row of the
    /// calibration plan.
    func finish() throws(CompileError) {
        guard case .quantized(_, let reference, _) = mode, plan.rows.count != reference.rows.count else { return }
        throw CompileError("quantized lowering declared \(plan.rows.count) of the calibration plan's \(reference.rows.count) points; "
                           + "a topology must declare the same points in both passes")
    }

    /// Whether two rows describe the same point, whatever FP32 value indices they carry.
    private static func samePoint(_ a: QuantPlan.Row, _ b: QuantPlan.Row) -> Bool {
        func anonymous(_ row: QuantPlan.Row) -> QuantPlan.Row {
            var r = row
            switch r.subject {
            case .activation: r.subject = .activation(value: -1)
            case .probabilities: r.subject = .probabilities(value: -1)
            case .weight: break
            }
            return r
        }
        return anonymous(a) == anonymous(b)
    }

    /// A per-tensor activation row for FP32 `value` (ignored in the quantized graph).
    func activationRow(_ label: String, value: Int, format: QuantFormat, zeroOffset: Bool,
                       clipping: QuantPlan.Clipping = .observedRange) throws(CompileError) -> Int {
        try declare(QuantPlan.Row(subject: .activation(value: value), label: label, format: format, granularity: .perTensor,
                                  offset: zeroOffset ? .zero : .allowed, clipping: clipping))
    }

    /// The quantizer of per-tensor row `row`, from the source (once per row).
    func quantizer(_ row: Int) throws(CompileError) -> Quantizer {
        if let q = resolved[row] { return q }
        guard case .quantized(_, _, let source) = mode else {
            throw CompileError("quantizer of point \(row) requested while building an FP32 graph")
        }
        let q = try source.quantizer(row: row, plan.rows[row])
        resolved[row] = q
        return q
    }

    /// One quantizer per output channel of weight row `row`, from the source.
    func channelQuantizers(_ row: Int, weights: [Float]) throws(CompileError) -> [Quantizer] {
        guard case .quantized(_, _, let source) = mode else {
            throw CompileError("weight quantizers of point \(row) requested while building an FP32 graph")
        }
        return try source.channelQuantizers(row: row, plan.rows[row], weights: weights)
    }

    // MARK: Ops without matmuls

    /// `value` as codes of `role`'s format in `layout` (a Quantize op; attention operands laid out
    /// per head keep offset 0), or `value` itself when the target keeps it FP32. `label` names
    /// the point (the FP32 value's name). A per-head transposed v of windowed attention passes
    /// its `groupRows`, so each window's codes are transposed on their own.
    func quantize(_ value: Int, label: String, role: CodesRole = .activations, layout: QVB.Layout = .rowMajor,
                  heads: Int = 1, groupRows: Int = 0) throws(CompileError) -> Operand {
        guard let format = format(role) else { return Operand(value: value, point: nil) }
        let row = try activationRow(label, value: value, format: format, zeroOffset: layout != .rowMajor)
        guard buildsQuantized else { return Operand(value: value, point: row) }
        let codes = codesValue(label, like: value, features: graph.values[value].shape.last ?? 0, quantizer: try quantizer(row),
                               layout: layout, heads: heads, groupRows: groupRows)
        graph.op(label + ".quantize", .quantize, inputs: [value], outputs: [codes])
        return Operand(value: codes, point: row)
    }

    /// The leading dimensions (the rows) of value `value`: an op's output keeps its input's.
    func rows(of value: Int) -> [Int] { Array(graph.values[value].shape.dropLast()) }

    /// A codes value for the activations of point `label`, with the rows of value `source` and
    /// `features` per row; per-head transposed codes of windows of `groupRows` rows take the
    /// shape `[windows, groupRows, features]`.
    func codesValue(_ label: String, like source: Int, features: Int, quantizer q: Quantizer, layout: QVB.Layout, heads: Int,
                    groupRows: Int = 0) -> Int {
        var shape = rows(of: source) + [features]
        if layout == .headMajorTransposed, groupRows > 0 {
            shape = [shape.dropLast().reduce(1, *) / groupRows, groupRows, features]
        }
        return graph.value(label + ".q", type: q.format.elementType, shape: shape,
                           quant: QVB.Quantization(q), layout: layout, heads: layout == .rowMajor ? 1 : heads)
    }

    /// LayerNorm over rows of `gamma.count` features, writing FP32 value `output`.
    func layerNorm(_ name: String, gamma: [Float], beta: [Float], epsilon: Float, input: Int, output: String) -> Int {
        let width = gamma.count
        let g = graph.floats(name + ".weight", gamma, shape: [width])
        let b = graph.floats(name + ".bias", beta, shape: [width])
        let out = graph.value(output, shape: rows(of: input) + [width])
        graph.op(name, .layerNorm(epsilon: epsilon), inputs: [input], outputs: [out], weights: [g, b])
        return out
    }

    /// An embedding table of rows of `width`: FP32, or — when the target quantizes embeddings —
    /// codes with one scale per row (a per-channel weight row of the plan).
    func embeddingTable(_ name: String, _ data: [Float], width: Int) throws(CompileError) -> Int {
        let rows = data.count / width
        guard let format = preset.embeddings else { return graph.floats(name + ".weight", data, shape: [rows, width]) }
        let row = try declare(QuantPlan.Row(subject: .weight(rows: rows, columns: width), label: name + ".weight", format: format,
                                            granularity: .perChannel, offset: .zero, clipping: .weightRows))
        guard buildsQuantized else { return graph.floats(name + ".weight", data, shape: [rows, width]) }
        let packed = PackedWeights(data, rows: rows, columns: width, quantizers: try channelQuantizers(row, weights: data))
        return graph.tensor(name + ".weight", type: format.elementType, shape: [rows, width],
                            quant: QVB.Quantization(format, axis: 0, scales: packed.scales),
                            rowStride: packed.rowStride, bytes: packed.bytes)
    }
}
