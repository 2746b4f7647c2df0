import Foundation
import QVQuant
import QVCompiler

/// How a model is quantized and trained: the bits of each module (the paper's module-dependent
/// scheme) and the variation remedies. Stored in a checkpoint's metadata, so `qvc compile`
/// rebuilds the same network.
public struct Recipe: Codable, Equatable, Sendable {
    /// The precision: fp32, w8a8, w4a4, w2a2, w1a1.
    public var bits: String
    /// Weight step sizes per output channel (OFQ) rather than per tensor (the paper's LSQ).
    public var perChannelWeights: Bool
    /// Separate quantizers for q, k and v (the paper); false shares one scale among the three.
    public var splitQKV: Bool
    /// Weight of the soft cross-entropy on the teacher's logits (0: no distillation).
    public var distillLogits: Float
    /// Weight of the MSE between each layer's hidden states and the teacher's (BiT's
    /// multi-distillation; 0: off).
    public var distillHidden: Float
    /// Weight of the hard-label cross-entropy.
    public var labelLoss: Float
    /// Distillation temperature.
    public var temperature: Float
    /// BinReg's largest weight λ_max (0: off); λ is 0 for the first 25 % of steps, then rises on
    /// a cosine to λ_max.
    public var binReg: Float
    /// Dropout probability of hidden states and attention probabilities while training.
    public var dropout: Float

    /// The recipe the README found best for `bits` (variation-aware), or plain LSQ when
    /// `plain` (cross-entropy only, per-tensor steps, no BinReg).
    public static func defaults(bits: String, plain: Bool = false, hasTeacher: Bool = true) -> Recipe {
        let quantized = bits != "fp32"
        let remedies = quantized && !plain
        return Recipe(bits: bits, perChannelWeights: remedies, splitQKV: true,
                      distillLogits: remedies && hasTeacher ? 1 : 0, distillHidden: 0,
                      labelLoss: 1, temperature: 1, binReg: remedies ? 0.01 : 0, dropout: quantized ? 0 : 0.1)
    }

    /// The peak learning rate `qvc finetune` uses at `bits` when `--lr` is not given: the best of
    /// the README's one-epoch sweeps — W2A2 4e-4 (1e-4, 2e-4, 4e-4, 8e-4: 77.20, 78.09, 78.65,
    /// 78.20 %), W1A1 2e-4 (from a W2A2 checkpoint: 76.15 %), 1e-4 for the other quantized bits and
    /// for plain LSQ (the rate its comparison rows were measured at); nil for FP32 (the trainer's
    /// fine-tuning default).
    public static func defaultLearningRate(bits: String, plain: Bool) -> Float? {
        switch (bits, plain) {
        case ("fp32", _): return nil
        case ("w2a2", false): return 4e-4
        case ("w1a1", false): return 2e-4
        default: return 1e-4
        }
    }

    /// The passes over the data `qvc finetune` makes at `bits` when `--epochs` is not given: the
    /// README's best runs — W2A2 two epochs at 4e-4 (79.16 %, against one epoch's 78.65 %), W1A1
    /// one epoch (from a W2A2 checkpoint: 76.15 %); nil elsewhere (the trainer's default).
    public static func defaultEpochs(bits: String, plain: Bool) -> Int? {
        switch (bits, plain) {
        case ("w2a2", false): return 2
        case ("w1a1", false): return 1
        default: return nil
        }
    }

    /// The formats of each module at `bits`, nil for FP32 modules.
    public var formats: ModuleFormats? { ModuleFormats(bits: bits) }

    /// The precisions a recipe may name.
    public static let precisions = Precision.allCases.map(\.rawValue)
}

/// The code formats of a quantized BERT's modules — the compiler's `QuantPreset` for those bits,
/// so what the trainer quantizes is what it compiles: encoder weights and input activations at
/// the chosen bits, the attention operands (q, k, v; offset 0) and probabilities at the activation
/// bits, embedding tables and the classifier head at the preset's (8) bits.
public struct ModuleFormats: Equatable, Sendable {
    /// Encoder linear weights.
    public let weights: QuantFormat
    /// Encoder linear inputs.
    public let activations: QuantFormat
    /// q, k, v.
    public let attentionOperands: QuantFormat
    /// Softmax probabilities.
    public let probabilities: QuantFormat
    /// Embedding tables.
    public let embeddings: QuantFormat
    /// The head's (pooler, classifier) weights.
    public let headWeights: QuantFormat
    /// The head's inputs.
    public let headActivations: QuantFormat

    /// The formats at `bits`; nil for fp32 or an unknown name.
    public init?(bits: String) {
        guard let p = Precision(rawValue: bits)?.preset, let w = p.weights, let a = p.activations, let o = p.attentionOperands,
              let probs = p.probabilities, let e = p.embeddings, let hw = p.headWeights, let ha = p.headActivations else { return nil }
        (weights, activations, attentionOperands, probabilities) = (w, a, o, probs)
        (embeddings, headWeights, headActivations) = (e, hw, ha)
    }
}

extension Recipe {
    /// Applies `--recipe` changes, comma-separated: `lsq` (plain LSQ: no distillation, no
    /// BinReg, per-tensor steps), `no-split-qkv`, `no-binreg`, `no-kd`, `hidden-kd` (add
    /// hidden-state distillation), `per-tensor`, `per-channel`, `dropout=P` (dropout probability
    /// P in [0, 1); quantized recipes train without dropout unless told).
    public mutating func apply(_ changes: String) throws(TrainerError) {
        for change in changes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if change.hasPrefix("dropout=") {
                guard let p = Float(change.dropFirst("dropout=".count)), p >= 0, p < 1 else {
                    throw TrainerError("--recipe: '\(change)' needs a probability from 0 up to (not including) 1, such as dropout=0.1")
                }
                dropout = p
                continue
            }
            switch change {
            case "lsq": perChannelWeights = false; distillLogits = 0; distillHidden = 0; binReg = 0
            case "no-split-qkv": splitQKV = false
            case "no-binreg": binReg = 0
            case "no-kd": distillLogits = 0; distillHidden = 0
            case "hidden-kd": distillHidden = 1
            case "per-tensor": perChannelWeights = false
            case "per-channel": perChannelWeights = true
            default:
                throw TrainerError("--recipe: unknown change '\(change)'; use lsq, no-split-qkv, no-binreg, no-kd, hidden-kd, per-tensor, per-channel, dropout=P")
            }
        }
    }
}
