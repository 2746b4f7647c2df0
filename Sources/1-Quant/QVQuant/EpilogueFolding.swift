/// How quantizers fold into the epilogue of a product of codes — the one definition the
/// compiler writes into a file, the runtime binds, and the trainer's deployed forward computes
/// with, so all three form the same FP32 numbers from the same integer accumulators.
///
/// A linear layer on codes: x ≈ s_x·c_x + β_x and w[n] ≈ s_w[n]·c_w[n], so
/// x·w[n] + b[n] = (s_x·s_w[n])·Σ c_x·c_w[n] + (b[n] + β_x·s_w[n]·Σ c_w[n]); the epilogue is
/// `acc · scale + bias`.
public enum EpilogueFolding {
    /// The epilogue scale of output column n: s_x·s_w[n], rounded once from the exact product.
    public static func linearScale(input x: Quantizer, weightScale: Float) -> Float {
        Float(Double(x.scale) * Double(weightScale))
    }

    /// The epilogue bias of output column n: b[n] + β_x·s_w[n]·Σ_k c_w[n, k], rounded once.
    public static func linearBias(_ bias: Float, input x: Quantizer, weightScale: Float, codeSum: Int64) -> Float {
        Float(Double(bias) + Double(x.offset) * Double(weightScale) * Double(codeSum))
    }

    /// The scale of attention scores formed from q and k codes (offset 0): s_q·s_k·factor
    /// (factor usually 1/√head width), in that order.
    public static func scoreScale(q: Quantizer, k: Quantizer, factor: Float) -> Float {
        q.scale * k.scale * factor
    }

    /// The scale of the context formed from probability and v codes (offset 0): s_p·s_v.
    public static func contextScale(probabilities p: Quantizer, v: Quantizer) -> Float {
        p.scale * v.scale
    }
}
