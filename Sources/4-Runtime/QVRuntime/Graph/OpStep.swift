import QVKernels

/// The phases every op of the graph carries, in the order the runtime uses them (TFLite Micro's
/// init / prepare / invoke): bound and checked once from the file (`init` from an `OpBinding`),
/// its scratch stated for a token count, its persistent buffers prepared once per session, then
/// run on every inference; and beside them its scalar reference, which `ReferenceExecutor` runs
/// instead. `Step` is the one dispatcher over the ops that conform.
protocol OpStep {
    /// Scratch the op needs for `tokens` tokens with the kernels of `path`.
    func scratch(tokens: Int, path: KernelPath) -> StepScratch
    /// Bytes of the buffers `prepare(path:)` would keep for a session (0 for none), so the
    /// session can weigh them against its memory budget first.
    func preparedBytes(path: KernelPath) -> Int
    /// Buffers kept for the session's lifetime (e.g. weights regrouped for the path's kernel).
    func prepare(path: KernelPath) -> PreparedBuffers?
    /// Runs the op with the fast kernels of `context.path`.
    func run(_ context: StepContext) throws(RuntimeError)
    /// Runs the op's scalar reference on `state`'s logical arrays.
    func reference(_ state: inout ReferenceState) throws(RuntimeError)
}

extension OpStep {
    /// Most ops keep nothing between runs.
    func preparedBytes(path: KernelPath) -> Int { 0 }
    /// Most ops keep nothing between runs.
    func prepare(path: KernelPath) -> PreparedBuffers? { nil }
}

/// Buffers an op keeps for a session's lifetime.
enum PreparedBuffers {
    /// 2-bit linear weights regrouped for the AVX-512 VNNI kernel.
    case regrouped(RegroupedWeights)
}

/// Something done with whichever op a `Step` holds: `Step.accept` calls `visit` with the op's
/// own type, so every phase goes through the one switch in `Step` and is specialised per op.
protocol StepVisitor {
    /// What the visit gives back.
    associatedtype Result
    /// What the visit may throw (`Never` for the phases that cannot fail).
    associatedtype Failure: Error
    /// Does the work on `op`.
    func visit<Op: OpStep>(_ op: Op) throws(Failure) -> Result
}
