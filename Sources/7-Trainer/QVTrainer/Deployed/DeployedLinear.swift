import QVKernels
import QVKernelsMath

/// A quantized linear layer as the compiled model computes it: the weight codes the trainer's
/// row quantizers give, the exact integer product with the input codes, then the epilogue with
/// the scale and bias `EpilogueFolding` folds from the input's quantizer and the weight scales.
struct DeployedLinear {
    /// Weight codes `[out, in]`.
    let weights: CodeMatrix
    /// Per-column epilogue scale and bias.
    let scale: [Float], bias: [Float]

    /// `lin` (which must have a weight quantizer) reading codes of `input`.
    init(_ lin: LinearParameters, input: Quantizer) {
        guard let wq = lin.quantizer else { preconditionFailure("DeployedLinear: '\(lin.name)' has no weight quantizer") }
        let rows = lin.outFeatures, columns = lin.inFeatures, w = lin.weight.value, b = lin.bias.value
        let quantizers = wq.rowQuantizers(lin.weight)
        var codes = [Int32](repeating: 0, count: rows * columns)
        var scale = [Float](repeating: 0, count: rows), bias = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var sum: Int64 = 0
            for c in 0..<columns {
                codes[r * columns + c] = quantizers[r].code(w[r * columns + c])
                sum += Int64(codes[r * columns + c])
            }
            scale[r] = EpilogueFolding.linearScale(input: input, weightScale: quantizers[r].scale)
            bias[r] = EpilogueFolding.linearBias(b[r], input: input, weightScale: quantizers[r].scale, codeSum: sum)
        }
        weights = CodeMatrix(codes: codes, rows: rows, columns: columns,
                             inputLargest: max(abs(input.format.codeMin), abs(input.format.codeMax)))
        self.scale = scale
        self.bias = bias
    }

    /// Output features.
    var outFeatures: Int { weights.rows }

    /// The FP32 outputs `[rows, out]` for input codes `x` `[rows, in]`: `activation` after the
    /// bias, then `residual` (same shape as the output) added.
    func callAsFunction(_ x: [Float], rows: Int, activation: EpilogueActivation = .none, residual: [Float]? = nil) -> [Float] {
        var y = weights.products(x, rows: rows)
        let n = outFeatures
        for r in 0..<rows {
            for o in 0..<n {
                let i = r * n + o
                y[i] = scalarEpilogue(y[i], scale: scale[o], bias: bias[o], activation: activation, residual: residual?[i])
            }
        }
        return y
    }
}

extension Quantizer {
    /// The codes of `values`, as floats (the form `CodeMatrix` multiplies).
    func codes(_ values: [Float]) -> [Float] { values.map { Float(code($0)) } }
}
