import QVFormat
import QVKernels

extension QuantizedGraphBuilder {
    /// The shape of one attention op.
    struct AttentionShape {
        /// Heads, and features of q, k, v and the context.
        let heads: Int, features: Int
        /// Factor of q·kᵀ (usually 1/√head width).
        let scoreScale: Float
        /// The most keys one query sees (bounds the context accumulators of the integer form).
        let longestSequence: Int
        /// Rows per window for attention within windows (no mask then); 0 for all rows at once.
        var groupRows = 0
    }

    /// Multi-head attention over `q`, `k`, `v` (from `projection`/`quantize`: codes of the
    /// attention operands per head in the quantized target) with per-token `mask` (or within
    /// windows of `shape.groupRows` rows and no mask), returning the
    /// context as the next linear layer's input. Integer targets declare two points: the
    /// probabilities (taken in the calibration graph from the attention's own probabilities
    /// output) and the context; the context is written straight as codes when they have 1 or 2
    /// bits and thresholds exist, else as FP32 and quantized. FP32 targets: FP32 attention, then
    /// the context quantized if the target quantizes activations.
    func attention(_ name: String, _ shape: AttentionShape, q: Operand, k: Operand, v: Operand, mask: Int?,
                   context label: String) throws(CompileError) -> Operand {
        let inputs = [q.value, k.value, v.value] + (mask.map { [$0] } ?? [])
        let contextShape = rows(of: q.value) + [shape.features]
        func opAttributes(_ probs: QVB.Quantization?) -> QVB.OpAttributes {
            .attention(heads: shape.heads, scoreScale: shape.scoreScale, probs: probs, groupRows: shape.groupRows)
        }
        guard preset.integerAttention, let probsFormat = preset.probabilities, let vPoint = v.point,
              q.point != nil, k.point != nil else {
            let context = graph.value(label, shape: contextShape)
            graph.op(name, opAttributes(nil), inputs: inputs, outputs: [context])
            return try quantize(context, label: label)
        }
        guard buildsQuantized else {
            // The calibration graph exposes the probabilities of attention over all token rows;
            // windows' probabilities are not observed (multi-bit codes use the fixed unit grid).
            let context = graph.value(label, shape: contextShape)
            let observed = shape.groupRows == 0 ? graph.value(name + ".probs", shape: [shape.heads, -1, -1]) : nil
            graph.op(name, opAttributes(nil), inputs: inputs, outputs: [context] + (observed.map { [$0] } ?? []))
            _ = try probabilitiesRow(name, value: observed ?? -1, format: probsFormat)
            let row = try preset.activations.map { f throws(CompileError) in try activationRow(label, value: context, format: f, zeroOffset: false) }
            return Operand(value: context, point: row)
        }
        let probs = try quantizer(try probabilitiesRow(name, value: -1, format: probsFormat))
        let attributes = opAttributes(QVB.Quantization(probs))
        let row = try preset.activations.map { f throws(CompileError) in try activationRow(label, value: -1, format: f, zeroOffset: false) }
        if let row, let codes = try attentionToCodes(name, shape, attributes, inputs: inputs, probs: probs,
                                                     v: try quantizer(vPoint), context: try quantizer(row), label: label) {
            return Operand(value: codes, point: row)
        }
        let context = graph.value(label, shape: contextShape)
        graph.op(name, attributes, inputs: inputs, outputs: [context])
        guard let row else { return Operand(value: context, point: nil) }
        let codes = codesValue(label, like: context, features: shape.features, quantizer: try quantizer(row), layout: .rowMajor, heads: 1)
        graph.op(label + ".quantize", .quantize, inputs: [context], outputs: [codes])
        return Operand(value: codes, point: row)
    }

    /// Declares the probabilities row of attention `name`.
    private func probabilitiesRow(_ name: String, value: Int, format: QuantFormat) throws(CompileError) -> Int {
        try declare(QuantPlan.Row(subject: .probabilities(value: value), label: name + ".probs", format: format,
                                  granularity: .perTensor, offset: .zero, clipping: .unitGrid))
    }

    /// The attention op writing the context straight as codes of `next` (thresholds on probs·v
    /// with the scale s_p·s_v the runtime forms, over every accumulator up to the longest
    /// sequence), or nil when those codes aren't 1- or 2-bit, a head's slice of them doesn't fill
    /// whole bytes, or the thresholds don't exist.
    private func attentionToCodes(_ name: String, _ shape: AttentionShape, _ attributes: QVB.OpAttributes, inputs: [Int],
                                  probs: Quantizer, v: Quantizer, context next: Quantizer, label: String) throws(CompileError) -> Int? {
        // Each head writes its slice of a packed row: the runtime needs it to fill whole bytes.
        guard next.format.bits <= 2, (shape.features / shape.heads) * next.format.bits % 8 == 0 else { return nil }
        let longest = Int64(shape.longestSequence), pMax = Int64(probs.format.codeMax)
        let low = longest * min(pMax * Int64(v.format.codeMin), 0), high = longest * max(pMax * Int64(v.format.codeMax), 0)
        let column = ThresholdSearch.Column(scale: EpilogueFolding.contextScale(probabilities: probs, v: v), bias: nil, activation: .none)
        guard let (table, _) = ThresholdSearch.table(columns: [column], ranges: [Int32(clamping: low)...Int32(clamping: high)],
                                                     next: next) else { return nil }
        let t = graph.int32s(name + ".thresholds", table, shape: [table.count, 1])
        let codes = codesValue(label, like: inputs[0], features: shape.features, quantizer: next, layout: .rowMajor, heads: 1)
        graph.op(name, attributes, inputs: inputs, outputs: [codes], weights: [t])
        return codes
    }
}
