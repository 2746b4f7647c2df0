import QVKernels

/// How many rows an activation has for a sequence of `tokens` tokens.
enum RowCount: Equatable {
    /// One row per token (a dimension of -1 in the file).
    case tokens
    /// A fixed number of rows (pooled outputs, image models' values).
    case fixed(Int)

    func rows(tokens: Int) -> Int {
        switch self {
        case .tokens: return tokens
        case .fixed(let n): return n
        }
    }
}

/// Arrangement of packed codes in the arena.
enum CodesArrangement: Equatable {
    /// `[rows, features]`, one packed row per token.
    case rowMajor
    /// `[heads, rows, features / heads]`: each head's slice packed as its own matrix.
    case headMajor(heads: Int)
    /// `[groups, heads, features / heads, groupRows]`: each head's slice of each group of
    /// `groupRows` consecutive rows transposed (rows along the packed row); `groupRows` 0 is one
    /// group of all rows.
    case headMajorTransposed(heads: Int, groupRows: Int)
}

/// Element storage of one activation value.
enum ValueElements: Equatable {
    /// FP32, `columns` per row, rows contiguous.
    case float(columns: Int)
    /// Int32, one per row (token ids, token types, mask).
    case int32
    /// Packed integer codes of `features` per row, formed by `quantizer`.
    case codes(features: Int, quantizer: Quantizer, arrangement: CodesArrangement)
    /// FP32 `[groups, tokens, tokens]` (file shape `[groups, -1, -1]`): per group, one row per
    /// token with one column per token — attention probabilities laid out [head][query][key].
    case floatTokenSquares(groups: Int)
}

/// A graph value as the runtime sees it: name, row count and element storage.
struct ValueLayout {
    /// Name from the file, for messages.
    let name: String
    /// Dimensions as the file declares them (-1 is the token count).
    let shape: [Int]
    /// Rows (every dimension but the last) as a function of sequence length.
    let rows: RowCount
    /// Element storage.
    let elements: ValueElements

    /// Bytes this value takes in the arena for `tokens` tokens, rounded up to 64.
    func byteCount(tokens: Int) -> Int {
        let r = rows.rows(tokens: tokens)
        let raw: Int
        switch elements {
        case .float(let columns): raw = r * columns * 4
        case .int32: raw = r * 4
        case .floatTokenSquares(let groups): raw = groups * r * tokens * 4
        case .codes(let features, let quantizer, let arrangement):
            switch arrangement {
            case .rowMajor:
                raw = r * packedRowStride(columns: features, format: quantizer.format)
            case .headMajor(let heads):
                raw = heads * r * packedRowStride(columns: features / heads, format: quantizer.format)
            case .headMajorTransposed(_, let groupRows):
                let g = groupRows > 0 ? groupRows : r
                raw = (g > 0 ? r / g : 0) * features * packedRowStride(columns: g, format: quantizer.format)
            }
        }
        return align64(raw)
    }

    /// Float columns, if this is an FP32 value.
    var floatColumns: Int? {
        if case .float(let c) = elements { return c }
        return nil
    }
}

extension ValueLayout {
    /// The packed matrix of `head` (0 for row-major values) of a codes value stored at `base`; for
    /// a per-head transposed value of row groups, that of row group `group`.
    func packedMatrix(at base: UnsafeMutableRawPointer, tokens: Int, head: Int, group: Int = 0) -> MutablePackedMatrix {
        guard case .codes(let features, let quantizer, let arrangement) = elements else {
            preconditionFailure("value '\(name)' holds no codes")
        }
        let format = quantizer.format
        let r = rows.rows(tokens: tokens)
        switch arrangement {
        case .rowMajor:
            return MutablePackedMatrix(base: base, rows: r, columns: features,
                                       rowStride: packedRowStride(columns: features, format: format), format: format)
        case .headMajor(let heads):
            let d = features / heads
            let stride = packedRowStride(columns: d, format: format)
            return MutablePackedMatrix(base: base + head * r * stride, rows: r, columns: d, rowStride: stride, format: format)
        case .headMajorTransposed(let heads, let groupRows):
            let d = features / heads, g = groupRows > 0 ? groupRows : r
            let stride = packedRowStride(columns: g, format: format)
            return MutablePackedMatrix(base: base + (group * heads + head) * d * stride, rows: d, columns: g,
                                       rowStride: stride, format: format)
        }
    }
}
