import QVFormat
import QVKernels

/// A value's contents as an observer sees them after the step that wrote it.
public enum ValueSnapshot {
    /// FP32 contents in row-major order (rows × features; `[groups, tokens, tokens]` for probabilities).
    case floats(UnsafeBufferPointer<Float>)
    /// Int32 contents (ids, types, mask).
    case int32s(UnsafeBufferPointer<Int32>)
    /// Integer codes unpacked to rows × features in logical order, whatever the arrangement.
    case codes([Int32])
}

/// Called after each step with each value the step wrote: (value index, contents).
public typealias ValueObserver = (Int, ValueSnapshot) -> Void

/// Runs a model: owns one arena, planned once for the model's longest sequence, so inference
/// allocates nothing. Large GEMMs, attention heads and quantization split across the workers of
/// the host's `ParallelFor`; results are bit-identical for any worker count. Not thread-safe:
/// one session per thread (each may have its own parallel-for).
public final class InferenceSession {
    /// The model this session runs.
    public let model: QVModel
    /// The kernel implementations it uses.
    public let path: KernelPath
    /// How steps split their work.
    public let parallel: ParallelFor
    let plan: ArenaPlan
    /// Each step's scratch: shared bytes and bytes per worker (multiples of 64), placed in the
    /// arena as the shared region followed by one region per worker.
    let scratch: [StepScratch]
    let arena: UnsafeMutableRawPointer
    /// Each step's buffers prepared for this session (e.g. regrouped 2-bit weights), if any.
    let prepared: [PreparedBuffers?]

    /// Bytes of the arena.
    public var arenaBytes: Int { plan.byteCount }

    /// The memory a session may plan unless its host says otherwise (4 GiB): hosts that know the
    /// machine pass its physical memory or the user's `--max-memory`.
    public static let defaultMemoryBudget = 1 << 32

    /// Plans the arena for `model.maxTokens` tokens (with scratch for every worker of
    /// `parallel`) and allocates it; kernels of `path` (by default the fastest this CPU runs).
    /// Throws, allocating nothing, when the arena would exceed `memoryBudget` bytes.
    public init(model: QVModel, path: KernelPath = .best, parallel: ParallelFor = .serial,
                memoryBudget: Int = defaultMemoryBudget) throws(RuntimeError) {
        self.model = model
        self.path = path
        self.parallel = parallel
        let steps = model.steps, tokens = model.maxTokens
        var first = [Int](repeating: Int.max, count: model.layouts.count)
        var last = [Int](repeating: -1, count: model.layouts.count)
        for port in model.inputs { first[port.value] = 0; last[port.value] = 0 }
        for (i, op) in model.metadata.ops.enumerated() {
            for v in op.outputs { first[v] = min(first[v], i); last[v] = max(last[v], i) }
            for v in op.inputs { last[v] = max(last[v], i) }
        }
        for port in model.outputs { last[port.value] = steps.count }
        let blocks: [ArenaPlan.Block?] = model.layouts.indices.map { v in
            guard last[v] >= 0 else { return nil }
            return ArenaPlan.Block(bytes: model.layouts[v].byteCount(tokens: tokens), first: min(first[v], last[v]), last: last[v])
        }
        let scratch = steps.map { step in
            let s = step.scratch(tokens: tokens, path: path)
            return StepScratch(shared: align64(s.shared), perWorker: align64(s.perWorker))
        }
        self.scratch = scratch
        let scratchBlocks = scratch.enumerated().map { step, s in
            ArenaPlan.Block(bytes: s.shared + s.perWorker * parallel.workers, first: step, last: step)
        }
        plan = ArenaPlan(valueBlocks: blocks, scratchBlocks: scratchBlocks)
        guard plan.byteCount <= memoryBudget else {
            let largest = blocks.indices.max { (blocks[$0]?.bytes ?? 0) < (blocks[$1]?.bytes ?? 0) }
            throw RuntimeError(.memoryBudget, "running the model needs a \(mebibytes(plan.byteCount)) arena for \(tokens) tokens "
                               + "(largest value '\(largest.map { model.layouts[$0].name } ?? "")'), more than the "
                               + "memory budget of \(mebibytes(memoryBudget)); raise the budget (--max-memory) or recompile with fewer tokens")
        }
        arena = UnsafeMutableRawPointer.allocate(byteCount: max(plan.byteCount, 64), alignment: 64)
        prepared = Self.preparedBuffers(steps, path: path, arenaBytes: plan.byteCount,
                                        modelBytes: model.metadata.tensors.reduce(0) { $0 + $1.size })
    }

