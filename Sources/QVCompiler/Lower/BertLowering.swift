import QVFormat
import QVKernels

/// Lowers a BERT checkpoint to a `.qvb` graph at one precision. Quantized precisions insert
/// Quantize ops before every integer matmul and fold each linear layer's scales, activation
/// offset and bias into a per-column epilogue (`alpha[n] = s_x·s_w[n]`,
/// `bias'[n] = bias[n] + β_x·s_w[n]·Σ_k c[n,k]`), so kernels never dequantize.
struct BertLowering {
    /// The model.
    let checkpoint: BertCheckpoint
    /// Target precision.
    let precision: Precision
    /// Observed FP32 samples by calibration point (see `CalibrationPoint`); empty for FP32.
    let samples: [String: [Float]]

    private var hidden: Int { checkpoint.config.hidden }
    private var heads: Int { checkpoint.config.heads }

    /// Builds the graph; returns it with the model's named inputs and outputs.
    func lower() throws(CompileError) -> (graph: GraphBuilder, inputs: [QVB.Port], outputs: [QVB.Port]) {
        let g = GraphBuilder()
        let ids = g.value("input_ids", type: .i32, shape: [-1])
        let types = g.value("token_type_ids", type: .i32, shape: [-1])
        let mask = g.value("attention_mask", type: .i32, shape: [-1])

        g.beginSection("embeddings")
        let c = checkpoint
        let tables = [embeddingTable(g, "embeddings.word_embeddings", c.wordEmbeddings),
                      embeddingTable(g, "embeddings.position_embeddings", c.positionEmbeddings),
                      embeddingTable(g, "embeddings.token_type_embeddings", c.tokenTypeEmbeddings)]
        let summed = g.value("embeddings.sum", shape: [-1, hidden])
        g.op("embeddings", .embedding, inputs: [ids, types], outputs: [summed], weights: tables)
        var h = layerNorm(g, "embeddings.LayerNorm", c.embeddingNorm, input: summed, output: CalibrationPoint.layerInput(0))

        for (l, layer) in c.layers.enumerated() {
            g.beginSection("layer.\(l)")
            h = try encoderLayer(g, l, layer, input: h, mask: mask)
        }

        g.beginSection("pooling")
        let pooled = g.value("pooled", shape: [1, hidden])
        if c.config.pooling == "cls" {
            g.op("pool.cls", .clsPool, inputs: [h], outputs: [pooled])
        } else {
            g.op("pool.mean", .meanPool, inputs: [h, mask], outputs: [pooled])
        }
        var embedding = pooled
        if c.config.normalize {
            embedding = g.value("embedding", shape: [1, hidden])
            g.op("normalize", .l2Normalize(epsilon: 1e-12), inputs: [pooled], outputs: [embedding])
        }
        let inputs = [QVB.Port(name: "input_ids", value: ids, role: .tokenIds),
                      QVB.Port(name: "token_type_ids", value: types, role: .tokenTypes),
                      QVB.Port(name: "attention_mask", value: mask, role: .attentionMask)]
        return (g, inputs, [QVB.Port(name: "embedding", value: embedding, role: .embedding)])
    }

