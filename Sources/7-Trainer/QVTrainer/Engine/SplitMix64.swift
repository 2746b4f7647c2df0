import Glibc
import QVKernels

/// The trainer's seeded random numbers — initialisation, dropout masks, data order, splits —
/// are the kernels' SplitMix64 generator (`SeededGenerator`): same seed, same sequence, on
/// every machine.
public typealias SplitMix64 = SeededGenerator

extension SeededGenerator {
    /// A uniform value in [0, 1) with 24 random bits (exact in Float).
    public mutating func nextUnit() -> Float { unitFloat() }

    /// A standard normal value (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(nextUnit(), 0x1p-24), u2 = nextUnit()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}
