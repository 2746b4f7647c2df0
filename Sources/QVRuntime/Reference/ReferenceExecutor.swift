import QVFormat
import QVKernels
import QVKernelsMath

/// A plain scalar interpreter of the same graph the fast path runs: weights unpacked to integer
/// codes, every product a naive loop over logical row-major arrays, every code formed one element
/// at a time by `Quantizer.code`. It shares with the fast path only the quantizer definition,
/// the packed-field reader (`PackedMatrix.code`) and the FP32 row functions (LayerNorm, softmax,
/// GELU), so any difference in the integer kernels, packing or arrangement shows up as
/// different codes or accumulators.
public struct ReferenceExecutor {
    /// The model it interprets.
    public let model: QVModel

    /// A reference interpreter of `model`.
    public init(model: QVModel) { self.model = model }

    /// One output of a reference run.
    public enum Output: Equatable {
        /// FP32 contents.
        case floats([Float])
        /// Codes in logical order (rows × features).
        case codes([Int32])

        /// The FP32 contents, nil for codes.
        public var floats: [Float]? {
            if case .floats(let x) = self { return x }
            return nil
        }
    }

    /// Runs `inputs` like `InferenceSession.run(inputs:observer:)`, reporting codes in logical
    /// order, and returns every output, in the model's output order.
    public func run(inputs given: [ModelInput], observer: ValueObserver? = nil) throws(RuntimeError) -> [Output] {
        let n = try model.tokenCount(given)
        var values = [[Float]](repeating: [], count: model.layouts.count)
        var codes = [[Int32]](repeating: [], count: model.layouts.count)
        for port in model.inputs {
            switch (model.data(for: port, in: given), port.elements) {
            case (.int32s(let x)?, .int32PerToken): codes[port.value] = Array(x)
            case (nil, .int32PerToken) where port.defaultInt32 != nil:
                codes[port.value] = [Int32](repeating: port.defaultInt32!, count: n)
            case (.floats(let x)?, .floats):
                guard x.count == port.count(tokens: n) else { throw port.miscounted(x.count, tokens: n) }
                values[port.value] = Array(x)
            case (nil, _): throw port.missing
            default: throw port.mistyped
            }
        }
        let ops = model.metadata.ops
        for (i, step) in model.steps.enumerated() {
            switch step {
            case .embedding(let s):
                values[s.output] = try embedding(s, ids: codes[s.ids], types: codes[s.types])
            case .layerNorm(let s):
                var out = [Float](repeating: 0, count: n * s.width)
                values[s.input].withUnsafeBufferPointer { x in
                    layerNorm(x.baseAddress!, rows: n, columns: s.width, stride: s.width, gamma: s.gamma.floats,
                              beta: s.beta.floats, epsilon: s.epsilon, output: &out, outputStride: s.width)
                }
                values[s.output] = out
            case .quantize(let s):
                codes[s.output] = values[s.input].map { s.quantizer.code($0) }
            case .linear(let s):
                let y = linear(s, rows: model.layouts[s.output].rows.rows(tokens: n), x: values[s.input],
                               xCodes: codes[s.input], residual: s.residual.map { values[$0] })
                store(y, as: s.output, values: &values, codes: &codes)
            case .attention(let s):
                var probabilities: [Float] = []
                let context = attention(s, tokens: n, values: values, codes: codes, probabilities: &probabilities)
                store(context, as: s.output, values: &values, codes: &codes)
                if let p = s.probabilities { values[p] = probabilities }
            case .meanPool(let s):
                var out = [Float](repeating: 0, count: s.width)
                var count = 0
                for t in 0..<n where codes[s.mask][t] != 0 {
                    count += 1
                    for j in 0..<s.width { out[j] += values[s.input][t * s.width + j] }
                }
                let inv = 1 / Float(max(count, 1))
                values[s.output] = out.map { $0 * inv }
            case .clsPool(let s):
                values[s.output] = Array(values[s.input][0..<s.width])
            case .rowwise(let s):
                values[s.output] = rowwise(s, values[s.input])
            }
            if let observer {
                for v in ops[i].outputs {
                    if !codes[v].isEmpty { observer(v, .codes(codes[v])) }
                    else { values[v].withUnsafeBufferPointer { observer(v, .floats($0)) } }
                }
            }
        }
        return model.outputs.map { $0.elements == .codes ? .codes(codes[$0.value]) : .floats(values[$0.value]) }
    }

    /// Runs a text model on `ids` like `InferenceSession.run(ids:observer:)`.
    public func run(ids: [Int32], observer: ValueObserver? = nil) throws(RuntimeError) -> ModelOutput {
        guard let port = model.input(role: .tokenIds) else {
            throw RuntimeError(.invalidInput, "the model takes no token ids; run it with run(inputs:)")
        }
        let outputs = try ids.withUnsafeBufferPointer { buffer throws(RuntimeError) in
            try run(inputs: [ModelInput(name: port.name, data: .int32s(buffer))], observer: observer)
        }
        func output(_ role: QVB.IORole) -> [Float]? { model.outputs.firstIndex { $0.role == role }.flatMap { outputs[$0].floats } }
        return ModelOutput(ids: ids, embedding: output(.embedding), logits: output(.logits))
    }

    /// Keeps an op's FP32 result, or its codes when the op writes a codes value (the fast path
    /// forms those codes through thresholds; here they come from the quantizer itself).
    private func store(_ y: [Float], as output: Int, values: inout [[Float]], codes: inout [[Int32]]) {
        if case .codes(_, let quantizer, _) = model.layouts[output].elements {
            codes[output] = y.map { quantizer.code($0) }
        } else {
            values[output] = y
        }
    }