    private func encoderLayer(_ g: GraphBuilder, _ l: Int, _ layer: BertCheckpoint.Layer, input h: Int, mask: Int) throws(CompileError) -> Int {
        let p = "encoder.layer.\(l)."
        let input = CalibrationPoint.layerInput(l)
        let x = try quantized(g, h, point: input)
        let scoreScale = 1 / Float(hidden / heads).squareRoot()
        let ctx: Int
        if let format = precision.attentionFormat, let probsFormat = precision.probabilityFormat {
            let qc = try projection(g, p + "attention.self.query", layer.query, input: x, inputPoint: input,
                                    output: CalibrationPoint.query(l), codes: format, layout: .headMajor)
            let kc = try projection(g, p + "attention.self.key", layer.key, input: x, inputPoint: input,
                                    output: CalibrationPoint.key(l), codes: format, layout: .headMajor)
            let v = try linear(g, p + "attention.self.value", layer.value, input: x, inputPoint: input, output: CalibrationPoint.value(l))
            let vc = try quantized(g, v, point: CalibrationPoint.value(l), layout: .headMajorTransposed, format: format)
            let probs = ScaleSearch.probabilityQuantizer(for: samples[CalibrationPoint.probabilities(l)] ?? [], format: probsFormat)
            let attributes = QVB.OpAttributes.attention(heads: heads, scoreScale: scoreScale, probs: QVB.Quantization(probs))
            let vq = try activation(CalibrationPoint.value(l), format, zeroOffset: true)
            if let codes = try attentionToCodes(g, p + "attention.self", attributes, inputs: [qc, kc, vc, mask], probs: probs,
                                                v: vq, point: CalibrationPoint.context(l)) {
                ctx = codes
            } else {
                let context = g.value(CalibrationPoint.context(l), shape: [-1, hidden])
                g.op(p + "attention.self", attributes, inputs: [qc, kc, vc, mask], outputs: [context])
                ctx = try quantized(g, context, point: CalibrationPoint.context(l))
            }
        } else {
            let q = try linear(g, p + "attention.self.query", layer.query, input: x, inputPoint: input, output: CalibrationPoint.query(l))
            let k = try linear(g, p + "attention.self.key", layer.key, input: x, inputPoint: input, output: CalibrationPoint.key(l))
            let v = try linear(g, p + "attention.self.value", layer.value, input: x, inputPoint: input, output: CalibrationPoint.value(l))
            let context = g.value(CalibrationPoint.context(l), shape: [-1, hidden])
            g.op(p + "attention.self", .attention(heads: heads, scoreScale: scoreScale, probs: nil),
                 inputs: [q, k, v, mask], outputs: [context])
            ctx = try quantized(g, context, point: CalibrationPoint.context(l))
        }
        let attended = try linear(g, p + "attention.output.dense", layer.attentionOutput, input: ctx,
                                  inputPoint: CalibrationPoint.context(l), output: p + "attention.output.sum", residual: h)
        let h1 = layerNorm(g, p + "attention.output.LayerNorm", layer.attentionNorm, input: attended, output: CalibrationPoint.attentionNorm(l))
        let x1 = try quantized(g, h1, point: CalibrationPoint.attentionNorm(l))
        let x2 = try projection(g, p + "intermediate.dense", layer.intermediate, input: x1, inputPoint: CalibrationPoint.attentionNorm(l),
                                output: CalibrationPoint.gelu(l), activation: .gelu, codes: precision.activationFormat, layout: .rowMajor)
        let out = try linear(g, p + "output.dense", layer.output, input: x2, inputPoint: CalibrationPoint.gelu(l),
                             output: p + "output.sum", residual: h1)
        return layerNorm(g, p + "output.LayerNorm", layer.outputNorm, input: out, output: CalibrationPoint.layerInput(l + 1))
    }

    /// A linear layer whose output is consumed as codes of `format` (nil: FP32) in `layout`:
    /// fused — the GEMM writes the codes through thresholds folded from its epilogue and the
    /// next quantizer — when the codes have 1 or 2 bits and the thresholds exist; otherwise the
    /// linear layer followed by a Quantize op.
    private func projection(_ g: GraphBuilder, _ name: String, _ lin: BertCheckpoint.Linear, input: Int, inputPoint: String,
                            output: String, activation act: QVB.Activation = .none, codes format: QuantFormat?,
                            layout: QVB.Layout) throws(CompileError) -> Int {
        var quantizedLinear: FoldedWeights?
        if let format, format.bits <= 2, let inputFormat = precision.activationFormat, precision.weightFormat != nil,
           layout == .rowMajor || (hidden / heads) * format.bits % 8 == 0 {
            let next = try activation(output, format, zeroOffset: layout != .rowMajor)
            let folded = try quantizedWeights(lin, inputPoint: inputPoint)
            quantizedLinear = folded
            let columns = (0..<lin.outFeatures).map {
                ThresholdSearch.Column(scale: folded.alpha[$0], bias: folded.bias[$0], gelu: act == .gelu)
            }
            let ranges = ThresholdSearch.ranges(weights: folded.packed, activation: inputFormat)
            if let (table, _) = ThresholdSearch.table(columns: columns, ranges: ranges, next: next) {
                let t = g.int32s(name + ".thresholds", table, shape: [table.count / lin.outFeatures, lin.outFeatures])
                let codes = codesValue(g, output, features: lin.outFeatures, quantizer: next, layout: layout)
                g.op(name, .linear(activation: act), inputs: [input], outputs: [codes],
                     weights: add(g, name, folded, outFeatures: lin.outFeatures, inFeatures: lin.inFeatures) + [t])
                return codes
            }
        }
        let out = try linear(g, name, lin, input: input, inputPoint: inputPoint, output: output, activation: act,
                             folded: quantizedLinear)
        return try quantized(g, out, point: output, layout: layout, format: format)
    }

