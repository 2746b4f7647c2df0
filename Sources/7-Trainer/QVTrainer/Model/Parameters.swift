/// A trainable parameter: its name (the Hugging Face / `.ckpt` tensor name), the variable, and
/// whether AdamW decays it (weight matrices and embedding tables; not biases, LayerNorms or
/// quantizer parameters).
public struct NamedParameter {
    /// Tensor name.
    public let name: String
    /// The values and gradient.
    public let variable: Variable
    /// Whether weight decay applies.
    public let decays: Bool
}

/// A linear layer's parameters, `weight` `[out, in]` as PyTorch stores it.
public final class LinearParameters {
    /// Module name (`encoder.layer.0.attention.self.query`).
    public let name: String
    /// `[out, in]`.
    public let weight: Variable
    /// `[out]`.
    public let bias: Variable
    /// The weight's quantizer when the recipe quantizes this layer.
    public var quantizer: WeightQuantizer?

    /// A layer from row-major values.
    public init(name: String, weight: [Float], bias: [Float], outFeatures: Int, inFeatures: Int) {
        self.name = name
        self.weight = Variable(shape: [outFeatures, inFeatures], value: weight, requiresGradient: true)
        self.bias = Variable(shape: [outFeatures], value: bias, requiresGradient: true)
    }

    /// Output features.
    public var outFeatures: Int { weight.shape[0] }
    /// Input features.
    public var inFeatures: Int { weight.shape[1] }

    /// Its parameters (weight decayed, bias not).
    var parameters: [NamedParameter] {
        [NamedParameter(name: name + ".weight", variable: weight, decays: true),
         NamedParameter(name: name + ".bias", variable: bias, decays: false)]
    }
}

/// LayerNorm's parameters.
public final class NormParameters {
    /// Module name.
    public let name: String
    /// Scale and shift, `[features]`.
    public let gamma: Variable, beta: Variable

    /// Parameters from values.
    public init(name: String, gamma: [Float], beta: [Float]) {
        self.name = name
        self.gamma = Variable(shape: [gamma.count], value: gamma, requiresGradient: true)
        self.beta = Variable(shape: [beta.count], value: beta, requiresGradient: true)
    }

    /// Its parameters (not decayed).
    var parameters: [NamedParameter] {
        [NamedParameter(name: name + ".weight", variable: gamma, decays: false),
         NamedParameter(name: name + ".bias", variable: beta, decays: false)]
    }
}
