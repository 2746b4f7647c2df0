import QVFormat
import QVKernels

/// Sums word, position and token-type embeddings for every token. Tables are FP32 or 8-bit
/// codes with one scale per row (`value = scale[row] * code`).
struct EmbeddingStep: OpStep {
    /// One embedding table.
    struct Table {
        let tensor: ConstantTensor
        /// Per-row scales for an 8-bit table, nil for FP32.
        let rowScales: [Float]?

        var rows: Int { tensor.shape[0] }

        /// Adds row `row` into `out` (`width` floats).
        func accumulate(row: Int, into out: UnsafeMutablePointer<Float>, width: Int, first: Bool) {
            if let rowScales {
                let codes = (tensor.bytes.baseAddress! + row * tensor.rowStride).assumingMemoryBound(to: Int8.self)
                let s = rowScales[row]
                for j in 0..<width { let v = s * Float(codes[j]); out[j] = first ? v : out[j] + v }
            } else {
                let src = tensor.floats + row * width
                for j in 0..<width { out[j] = first ? src[j] : out[j] + src[j] }
            }
        }
    }

    let ids: Int, types: Int, output: Int
    let word: Table, position: Table, tokenType: Table
    let width: Int

    init(_ b: OpBinding) throws(RuntimeError) {
        try b.expectCounts(inputs: 2...2, outputs: 1, weights: 3...3)
        ids = b.input(0); types = b.input(1); output = b.output(0)
        try b.expectTokenInt32(ids, role: "ids")
        try b.expectTokenInt32(types, role: "token types")
        let width = try b.expectFloat(output, role: "output")
        self.width = width
        try b.expectSameRows(ids, output)
        func table(_ i: Int) throws(RuntimeError) -> Table {
            let t = b.weight(i)
            guard t.shape.count == 2, t.shape[1] == width, t.shape[0] > 0 else {
                throw b.error("table '\(t.name)' has shape \(t.shape), expected [rows, \(width)]")
            }
            if t.type == .f32 {
                guard t.layout == .dense else { throw b.error("table '\(t.name)' must be dense FP32, is stored \(t.layout)") }
                guard t.bytes.count >= t.count * 4 else { throw b.error("table '\(t.name)' is short") }
                return Table(tensor: t, rowScales: nil)
            }
            guard t.type == .i8, let q = t.quant, q.scheme == .signedSymmetric, q.bits == 8, q.axis == 0,
                  q.scale.count == t.shape[0], t.rowStride >= width, t.bytes.count >= t.shape[0] * t.rowStride else {
                throw b.error("table '\(t.name)' must be FP32 or 8-bit codes with one scale per row")
            }
            return Table(tensor: t, rowScales: q.scale)
        }
        word = try table(0); position = try table(1); tokenType = try table(2)
    }

    /// Sums the three rows of every token, after checking every id and token type against its
    /// table (the host may pass any Int32s).
    func run(_ c: StepContext) throws(RuntimeError) {
        let idp = c.int32s(ids), tp = c.int32s(types), out = c.floats(output)
        try checkRows(idp, count: c.tokens, table: word, what: "token id", of: "vocabulary")
        try checkRows(tp, count: c.tokens, table: tokenType, what: "token type", of: "token type table")
        for t in 0..<c.tokens {
            let row = out + t * width
            word.accumulate(row: Int(idp[t]), into: row, width: width, first: true)
            position.accumulate(row: t, into: row, width: width, first: false)
            tokenType.accumulate(row: Int(tp[t]), into: row, width: width, first: false)
        }
    }

    /// Throws unless each of the `count` rows named at `rows` is inside `table`.
    func checkRows(_ rows: UnsafePointer<Int32>, count: Int, table: Table, what: String, of name: String) throws(RuntimeError) {
        for t in 0..<count where rows[t] < 0 || Int(rows[t]) >= table.rows {
            throw RuntimeError(.invalidInput, "\(what) \(rows[t]) is outside the \(name) of \(table.rows)")
        }
    }

    func scratch(tokens: Int, path: KernelPath) -> StepScratch { StepScratch() }

    /// The reference: the three table rows of every token read one element at a time.
    func reference(_ state: inout ReferenceState) throws(RuntimeError) {
        let idCodes = state.codes[ids], typeCodes = state.codes[types]
        try checkRows(idCodes, count: idCodes.count, table: word, what: "token id", of: "vocabulary")
        try checkRows(typeCodes, count: typeCodes.count, table: tokenType, what: "token type", of: "token type table")
        func value(_ table: Table, _ row: Int, _ j: Int) -> Float {
            guard let scales = table.rowScales else { return table.tensor.floats[row * width + j] }
            return scales[row] * Float(table.tensor.bytes.load(fromByteOffset: row * table.tensor.rowStride + j, as: Int8.self))
        }
        var out = [Float](repeating: 0, count: idCodes.count * width)
        for t in idCodes.indices {
            for j in 0..<width {
                out[t * width + j] = value(word, Int(idCodes[t]), j) + value(position, t, j) + value(tokenType, Int(typeCodes[t]), j)
            }
        }
        state.values[output] = out
    }
}
