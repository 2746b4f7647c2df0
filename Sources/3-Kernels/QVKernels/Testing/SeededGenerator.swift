/// SplitMix64: a small seeded generator, the one source of deterministic data for the kernel
/// testers, `qvc bench --kernels` and the cross-machine digests — the same sequence on every
/// machine and every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float in [0, 1) with 24 random bits (exactly representable).
    public mutating func unitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
