/// The fuzzers' seeded generator (xorshift64*): a mutation is a pure function of its seed, so a
/// finding replays from the seed alone.
public struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for `seed` (any value; 0 is remapped).
    public init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// An index below `count` (0 when `count` is 0).
    public mutating func index(_ count: Int) -> Int { count > 0 ? Int.random(in: 0..<count, using: &self) : 0 }

    /// True with probability 1 / `n`.
    public mutating func oneIn(_ n: Int) -> Bool { index(n) == 0 }

    /// A replacement for the integer `x`: a neighbour, a double or half, a sign change, or one of
    /// the boundaries that break size arithmetic (0, 1, powers of two and their neighbours, the
    /// 32- and 64-bit extremes).
    public mutating func integer(near x: Int) -> Int {
        switch index(6) {
        case 0: return x &+ (oneIn(2) ? 1 : -1)
        case 1: return oneIn(2) ? x &* 2 : x / 2
        case 2: return 0 &- x
        case 3:
            let p = 1 << index(40)
            return p &+ [-1, 0, 1][index(3)]
        case 4: return [0, 1, -1, 2, 3, 7, 63, 64, 65, 255, 65_536, Int(Int32.max), Int(UInt32.max), Int.max, Int.min][index(15)]
        default: return x &+ (index(17) - 8)
        }
    }

    /// A replacement for the float `x`: special values, a sign change, a power-of-two scaling.
    public mutating func float(near x: Float) -> Float {
        switch index(4) {
        case 0: return [Float.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude][index(7)]
        case 1: return -x
        case 2: return x * Float(sign: .plus, exponent: index(80) - 40, significand: 1)
        default: return x.nextUp
        }
    }
}
