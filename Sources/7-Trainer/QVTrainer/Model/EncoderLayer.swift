import QVCompiler

/// One BERT encoder layer's parameters and, when quantized, its activation quantizers — one per
/// quantization point of the compiler's plan, named by the plan's labels.
public final class EncoderLayer {
    /// Module prefix, `encoder.layer.N.`.
    public let prefix: String
    /// Linear layers.
    public let query, key, value, attentionOutput, intermediate, output: LinearParameters
    /// LayerNorms after attention and after the feed-forward block.
    public let attentionNorm, outputNorm: NormParameters
    /// Activation quantizers of the layer (nil at FP32).
    public var quantizers: Quantizers?

    /// The activation quantizers of a quantized layer.
    public struct Quantizers {
        /// Layer input (q, k, v's input), u-codes with offset.
        public let input: ActivationQuantizer
        /// q, k, v outputs (offset 0); all three the same object when q/k/v share one.
        public let query, key, value: ActivationQuantizer
        /// Softmax probabilities (offset 0).
        public let probabilities: ActivationQuantizer
        /// Attention context (the output projection's input).
        public let context: ActivationQuantizer
        /// The normed attention output (fc1's input).
        public let normed: ActivationQuantizer
        /// GELU output (fc2's input; MSE clipping).
        public let gelu: ActivationQuantizer

        /// Each plan point of the layer with its quantizer (a shared q/k/v quantizer under
        /// each of the three labels).
        func points(prefix: String) -> [(label: String, quantizer: ActivationQuantizer)] {
            [("input", input), ("attention.self.query.out", query), ("attention.self.key.out", key),
             ("attention.self.value.out", value), ("attention.self.probs", probabilities), ("attention.context", context),
             ("attention.output.normed", normed), ("intermediate.gelu", gelu)].map { (prefix + $0.0, $0.1) }
        }

        /// All of them, each once.
        var all: [ActivationQuantizer] {
            var seen: [ObjectIdentifier] = []
            return [input, query, key, value, probabilities, context, normed, gelu].filter {
                let id = ObjectIdentifier($0)
                defer { seen.append(id) }
                return !seen.contains(id)
            }
        }
    }

    /// A layer from a checkpoint's weights.
    init(_ l: Int, _ layer: BertCheckpoint.Layer) {
        let prefix = "encoder.layer.\(l)."
        self.prefix = prefix
        func linear(_ name: String, _ lin: BertCheckpoint.Linear) -> LinearParameters {
            LinearParameters(name: prefix + name, weight: lin.weight, bias: lin.bias, outFeatures: lin.outFeatures, inFeatures: lin.inFeatures)
        }
        query = linear("attention.self.query", layer.query)
        key = linear("attention.self.key", layer.key)
        value = linear("attention.self.value", layer.value)
        attentionOutput = linear("attention.output.dense", layer.attentionOutput)
        intermediate = linear("intermediate.dense", layer.intermediate)
        output = linear("output.dense", layer.output)
        attentionNorm = NormParameters(name: prefix + "attention.output.LayerNorm", gamma: layer.attentionNorm.gamma, beta: layer.attentionNorm.beta)
        outputNorm = NormParameters(name: prefix + "output.LayerNorm", gamma: layer.outputNorm.gamma, beta: layer.outputNorm.beta)
    }

    /// The linear layers in order.
    public var linears: [LinearParameters] { [query, key, value, attentionOutput, intermediate, output] }

    /// Gives the layer the quantizers of `formats` (plan labels as the compiler's BERT lowering
    /// names its points).
    func quantize(_ f: ModuleFormats, recipe: Recipe) {
        for lin in linears {
            lin.quantizer = WeightQuantizer(label: lin.name + ".weight", format: f.weights, rule: f.weights.bits == 1 ? .meanAbsolute : .learned,
                                            rows: lin.outFeatures, perChannel: recipe.perChannelWeights)
        }
        func point(_ label: String, _ format: QuantFormatChoice, clipping: QuantPlan.Clipping = .observedRange) -> ActivationQuantizer {
            ActivationQuantizer(label: prefix + label, format: format == .operand ? f.attentionOperands : format == .probs ? f.probabilities : f.activations,
                                learnsOffset: format == .activation, clipping: clipping)
        }
        let q = point("attention.self.query.out", .operand)
        let shared = recipe.splitQKV ? nil : q
        quantizers = Quantizers(
            input: point("input", .activation), query: q,
            key: shared ?? point("attention.self.key.out", .operand), value: shared ?? point("attention.self.value.out", .operand),
            probabilities: point("attention.self.probs", .probs, clipping: .unitGrid), context: point("attention.context", .activation),
            normed: point("attention.output.normed", .activation), gelu: point("intermediate.gelu", .activation, clipping: .meanSquaredError))
    }

    /// Which of the layer's formats a point takes.
    private enum QuantFormatChoice { case activation, operand, probs }

    /// Every parameter of the layer (weights, biases, norms, quantizer steps and offsets).
    var parameters: [NamedParameter] {
        var all = linears.flatMap(\.parameters) + attentionNorm.parameters + outputNorm.parameters
        for lin in linears { if let q = lin.quantizer, q.rule == .learned { all.append(NamedParameter(name: q.label + ".scale", variable: q.scales, decays: false)) } }
        for q in quantizers?.all ?? [] {
            all.append(NamedParameter(name: q.label + ".scale", variable: q.scale, decays: false))
            if let o = q.offset { all.append(NamedParameter(name: q.label + ".offset", variable: o, decays: false)) }
        }
        return all
    }
}
