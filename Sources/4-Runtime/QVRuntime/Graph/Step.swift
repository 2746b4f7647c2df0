import QVFormat
import QVKernels
import QVKernelsMath

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
            self = .linear(try LinearStep(binding, activation: EpilogueActivation(activation)))
        case .attention(let heads, let scoreScale, let probs, let groupRows):
            let quantizer = perTensorQuantizer(probs)
            if probs != nil && quantizer == nil {
                throw binding.error("probability quantization is not a valid per-tensor quantizer")
            }
            self = .attention(try AttentionStep(binding, heads: heads, scoreScale: scoreScale, probs: quantizer, groupRows: groupRows))
        case .meanPool: self = .meanPool(try MeanPoolStep(binding))
        case .clsPool: self = .clsPool(try ClsPoolStep(binding))
        case .l2Normalize(let epsilon): self = .rowwise(try RowwiseStep(binding, .l2Normalize(epsilon: epsilon)))
        case .softmax: self = .rowwise(try RowwiseStep(binding, .softmax))
        }
    }

    /// Calls `visitor` with the op this step holds: the one dispatch over the op kinds.
    func accept<V: StepVisitor>(_ visitor: V) throws(V.Failure) -> V.Result {
        switch self {
        case .embedding(let op): return try visitor.visit(op)
        case .layerNorm(let op): return try visitor.visit(op)
        case .quantize(let op): return try visitor.visit(op)
        case .linear(let op): return try visitor.visit(op)
        case .attention(let op): return try visitor.visit(op)
        case .meanPool(let op): return try visitor.visit(op)
        case .clsPool(let op): return try visitor.visit(op)
        case .rowwise(let op): return try visitor.visit(op)
        }
    }

    /// Scratch the step needs for `tokens` tokens with the kernels of `path`.
    func scratch(tokens: Int, path: KernelPath) -> StepScratch { accept(ScratchPhase(tokens: tokens, path: path)) }
    /// Bytes the step's prepared buffers would take on `path`.
    func preparedBytes(path: KernelPath) -> Int { accept(PreparedBytesPhase(path: path)) }
    /// The step's buffers kept for a session on `path`, if it has any.
    func prepare(path: KernelPath) -> PreparedBuffers? { accept(PreparePhase(path: path)) }
    /// Runs the step with the fast kernels of `context.path`.
    func run(_ context: StepContext) throws(RuntimeError) { try accept(RunPhase(context: context)) }
}

extension EpilogueActivation {
    /// The epilogue's form of the schema's activation.
    init(_ activation: QVB.Activation) {
        switch activation {
        case .none: self = .none
        case .gelu: self = .gelu
        case .tanh: self = .tanh
        }
    }
}

private struct ScratchPhase: StepVisitor {
    typealias Failure = Never
    let tokens: Int, path: KernelPath
    func visit<Op: OpStep>(_ op: Op) -> StepScratch { op.scratch(tokens: tokens, path: path) }
}

private struct PreparedBytesPhase: StepVisitor {
    typealias Failure = Never
    let path: KernelPath
    func visit<Op: OpStep>(_ op: Op) -> Int { op.preparedBytes(path: path) }
}

private struct PreparePhase: StepVisitor {
    typealias Failure = Never
    let path: KernelPath
    func visit<Op: OpStep>(_ op: Op) -> PreparedBuffers? { op.prepare(path: path) }
}

private struct RunPhase: StepVisitor {
    let context: StepContext
    func visit<Op: OpStep>(_ op: Op) throws(RuntimeError) { try op.run(context) }
}

/// The reference phase: each op's scalar reference over one shared `ReferenceState` (a class,
/// so the visit can update it).
final class ReferencePhase: StepVisitor {
    /// The interpreter's arrays.
    var state: ReferenceState

    init(_ state: ReferenceState) { self.state = state }

    func visit<Op: OpStep>(_ op: Op) throws(RuntimeError) { try op.reference(&state) }
}
