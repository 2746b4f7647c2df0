import QVKernels

/// The formats a quantized lowering gives each role of a transformer: the quantization plan's
/// formats, by module. Nil formats stay FP32.
public struct QuantPreset: Equatable, Sendable {
    /// Linear-layer weights (per output channel, offset 0).
    public var weights: QuantFormat?
    /// Linear-layer input activations (per tensor, with offset).
    public var activations: QuantFormat?
    /// q, k and v of the integer attention matmuls (per tensor, offset 0, separate scale each).
    public var attentionOperands: QuantFormat?
    /// Attention probabilities (unsigned, offset 0).
    public var probabilities: QuantFormat?
    /// Embedding tables (per row, offset 0).
    public var embeddings: QuantFormat?
    /// Weights of the classification head's pooler and classifier (per output channel, offset 0).
    public var headWeights: QuantFormat?
    /// Input activations of the head's pooler and classifier (per tensor, with offset).
    public var headActivations: QuantFormat?

    /// A preset with the given formats.
    public init(weights: QuantFormat?, activations: QuantFormat?, attentionOperands: QuantFormat?,
                probabilities: QuantFormat?, embeddings: QuantFormat?, headWeights: QuantFormat?, headActivations: QuantFormat?) {
        self.weights = weights
        self.activations = activations
        self.attentionOperands = attentionOperands
        self.probabilities = probabilities
        self.embeddings = embeddings
        self.headWeights = headWeights
        self.headActivations = headActivations
    }

    /// Everything FP32.
    public static let float = QuantPreset(weights: nil, activations: nil, attentionOperands: nil, probabilities: nil, embeddings: nil,
                                          headWeights: nil, headActivations: nil)

    /// Whether the attention matmuls run on integer codes.
    public var integerAttention: Bool { attentionOperands != nil && probabilities != nil }
}

/// A compile precision: a preset of the paper's module-dependent scheme. Encoder linear layers
/// (q, k, v, attention output, fc1, fc2) take weights and input activations at the chosen bits;
/// the attention matmuls take q, k, v and the probabilities at the activation bits; embeddings
/// and the classification head (pooler, classifier: s8 weights, u8 inputs) stay 8-bit; LayerNorm,
/// softmax, GELU, tanh and residual adds stay FP32.
public enum Precision: String, CaseIterable, Sendable {
    case fp32, w8a8, w4a4, w2a2, w1a1

    /// The formats of every role at this precision.
    public var preset: QuantPreset {
        switch self {
        case .fp32: return .float
        case .w8a8: return Self.eightBitOutside(weights: .signed8, activations: .unsigned8, attentionOperands: .signed8,
                                                probabilities: .unsigned8)
        case .w4a4: return Self.eightBitOutside(weights: .signed4, activations: .unsigned4, attentionOperands: .signed4,
                                                probabilities: .unsigned4)
        case .w2a2: return Self.eightBitOutside(weights: .signed2, activations: .unsigned2, attentionOperands: .signed2,
                                                probabilities: .unsigned2)
        case .w1a1: return Self.eightBitOutside(weights: .binary, activations: .binary, attentionOperands: .binary,
                                                probabilities: .unsigned1)
        }
    }

    /// The encoder at the given formats; embeddings and the classification head at 8 bits.
    private static func eightBitOutside(weights: QuantFormat, activations: QuantFormat, attentionOperands: QuantFormat,
                                        probabilities: QuantFormat) -> QuantPreset {
        QuantPreset(weights: weights, activations: activations, attentionOperands: attentionOperands, probabilities: probabilities,
                    embeddings: .signed8, headWeights: .signed8, headActivations: .unsigned8)
    }
}
