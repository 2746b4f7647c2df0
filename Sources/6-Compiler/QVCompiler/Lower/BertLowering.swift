import QVFormat
import QVKernels

/// The BERT topology — embeddings, encoder layers, then pooling or a classification head —
/// stated through the lowering kit, which decides what each op becomes at the kit's mode and preset.
struct BertLowering {
    /// The model.
    let checkpoint: BertCheckpoint

    /// Features per token.
    var hidden: Int { checkpoint.config.hidden }
    private var heads: Int { checkpoint.config.heads }

    /// Builds the graph into `kit`; returns the model's named inputs and outputs.
    func lower(into kit: QuantizedGraphBuilder) throws(CompileError) -> (inputs: [QVB.Port], outputs: [QVB.Port]) {
        let g = kit.graph
        let ids = g.value("input_ids", type: .i32, shape: [-1])
        let types = g.value("token_type_ids", type: .i32, shape: [-1])
        let mask = g.value("attention_mask", type: .i32, shape: [-1])

        g.beginSection("embeddings")
        let c = checkpoint
        let tables = [try kit.embeddingTable("embeddings.word_embeddings", c.wordEmbeddings, width: hidden),
                      try kit.embeddingTable("embeddings.position_embeddings", c.positionEmbeddings, width: hidden),
                      try kit.embeddingTable("embeddings.token_type_embeddings", c.tokenTypeEmbeddings, width: hidden)]
        let summed = g.value("embeddings.sum", shape: [-1, hidden])
        g.op("embeddings", .embedding, inputs: [ids, types], outputs: [summed], weights: tables)
        var h = layerNorm(kit, "embeddings.LayerNorm", c.embeddingNorm, input: summed, output: "encoder.layer.0.input")

        for (l, layer) in c.layers.enumerated() {
            g.beginSection("layer.\(l)")
            h = try encoderLayer(kit, l, layer, input: h, mask: mask)
        }

        let inputs = [QVB.Port(name: "input_ids", value: ids, role: .tokenIds),
                      QVB.Port(name: "token_type_ids", value: types, role: .tokenTypes),
                      QVB.Port(name: "attention_mask", value: mask, role: .attentionMask)]
        if let head = c.head {
            g.beginSection("head")
            return (inputs, [try classifier(kit, head, input: h, mask: mask)])
        }
        g.beginSection("pooling")
        let pooled = pool(g, c.config.pooling, input: h, mask: mask)
        var embedding = pooled
        if c.config.normalize {
            embedding = g.value("embedding", shape: [1, hidden])
            g.op("normalize", .l2Normalize(epsilon: 1e-12), inputs: [pooled], outputs: [embedding])
        }
        return (inputs, [QVB.Port(name: "embedding", value: embedding, role: .embedding)])
    }

    /// The FP32 value `pooled` `[1, hidden]`: the CLS row when `pooling` is "cls", else the mean
    /// over the tokens `mask` attends.
    func pool(_ g: GraphBuilder, _ pooling: String, input h: Int, mask: Int) -> Int {
        let pooled = g.value("pooled", shape: [1, hidden])
        if pooling == "cls" {
            g.op("pool.cls", .clsPool, inputs: [h], outputs: [pooled])
        } else {
            g.op("pool.mean", .meanPool, inputs: [h, mask], outputs: [pooled])
        }
        return pooled
    }

    private func encoderLayer(_ kit: QuantizedGraphBuilder, _ l: Int, _ layer: BertCheckpoint.Layer, input h: Int,
                              mask: Int) throws(CompileError) -> Int {
        let p = "encoder.layer.\(l)."
        let x = try kit.quantize(h, label: p + "input")
        let q = try kit.projection(p + "attention.self.query", .init(layer.query), input: x, output: p + "attention.self.query.out",
                                   role: .attentionOperands, layout: .headMajor, heads: heads)
        let k = try kit.projection(p + "attention.self.key", .init(layer.key), input: x, output: p + "attention.self.key.out",
                                   role: .attentionOperands, layout: .headMajor, heads: heads)
        let vOut = p + "attention.self.value.out"
        let v = try kit.quantize(try kit.linear(p + "attention.self.value", .init(layer.value), input: x, output: vOut),
                                 label: vOut, role: .attentionOperands, layout: .headMajorTransposed, heads: heads)
        let shape = QuantizedGraphBuilder.AttentionShape(heads: heads, features: hidden, scoreScale: 1 / Float(hidden / heads).squareRoot(),
                                                         longestSequence: checkpoint.config.maxPositions)
        let ctx = try kit.attention(p + "attention.self", shape, q: q, k: k, v: v, mask: mask, context: p + "attention.context")
        let attended = try kit.linear(p + "attention.output.dense", .init(layer.attentionOutput), input: ctx,
                                      output: p + "attention.output.sum", residual: h)
        let h1 = layerNorm(kit, p + "attention.output.LayerNorm", layer.attentionNorm, input: attended, output: p + "attention.output.normed")
        let x1 = try kit.quantize(h1, label: p + "attention.output.normed")
        let x2 = try kit.projection(p + "intermediate.dense", .init(layer.intermediate), input: x1, output: p + "intermediate.gelu",
                                    activation: .gelu, role: .activations, layout: .rowMajor)
        let out = try kit.linear(p + "output.dense", .init(layer.output), input: x2, output: p + "output.sum", residual: h1)
        return layerNorm(kit, p + "output.LayerNorm", layer.outputNorm, input: out, output: "encoder.layer.\(l + 1).input")
    }

    private func layerNorm(_ kit: QuantizedGraphBuilder, _ name: String, _ norm: BertCheckpoint.Norm, input: Int, output: String) -> Int {
        kit.layerNorm(name, gamma: norm.gamma, beta: norm.beta, epsilon: checkpoint.config.layerNormEps, input: input, output: output)
    }
}

extension QuantizedGraphBuilder.LinearParameters {
    /// The parameters of a BERT linear layer.
    init(_ lin: BertCheckpoint.Linear) {
        self.init(weight: lin.weight, bias: lin.bias, outFeatures: lin.outFeatures, inFeatures: lin.inFeatures)
    }
}
