import QVKernels

/// A compile precision: the paper's module-dependent scheme. Encoder linear layers (q, k, v,
/// attention output, fc1, fc2) take weights and input activations at the chosen bits; the
/// attention matmuls take q, k, v and the probabilities at the activation bits; embeddings stay
/// 8-bit; LayerNorm, softmax, GELU and residual adds stay FP32.
public enum Precision: String, CaseIterable, Sendable {
    case fp32, w8a8, w2a2, w1a1

    /// Encoder linear weights (per output channel), or nil for FP32.
    public var weightFormat: QuantFormat? {
        switch self {
        case .fp32: return nil
        case .w8a8: return .signed8
        case .w2a2: return .signed2
        case .w1a1: return .binary
        }
    }

    /// Encoder linear input activations (per tensor, with offset).
    public var activationFormat: QuantFormat? {
        switch self {
        case .fp32: return nil
        case .w8a8: return .unsigned8
        case .w2a2: return .unsigned2
        case .w1a1: return .binary
        }
    }

    /// q, k and v for the attention matmuls (symmetric, separate scale each).
    public var attentionFormat: QuantFormat? {
        switch self {
        case .fp32: return nil
        case .w8a8: return .signed8
        case .w2a2: return .signed2
        case .w1a1: return .binary
        }
    }

    /// Attention probabilities (unsigned, offset 0).
    public var probabilityFormat: QuantFormat? {
        switch self {
        case .fp32: return nil
        case .w8a8: return .unsigned8
        case .w2a2: return .unsigned2
        case .w1a1: return .unsigned1
        }
    }

    /// Whether embedding tables are stored as 8-bit codes.
    public var quantizesEmbeddings: Bool { self != .fp32 }
}
