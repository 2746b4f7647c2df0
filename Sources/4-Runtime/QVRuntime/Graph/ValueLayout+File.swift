import QVFormat

extension ValueLayout {
    /// Largest feature count a value may declare: keeps a hostile file from planning a huge arena.
    static let maxFeatures = 1 << 20
    /// Largest element count of a value with fixed rows (1 GiB of FP32).
    static let maxElements = 1 << 28
    /// Largest group count of a `[groups, -1, -1]` value, for the same reason.
    static let maxTokenSquareGroups = 1024

    /// The layout of a value as the file declares it, checked for consistency.
    init(_ v: QVB.Value) throws(RuntimeError) {
        func bad(_ what: String) -> RuntimeError {
            RuntimeError(.invalidGraph, "value '\(v.name)': \(what); recompile the model with qvc")
        }
        name = v.name
        shape = v.shape
        if v.type == .i32 {
            guard v.shape == [-1] else { throw bad("an Int32 value must have shape [-1], has \(v.shape)") }
            rows = .tokens
            elements = .int32
            return
        }
        if v.shape.count == 3, v.shape[2] == -1 {
            guard v.type == .f32, v.quant == nil, v.layout == .rowMajor, v.shape[1] == -1,
                  v.shape[0] > 0, v.shape[0] <= ValueLayout.maxTokenSquareGroups else {
                throw bad("shape \(v.shape) is not FP32 [groups, -1, -1]")
            }
            rows = .tokens
            elements = .floatTokenSquares(groups: v.shape[0])
            return
        }
        // [leading…, features]: the leading dimensions are the rows, with at most one -1 (tokens)
        // and only when every other leading dimension is 1.
        guard let features = v.shape.last, features > 0, features <= ValueLayout.maxFeatures else {
            throw bad("shape \(v.shape) does not end in a feature count from 1 to \(ValueLayout.maxFeatures)")
        }
        let leading = v.shape.dropLast()
        let fixedRows = leading.filter { $0 != -1 }.reduce(1) { $0 &* $1 }
        switch leading.filter({ $0 == -1 }).count {
        case 0:
            guard leading.allSatisfy({ $0 > 0 }), fixedRows * features <= ValueLayout.maxElements else {
                throw bad("shape \(v.shape) has an empty dimension or over \(ValueLayout.maxElements) elements")
            }
            rows = .fixed(fixedRows)
        case 1 where fixedRows == 1 && leading.allSatisfy({ $0 == -1 || $0 == 1 }):
            rows = .tokens
        default:
            throw bad("shape \(v.shape) has a tokens dimension (-1) beside other dimensions above 1")
        }
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
            guard heads > 0, features % heads == 0 else {
                throw bad("\(features) features don't split into \(heads) heads per row")
            }
            // A transposed value of shape [groups…, groupRows, features] holds each group of rows
            // transposed on its own (windowed attention's v); [rows, features] is one group.
            let groupRows = v.layout == .headMajorTransposed && v.shape.count >= 3 && rows != .tokens ? v.shape[v.shape.count - 2] : 0
            let arrangement: CodesArrangement = v.layout == .headMajor
                ? .headMajor(heads: heads) : .headMajorTransposed(heads: heads, groupRows: groupRows)
            elements = .codes(features: features, quantizer: quantizer, arrangement: arrangement)
        }
    }
}