    private func embedding(_ s: EmbeddingStep, ids: [Int32], types: [Int32]) throws(RuntimeError) -> [Float] {
        try s.checkRows(ids, count: ids.count, table: s.word, what: "token id", of: "vocabulary")
        try s.checkRows(types, count: types.count, table: s.tokenType, what: "token type", of: "token type table")
        func value(_ table: EmbeddingStep.Table, _ row: Int, _ j: Int) -> Float {
            guard let scales = table.rowScales else { return table.tensor.floats[row * s.width + j] }
            let code = table.tensor.bytes.load(fromByteOffset: row * table.tensor.rowStride + j, as: Int8.self)
            return scales[row] * Float(code)
        }
        var out = [Float](repeating: 0, count: ids.count * s.width)
        for t in ids.indices {
            for j in 0..<s.width {
                out[t * s.width + j] = value(s.word, Int(ids[t]), j) + value(s.position, t, j)
                    + value(s.tokenType, Int(types[t]), j)
            }
        }
        return out
    }

    private func epilogue(_ acc: Float, scale: Float, bias: Float?, activation: EpilogueActivation, residual: Float?) -> Float {
        var y = acc * scale
        if let bias { y = y + bias }
        if activation == .gelu { y = gelu(y) }
        if let residual { y = y + residual }
        return y
    }

    private func linear(_ s: LinearStep, rows: Int, x: [Float], xCodes: [Int32], residual: [Float]?) -> [Float] {
        let k = s.inFeatures, nOut = s.outFeatures
        var out = [Float](repeating: 0, count: rows * nOut)
        switch s.weights {
        case .float(let w):
            for r in 0..<rows {
                for o in 0..<nOut {
                    var acc: Float = 0
                    let panel = w.base + (o / 16) * w.panelStride + o % 16
                    for j in 0..<k { acc += x[r * k + j] * panel[j * w.rowStride] }
                    out[r * nOut + o] = epilogue(acc, scale: 1, bias: s.bias.floats[o], activation: s.activation,
                                                 residual: residual?[r * nOut + o])
                }
            }
        case .codes(let w, let scale):
            var wc = [Int32](repeating: 0, count: nOut * k)
            for o in 0..<nOut { for j in 0..<k { wc[o * k + j] = w.code(row: o, column: j) } }
            for r in 0..<rows {
                for o in 0..<nOut {
                    var acc: Int32 = 0
                    for j in 0..<k { acc &+= xCodes[r * k + j] &* wc[o * k + j] }
                    out[r * nOut + o] = epilogue(Float(acc), scale: scale.floats[o], bias: s.bias.floats[o],
                                                 activation: s.activation, residual: residual?[r * nOut + o])
                }
            }
        }
        return out
    }

    /// The context of attention `s`; appends every softmax row, [head][query][key], to `probabilities`.
    private func attention(_ s: AttentionStep, tokens n: Int, values: [[Float]], codes: [[Int32]],
                           probabilities: inout [Float]) -> [Float] {
        let f = s.features, d = s.headDim
        let bias = codes[s.mask].map { $0 != 0 ? Float(0) : -Float.infinity }
        var out = [Float](repeating: 0, count: n * f)
        var scores = [Float](repeating: 0, count: n)
        for h in 0..<s.heads {
            for i in 0..<n {
                for j in 0..<n {
                    switch s.operands {
                    case .float:
                        var acc: Float = 0
                        for r in 0..<d { acc += values[s.q][i * f + h * d + r] * values[s.k][j * f + h * d + r] }
                        scores[j] = epilogue(acc, scale: s.scoreScale, bias: bias[j], activation: .none, residual: nil)
                    case .codes(_, let qkScale, _):
                        var acc: Int32 = 0
                        for r in 0..<d { acc &+= codes[s.q][i * f + h * d + r] &* codes[s.k][j * f + h * d + r] }
                        scores[j] = epilogue(Float(acc), scale: qkScale, bias: bias[j], activation: .none, residual: nil)
                    }
                }
                softmaxInPlace(&scores, count: n)
                if s.probabilities != nil { probabilities += scores }
                for r in 0..<d {
                    switch s.operands {
                    case .float:
                        var acc: Float = 0
                        for j in 0..<n { acc += scores[j] * values[s.v][j * f + h * d + r] }
                        out[i * f + h * d + r] = acc
                    case .codes(let probs, _, let pvScale):
                        var acc: Int32 = 0
                        for j in 0..<n { acc &+= probs.code(scores[j]) &* codes[s.v][j * f + h * d + r] }
                        out[i * f + h * d + r] = epilogue(Float(acc), scale: pvScale, bias: nil, activation: .none, residual: nil)
                    }
                }
            }
        }
        return out
    }

    private func rowwise(_ s: RowwiseStep, _ x: [Float]) -> [Float] {
        var out = x
        for r in 0..<(x.count / s.width) {
            let range = (r * s.width)..<((r + 1) * s.width)
            switch s.function {
            case .l2Normalize(let epsilon):
                var sum: Float = 0
                for j in range { sum += x[j] * x[j] }
                let inv = 1 / max(sum.squareRoot(), epsilon)
                for j in range { out[j] = x[j] * inv }
            case .softmax:
                out.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress! + range.lowerBound, count: s.width) }
            }
        }
        return out
    }
}