    /// The attention op writing the context straight as codes (thresholds on probs·v with the
    /// scale s_p·s_v the runtime forms, over every accumulator up to the longest sequence), or
    /// nil when the context codes aren't 1- or 2-bit or the thresholds don't exist.
    private func attentionToCodes(_ g: GraphBuilder, _ name: String, _ attributes: QVB.OpAttributes, inputs: [Int],
                                  probs: Quantizer, v: Quantizer, point: String) throws(CompileError) -> Int? {
        guard let format = precision.activationFormat, format.bits <= 2 else { return nil }
        let next = try activation(point, format)
        let longest = Int64(checkpoint.config.maxPositions), pMax = Int64(probs.format.codeMax)
        let low = longest * min(pMax * Int64(v.format.codeMin), 0), high = longest * max(pMax * Int64(v.format.codeMax), 0)
        let column = ThresholdSearch.Column(scale: probs.scale * v.scale, bias: nil, gelu: false)
        guard let (table, _) = ThresholdSearch.table(columns: [column], ranges: [Int32(clamping: low)...Int32(clamping: high)],
                                                     next: next) else { return nil }
        let t = g.int32s(name + ".thresholds", table, shape: [table.count, 1])
        let codes = codesValue(g, point, features: hidden, quantizer: next, layout: .rowMajor)
        g.op(name, attributes, inputs: inputs, outputs: [codes], weights: [t])
        return codes
    }

    /// The MSE-best quantizer of `format` for the samples seen at `point`. Attention operands
    /// (`zeroOffset`) keep offset 0 so the attention matmuls need no correction terms.
    /// GELU outputs (`CalibrationPoint.isGELU`) take an MSE-clipped range at every width.
    private func activation(_ point: String, _ format: QuantFormat, zeroOffset: Bool = false) throws(CompileError) -> Quantizer {
        guard let observed = samples[point], !observed.isEmpty else {
            throw CompileError("calibration saw no values at '\(point)'; pass calibration text with --calibration")
        }
        return ScaleSearch.quantizer(for: observed, format: format, zeroOffset: zeroOffset, clip: CalibrationPoint.isGELU(point))
    }

    /// `value` as codes (a Quantize op), or `value` itself at FP32.
    private func quantized(_ g: GraphBuilder, _ value: Int, point: String, layout: QVB.Layout = .rowMajor,
                           format: QuantFormat? = nil) throws(CompileError) -> Int {
        guard let format = format ?? precision.activationFormat else { return value }
        let q = try activation(point, format, zeroOffset: layout != .rowMajor)
        let codes = codesValue(g, point, features: g.values[value].shape[1], quantizer: q, layout: layout)
        g.op(point + ".quantize", .quantize, inputs: [value], outputs: [codes])
        return codes
    }

    /// A codes value for the activations at calibration point `point`.
    private func codesValue(_ g: GraphBuilder, _ point: String, features: Int, quantizer q: Quantizer, layout: QVB.Layout) -> Int {
        g.value(point + ".q", type: q.format.elementType, shape: [-1, features],
                quant: QVB.Quantization(q), layout: layout, heads: layout == .rowMajor ? 1 : heads)
    }

    /// A linear layer writing FP32; a quantized one reuses `folded` when the caller already made it.
    private func linear(_ g: GraphBuilder, _ name: String, _ lin: BertCheckpoint.Linear, input: Int, inputPoint: String,
                        output: String, residual: Int? = nil, activation act: QVB.Activation = .none,
                        folded: FoldedWeights? = nil) throws(CompileError) -> Int {
        let out = g.value(output, shape: [-1, lin.outFeatures])
        let inputs = [input] + (residual.map { [$0] } ?? [])
        guard precision.weightFormat != nil else {
            let w = g.floatPanels(name + ".weight", lin.weight, rows: lin.outFeatures, columns: lin.inFeatures)
            let b = g.floats(name + ".bias", lin.bias, shape: [lin.outFeatures])
            g.op(name, .linear(activation: act), inputs: inputs, outputs: [out], weights: [w, b])
            return out
        }
        let weights: FoldedWeights
        if let folded { weights = folded } else { weights = try quantizedWeights(lin, inputPoint: inputPoint) }
        g.op(name, .linear(activation: act), inputs: inputs, outputs: [out],
             weights: add(g, name, weights, outFeatures: lin.outFeatures, inFeatures: lin.inFeatures))
        return out
    }

