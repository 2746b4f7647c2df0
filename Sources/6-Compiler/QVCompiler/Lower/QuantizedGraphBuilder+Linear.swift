import QVFormat
import QVKernels

/// A quantized linear layer's packed weight codes and its folded per-column scale and bias:
/// `EpilogueFolding`'s scale and bias per column, so the kernels work on codes and never dequantize.
struct FoldedWeights {
    /// The weight codes.
    let packed: PackedWeights
    /// Per-column scale and bias of the epilogue.
    let alpha: [Float], bias: [Float]

    /// Folds `input` (the activation quantizer) into the parameters of `lin` quantized by `packed`.
    init(_ lin: QuantizedGraphBuilder.LinearParameters, packed: PackedWeights, input x: Quantizer) {
        self.packed = packed
        alpha = packed.scales.map { EpilogueFolding.linearScale(input: x, weightScale: $0) }
        bias = (0..<lin.outFeatures).map { n in
            EpilogueFolding.linearBias(lin.bias[n], input: x, weightScale: packed.scales[n], codeSum: packed.codeSums[n])
        }
    }
}

extension QuantizedGraphBuilder {
    /// A linear layer writing FP32 value `output` (plus `residual`, an FP32 value, if given).
    /// Its weights are quantized per channel (a plan row, in the preset's format for `weights`)
    /// when its input is codes in the target.
    func linear(_ name: String, _ lin: LinearParameters, input: Operand, output: String, residual: Int? = nil,
                activation act: QVB.Activation = .none, weights role: WeightRole = .encoder) throws(CompileError) -> Int {
        var folded: FoldedWeights?
        if let row = try weightRow(name, lin, input: input, role: role) { folded = try fold(lin, row: row, input: input) }
        return emitLinear(name, lin, inputs: [input.value] + (residual.map { [$0] } ?? []), output: output, activation: act, folded: folded)
    }

    /// A linear layer whose output the target consumes as codes of `role` in `layout` (a point of
    /// the plan; GELU outputs take MSE clipping, per-head layouts offset 0). Quantized: fused —
    /// the GEMM writes the codes through thresholds folded from its epilogue and the quantizer —
    /// when the codes have 1 or 2 bits and the thresholds exist, else the linear layer and a
    /// Quantize op. FP32 (or the calibration graph): the linear layer writing `output`.
    func projection(_ name: String, _ lin: LinearParameters, input: Operand, output: String, activation act: QVB.Activation = .none,
                    role: CodesRole, layout: QVB.Layout, heads: Int = 1) throws(CompileError) -> Operand {
        guard let format = format(role) else {
            return Operand(value: try linear(name, lin, input: input, output: output, activation: act), point: nil)
        }
        let weights = try weightRow(name, lin, input: input, role: .encoder)
        let clipping: QuantPlan.Clipping = act == .gelu ? .meanSquaredError : .observedRange
        guard buildsQuantized else {
            let out = emitLinear(name, lin, inputs: [input.value], output: output, activation: act, folded: nil)
            let row = try activationRow(output, value: out, format: format, zeroOffset: layout != .rowMajor, clipping: clipping)
            return Operand(value: out, point: row)
        }
        let row = try activationRow(output, value: -1, format: format, zeroOffset: layout != .rowMajor, clipping: clipping)
        let next = try quantizer(row)
        var folded: FoldedWeights?
        if let weights { folded = try fold(lin, row: weights, input: input) }
        if let folded, let inputRow = input.point, format.bits <= 2,
           layout == .rowMajor || (lin.outFeatures / heads) * format.bits % 8 == 0 {
            let columns = (0..<lin.outFeatures).map {
                ThresholdSearch.Column(scale: folded.alpha[$0], bias: folded.bias[$0], activation: act)
            }
            let ranges = ThresholdSearch.ranges(weights: folded.packed, activation: plan.rows[inputRow].format)
            if let (table, _) = ThresholdSearch.table(columns: columns, ranges: ranges, next: next) {
                let t = graph.int32s(name + ".thresholds", table, shape: [table.count / lin.outFeatures, lin.outFeatures])
                let codes = codesValue(output, like: input.value, features: lin.outFeatures, quantizer: next, layout: layout, heads: heads)
                graph.op(name, .linear(activation: act), inputs: [input.value], outputs: [codes],
                         weights: add(name, folded, lin) + [t])
                return Operand(value: codes, point: row)
            }
        }
        let out = emitLinear(name, lin, inputs: [input.value], output: output, activation: act, folded: folded)
        let codes = codesValue(output, like: out, features: lin.outFeatures, quantizer: next, layout: layout, heads: heads)
        graph.op(output + ".quantize", .quantize, inputs: [out], outputs: [codes])
        return Operand(value: codes, point: row)
    }

    /// Declares the per-channel weight row (format of `role`) of a linear layer whose input is
    /// codes in the target.
    private func weightRow(_ name: String, _ lin: LinearParameters, input: Operand, role: WeightRole) throws(CompileError) -> Int? {
        guard input.point != nil else { return nil }
        guard let format = format(role) else {
            throw CompileError("'\(name)' reads codes but the preset has no \(role) weight format; give the preset one")
        }
        return try declare(QuantPlan.Row(subject: .weight(rows: lin.outFeatures, columns: lin.inFeatures), label: name + ".weight",
                                         format: format, granularity: .perChannel, offset: .zero, clipping: .weightRows))
    }

    /// The folded weights of weight row `row` in the quantized graph (nil in an FP32 one).
    private func fold(_ lin: LinearParameters, row: Int, input: Operand) throws(CompileError) -> FoldedWeights? {
        guard buildsQuantized, let inputRow = input.point else { return nil }
        let x = try quantizer(inputRow)
        let packed = PackedWeights(lin.weight, rows: lin.outFeatures, columns: lin.inFeatures,
                                   quantizers: try channelQuantizers(row, weights: lin.weight))
        return FoldedWeights(lin, packed: packed, input: x)
    }

    /// Emits the linear op writing FP32: FP32 panels and bias, or `folded` codes and epilogue.
    private func emitLinear(_ name: String, _ lin: LinearParameters, inputs: [Int], output: String, activation act: QVB.Activation,
                            folded: FoldedWeights?) -> Int {
        let out = graph.value(output, shape: rows(of: inputs[0]) + [lin.outFeatures])
        guard let folded else {
            let w = graph.floatPanels(name + ".weight", lin.weight, rows: lin.outFeatures, columns: lin.inFeatures)
            let b = graph.floats(name + ".bias", lin.bias, shape: [lin.outFeatures])
            graph.op(name, .linear(activation: act), inputs: inputs, outputs: [out], weights: [w, b])
            return out
        }
        graph.op(name, .linear(activation: act), inputs: inputs, outputs: [out], weights: add(name, folded, lin))
        return out
    }

    /// Adds [W, bias', alpha] to the graph.
    private func add(_ name: String, _ folded: FoldedWeights, _ lin: LinearParameters) -> [Int] {
        let packed = folded.packed
        let w = graph.tensor(name + ".weight", type: packed.format.elementType, shape: [lin.outFeatures, lin.inFeatures],
                             quant: QVB.Quantization(packed.format, axis: 0, scales: packed.scales),
                             rowStride: packed.rowStride, bytes: packed.bytes)
        return [w, graph.floats(name + ".bias_folded", folded.bias, shape: [lin.outFeatures]),
                graph.floats(name + ".scale_folded", folded.alpha, shape: [lin.outFeatures])]
    }
}
