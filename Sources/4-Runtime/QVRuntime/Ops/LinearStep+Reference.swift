import QVKernels
import QVKernelsMath

extension LinearStep {
    /// The reference: a naive dot product per output element over the logical arrays — FP32
    /// weights read from their panels, integer weights unpacked to codes — then the epilogue.
    func reference(_ state: inout ReferenceState) {
        let rows = state.rows(output), k = inFeatures, n = outFeatures
        let x = state.values[input], xCodes = state.codes[input], res = residual.map { state.values[$0] }
        var out = [Float](repeating: 0, count: rows * n)
        switch weights {
        case .float(let w):
            for r in 0..<rows {
                for o in 0..<n {
                    var acc: Float = 0
                    let panel = w.base + (o / 16) * w.panelStride + o % 16
                    for j in 0..<k { acc += x[r * k + j] * panel[j * w.rowStride] }
                    out[r * n + o] = scalarEpilogue(acc, scale: 1, bias: bias.floats[o], activation: activation,
                                                       residual: res?[r * n + o])
                }
            }
        case .codes(let w, let scale):
            var wc = [Int32](repeating: 0, count: n * k)
            for o in 0..<n { for j in 0..<k { wc[o * k + j] = w.code(row: o, column: j) } }
            for r in 0..<rows {
                for o in 0..<n {
                    var acc: Int32 = 0
                    for j in 0..<k { acc &+= xCodes[r * k + j] &* wc[o * k + j] }
                    out[r * n + o] = scalarEpilogue(Float(acc), scale: scale.floats[o], bias: bias.floats[o],
                                                       activation: activation, residual: res?[r * n + o])
                }
            }
        }
        state.store(out, as: output)
    }
}