    /// A quantized linear layer's packed weight codes and its folded per-column scale and bias:
    /// `alpha[n] = s_x·s_w[n]`, `bias'[n] = bias[n] + β_x·s_w[n]·Σ_k c[n,k]`.
    private struct FoldedWeights {
        let packed: PackedWeights
        let alpha: [Float], bias: [Float]
    }

    private func quantizedWeights(_ lin: BertCheckpoint.Linear, inputPoint: String) throws(CompileError) -> FoldedWeights {
        let x = try activation(inputPoint, precision.activationFormat!)
        let packed = PackedWeights(lin.weight, rows: lin.outFeatures, columns: lin.inFeatures, format: precision.weightFormat!)
        let alpha = packed.scales.map { Float(Double(x.scale) * Double($0)) }
        let bias = (0..<lin.outFeatures).map { n in
            Float(Double(lin.bias[n]) + Double(x.offset) * Double(packed.scales[n]) * Double(packed.codeSums[n]))
        }
        return FoldedWeights(packed: packed, alpha: alpha, bias: bias)
    }

    /// Adds [W, bias', alpha] to the graph.
    private func add(_ g: GraphBuilder, _ name: String, _ folded: FoldedWeights, outFeatures: Int, inFeatures: Int) -> [Int] {
        let packed = folded.packed
        let w = g.tensor(name + ".weight", type: packed.format.elementType, shape: [outFeatures, inFeatures],
                         quant: QVB.Quantization(packed.format, axis: 0, scales: packed.scales),
                         rowStride: packed.rowStride, bytes: packed.bytes)
        return [w, g.floats(name + ".bias_folded", folded.bias, shape: [outFeatures]),
                g.floats(name + ".scale_folded", folded.alpha, shape: [outFeatures])]
    }

    private func layerNorm(_ g: GraphBuilder, _ name: String, _ norm: BertCheckpoint.Norm, input: Int, output: String) -> Int {
        let gamma = g.floats(name + ".weight", norm.gamma, shape: [hidden])
        let beta = g.floats(name + ".bias", norm.beta, shape: [hidden])
        let out = g.value(output, shape: [-1, hidden])
        g.op(name, .layerNorm(epsilon: checkpoint.config.layerNormEps), inputs: [input], outputs: [out], weights: [gamma, beta])
        return out
    }

    /// An embedding table: FP32, or 8-bit codes with one scale per row.
    private func embeddingTable(_ g: GraphBuilder, _ name: String, _ data: [Float]) -> Int {
        let rows = data.count / hidden
        guard precision.quantizesEmbeddings else { return g.floats(name + ".weight", data, shape: [rows, hidden]) }
        let packed = PackedWeights(data, rows: rows, columns: hidden, format: .signed8)
        return g.tensor(name + ".weight", type: .i8, shape: [rows, hidden],
                        quant: QVB.Quantization(.signed8, axis: 0, scales: packed.scales),
                        rowStride: packed.rowStride, bytes: packed.bytes)
    }
}

/// Names of the FP32 values whose statistics calibrate each activation quantizer.
enum CalibrationPoint {
    static func layerInput(_ l: Int) -> String { "encoder.layer.\(l).input" }
    static func query(_ l: Int) -> String { "encoder.layer.\(l).attention.self.query.out" }
    static func key(_ l: Int) -> String { "encoder.layer.\(l).attention.self.key.out" }
    static func value(_ l: Int) -> String { "encoder.layer.\(l).attention.self.value.out" }
    static func probabilities(_ l: Int) -> String { "encoder.layer.\(l).attention.self.probs" }
    static func context(_ l: Int) -> String { "encoder.layer.\(l).attention.context" }
    static func attentionNorm(_ l: Int) -> String { "encoder.layer.\(l).attention.output.normed" }
    static func gelu(_ l: Int) -> String { "encoder.layer.\(l).intermediate.gelu" }
    static func isGELU(_ point: String) -> Bool { point.hasSuffix(".intermediate.gelu") }
}
