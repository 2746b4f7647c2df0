import QVKernels

/// What a step sees while it runs: the arena with every value's place, its own scratch space
/// (a shared region and one region per worker), the sequence length, the kernel path and the host's parallel-for.
struct StepContext {
    /// Start of the arena.
    let arena: UnsafeMutableRawPointer
    /// Byte offset of each value in the arena.
    let offsets: [Int]
    /// Layout of each value.
    let layouts: [ValueLayout]
    /// This step's shared scratch region (`sharedScratchBytes`, 64-byte aligned).
    let sharedScratch: UnsafeMutableRawPointer
    /// Bytes of the shared scratch region.
    let sharedScratchBytes: Int
    /// This step's per-worker scratch space: `parallel.workers` regions of `scratchStride` bytes (64-byte aligned).
    let scratch: UnsafeMutableRawPointer
    /// Bytes from one worker's scratch region to the next.
    let scratchStride: Int
    /// Tokens in the current sequence.
    let tokens: Int
    /// Which kernel implementations to use.
    let path: KernelPath
    /// How the step may split its work.
    let parallel: ParallelFor
    /// The buffers the step prepared for this session, if any.
    let prepared: PreparedBuffers?

    /// The step's weights regrouped for the AVX-512 VNNI kernel, if it prepared them.
    var regrouped: RegroupedWeights? {
        guard case .regrouped(let weights)? = prepared else { return nil }
        return weights
    }

    /// Scratch region of task `task` (below `parallel.workers`).
    func scratch(task: Int) -> UnsafeMutableRawPointer { scratch + task * scratchStride }

    /// Raw storage of value `v`.
    func raw(_ v: Int) -> UnsafeMutableRawPointer { arena + offsets[v] }
    /// FP32 storage of value `v`.
    func floats(_ v: Int) -> UnsafeMutablePointer<Float> { raw(v).assumingMemoryBound(to: Float.self) }
    /// Int32 storage of value `v`.
    func int32s(_ v: Int) -> UnsafeMutablePointer<Int32> { raw(v).assumingMemoryBound(to: Int32.self) }
    /// Rows of value `v` for the current sequence.
    func rows(_ v: Int) -> Int { layouts[v].rows.rows(tokens: tokens) }
    /// Packed codes of value `v` (head `head` for per-head arrangements, of row group `group`
    /// for per-group transposed ones).
    func codes(_ v: Int, head: Int = 0, group: Int = 0) -> MutablePackedMatrix {
        layouts[v].packedMatrix(at: raw(v), tokens: tokens, head: head, group: group)
    }

    /// Fills `tokens` floats at `place` with the additive attention mask of value `mask` (0 where
    /// the token is attended, -inf where it is masked out) and returns them.
    func maskBias(from mask: Int, at place: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Float> {
        let bias = place.assumingMemoryBound(to: Float.self)
        let m = int32s(mask)
        for j in 0..<tokens { bias[j] = m[j] != 0 ? 0 : -Float.infinity }
        return bias
    }
}

