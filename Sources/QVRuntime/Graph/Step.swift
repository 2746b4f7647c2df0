import QVFormat
import QVKernels

/// The scratch of one step: a region the whole step shares (e.g. activations prepared once for
/// every column task) and one region per worker.
struct StepScratch: Equatable {
    /// Bytes of the shared region.
    var shared = 0
    /// Bytes of each worker's region.
    var perWorker = 0
}

/// One runnable step of the graph: an op bound to its values and constants.
enum Step {
    case embedding(EmbeddingStep)
    case layerNorm(LayerNormStep)
    case quantize(QuantizeStep)
    case linear(LinearStep)
    case attention(AttentionStep)
    case meanPool(MeanPoolStep)
    case clsPool(ClsPoolStep)
    case rowwise(RowwiseStep)

    /// Binds `binding.op` to a step, checking every operand.
    init(_ binding: OpBinding) throws(RuntimeError) {
        switch binding.op.attributes {
        case .embedding: self = .embedding(try EmbeddingStep(binding))
        case .layerNorm(let epsilon): self = .layerNorm(try LayerNormStep(binding, epsilon: epsilon))
        case .quantize: self = .quantize(try QuantizeStep(binding))
        case .linear(let activation):
            self = .linear(try LinearStep(binding, activation: activation == .gelu ? .gelu : .none))
        case .attention(let heads, let scoreScale, let probs, let groupRows):
            guard groupRows == 0 else { throw binding.error("grouped (windowed) attention is not supported by this qvrun") }
            let quantizer = perTensorQuantizer(probs)
            if probs != nil && quantizer == nil {
                throw binding.error("probability quantization is not a valid per-tensor quantizer")
            }
            self = .attention(try AttentionStep(binding, heads: Int(heads), scoreScale: scoreScale, probs: quantizer))
        case .meanPool: self = .meanPool(try MeanPoolStep(binding))
        case .clsPool: self = .clsPool(try ClsPoolStep(binding))
        case .l2Normalize(let epsilon): self = .rowwise(try RowwiseStep(binding, .l2Normalize(epsilon: epsilon)))
        case .softmax: self = .rowwise(try RowwiseStep(binding, .softmax))
        }
    }

    /// Scratch the step needs for `tokens` tokens with the kernels of `path`.
    func scratch(tokens: Int, path: KernelPath) -> StepScratch {
        switch self {
        case .embedding, .layerNorm, .meanPool, .clsPool, .rowwise: return StepScratch()
        case .quantize(let q): return StepScratch(perWorker: q.scratchBytes(tokens: tokens))
        case .linear(let l): return l.scratch(tokens: tokens, path: path)
        case .attention(let a): return StepScratch(perWorker: a.scratchBytes(tokens: tokens, path: path))
        }
    }

    /// Runs the step with the fast kernels of `context.path`.
    func run(_ context: StepContext) throws(RuntimeError) {
        switch self {
        case .embedding(let s): try s.run(context)
        case .layerNorm(let s): s.run(context)
        case .quantize(let s): s.run(context)
        case .linear(let s): try s.run(context)
        case .attention(let s): try s.run(context)
        case .meanPool(let s): s.run(context)
        case .clsPool(let s): s.run(context)
        case .rowwise(let s): s.run(context)
        }
    }
}