    /// Each step's prepared buffers for `path` — as long as all of them and the arena stay within
    /// 0.3 × the model's weight bytes + 8 MiB, the headroom that the peak-RSS target (1.3 × the
    /// file + 16 MB) leaves beside the mapped file and the process itself. Beyond that (BERT-base
    /// at 2 bits, say) no step prepares anything and products pack their panels per call instead.
    private static func preparedBuffers(_ steps: [Step], path: KernelPath, arenaBytes: Int, modelBytes: Int) -> [PreparedBuffers?] {
        let bytes = steps.reduce(0) { $0 + $1.preparedBytes(path: path) }
        guard bytes + arenaBytes <= modelBytes * 3 / 10 + 8 << 20 else { return steps.map { _ in nil } }
        return steps.map { $0.prepare(path: path) }
    }

    deinit { arena.deallocate() }

    /// Runs the model on `inputs` — every input port by name, except that token types default
    /// to 0 and the attention mask to 1 — calling `observer`, if given, with every value each step
    /// writes. The outputs are views into the session's arena, valid until its next run; without
    /// an observer, a run allocates nothing.
    public func run(inputs given: [ModelInput], observer: ValueObserver? = nil) throws(RuntimeError) -> ModelOutputs {
        let tokens = try model.tokenCount(given)
        let c = context(step: 0, tokens: tokens)
        for port in model.inputs {
            write(try port.contents(in: given, tokens: tokens), to: port, tokens: tokens, c)
        }
        let ops = model.metadata.ops
        for (i, step) in model.steps.enumerated() {
            let ctx = context(step: i, tokens: tokens)
            try step.run(ctx)
            if let observer { for v in ops[i].outputs { observer(v, snapshot(v, ctx)) } }
        }
        return ModelOutputs(session: self, tokens: tokens)
    }

    /// Copies input `port`'s contents for this run into its arena place.
    private func write(_ contents: ModelPort.Contents, to port: ModelPort, tokens: Int, _ c: StepContext) {
        let count = port.count(tokens: tokens)
        guard count > 0 else { return }
        switch contents {
        case .int32s(let values): c.int32s(port.value).update(from: values.baseAddress!, count: count)
        case .repeated(let value): c.int32s(port.value).update(repeating: value, count: count)
        case .floats(let values): c.floats(port.value).update(from: values.baseAddress!, count: count)
        }
    }

    /// FP32 contents of `port` after a run over `tokens` tokens.
    func floats(_ port: ModelPort, tokens: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: arena.advanced(by: plan.offsets[port.value]).assumingMemoryBound(to: Float.self),
                            count: port.count(tokens: tokens))
    }

    /// The unpacked codes of codes output `port` after a run over `tokens` tokens.
    func codes(_ port: ModelPort, tokens: Int) -> [Int32] {
        unpackCodes(model.layouts[port.value], at: arena + plan.offsets[port.value], tokens: tokens)
    }

    /// What step `step` sees for a sequence of `tokens` tokens: the arena, its scratch regions
    /// (shared, then one per worker, as planned), the path and the parallel-for.
    func context(step: Int, tokens: Int) -> StepContext {
        let region = arena + plan.scratchOffsets[step], s = scratch[step]
        return StepContext(arena: arena, offsets: plan.offsets, layouts: model.layouts,
                           sharedScratch: region, sharedScratchBytes: s.shared,
                           scratch: region + s.shared, scratchStride: s.perWorker,
                           tokens: tokens, path: path, parallel: parallel, prepared: prepared[step])
    }

    private func snapshot(_ v: Int, _ c: StepContext) -> ValueSnapshot {
        let layout = model.layouts[v], rows = c.rows(v)
        switch layout.elements {
        case .float(let columns): return .floats(UnsafeBufferPointer(start: c.floats(v), count: rows * columns))
        case .int32: return .int32s(UnsafeBufferPointer(start: c.int32s(v), count: rows))
        case .floatTokenSquares(let groups): return .floats(UnsafeBufferPointer(start: c.floats(v), count: groups * rows * c.tokens))
        case .codes: return .codes(unpackCodes(layout, at: c.raw(v), tokens: c.tokens))
        }
    }
}

/// `bytes` in MiB (rounded up), or in bytes below one MiB, for messages.
func mebibytes(_ bytes: Int) -> String { bytes < 1 << 20 ? "\(bytes) bytes" : "\((bytes + (1 << 20) - 1) >> 20) MiB" }
