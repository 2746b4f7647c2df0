import QVFormat

extension ValueLayout {
    /// Largest feature count a value may declare: keeps a hostile file from planning a huge arena.
    static let maxFeatures = 1 << 20
    /// Largest group count of a `[groups, -1, -1]` value, for the same reason.
    static let maxTokenSquareGroups = 1024

    /// The layout of a value as the file declares it, checked for consistency.
    init(_ v: QVB.Value) throws(RuntimeError) {
        func bad(_ what: String) -> RuntimeError {
            RuntimeError(.invalidGraph, "value '\(v.name)': \(what); recompile the model with qvc")
        }
        name = v.name
        if v.type == .i32 {
            guard v.shape == [-1] else { throw bad("an Int32 value must have shape [-1], has \(v.shape)") }
            rows = .tokens
            elements = .int32
            return
        }
        if v.shape.count == 3 {
            guard v.type == .f32, v.quant == nil, v.layout == .rowMajor, v.shape[1] == -1, v.shape[2] == -1,
                  v.shape[0] > 0, v.shape[0] <= ValueLayout.maxTokenSquareGroups else {
                throw bad("shape \(v.shape) is not FP32 [groups, -1, -1]")
            }
            rows = .tokens
            elements = .floatTokenSquares(groups: v.shape[0])
            return
        }
        guard v.shape.count == 2, v.shape[0] == -1 || (v.shape[0] > 0 && v.shape[0] <= 4096),
              v.shape[1] > 0, v.shape[1] <= ValueLayout.maxFeatures else {
            throw bad("shape \(v.shape) is not [rows or -1, features]")
        }
        rows = v.shape[0] == -1 ? .tokens : .fixed(v.shape[0])
        let features = v.shape[1]
        if v.type == .f32 {
            guard v.quant == nil else { throw bad("an FP32 value cannot carry quantization") }
            elements = .float(columns: features)
            return
        }
        guard quantFormat(type: v.type, quant: v.quant) != nil, let quantizer = perTensorQuantizer(v.quant) else {
            throw bad("type \(v.type) with its quantization is not a per-tensor code format qv runs")
        }
        let heads = Int(v.heads)
        switch v.layout {
        case .rowMajor:
            elements = .codes(features: features, quantizer: quantizer, arrangement: .rowMajor)
        case .headMajor, .headMajorTransposed:
            guard heads > 0, features % heads == 0, rows == .tokens else {
                throw bad("\(features) features don't split into \(heads) heads per token")
            }
            let arrangement: CodesArrangement = v.layout == .headMajor ? .headMajor(heads: heads) : .headMajorTransposed(heads: heads)
            elements = .codes(features: features, quantizer: quantizer, arrangement: arrangement)
        }
    }
}
