import QVKernels

/// Every quantization point of one lowering, one row each, in the order the lowering declared
/// them. A row says what is quantized and under which constraints; the quantizer itself comes
/// from a `QuantizerSource` (calibrated samples today, a checkpoint's trained scales tomorrow).
/// Rows are identified by their index: a source answers "row r → quantizer".
public struct QuantPlan: Sendable {
    /// What a row quantizes.
    public enum Subject: Equatable, Sendable {
        /// The FP32 activation value at this index of the calibration graph.
        case activation(value: Int)
        /// The attention probabilities the calibration graph's attention writes to this value
        /// (`[heads, -1, -1]`, [head][query][key]).
        case probabilities(value: Int)
        /// A constant `[rows, columns]` weight tensor (quantized per row).
        case weight(rows: Int, columns: Int)
    }

    /// Whether one quantizer covers the tensor or each output channel (row) has its own.
    public enum Granularity: Equatable, Sendable {
        /// One scale (and offset) for the whole tensor.
        case perTensor
        /// One scale per row (axis 0), offset 0.
        case perChannel
    }

    /// Whether the quantizer may shift its codes by an offset.
    public enum Offset: Equatable, Sendable {
        /// Any offset (unsigned codes with a zero point).
        case allowed
        /// Offset 0 (the attention matmuls need no correction terms).
        case zero
    }

    /// How a calibrated source picks the range from what it observed.
    public enum Clipping: Equatable, Sendable {
        /// 8-bit codes span the observed range; narrower ones take the MSE-best clipping
        /// (binary: the closed form).
        case observedRange
        /// The MSE-best clipping at every width (GELU outputs' long thin tail).
        case meanSquaredError
        /// Probabilities: multi-bit codes on the fixed grid k / (2^b − 1) of [0, 1]; the 1-bit
        /// code the MSE-best threshold.
        case unitGrid
        /// Weight rows: binary by the closed form, 8-bit max |w|, others the MSE-best clipping.
        case weightRows
    }

    /// One quantization point.
    public struct Row: Equatable, Sendable {
        /// What the row quantizes.
        public var subject: Subject
        /// Name of the quantized value or tensor, for messages and for mapping trained scales.
        public var label: String
        /// Code format.
        public var format: QuantFormat
        /// Per tensor or per channel.
        public var granularity: Granularity
        /// Offset allowed or pinned to 0.
        public var offset: Offset
        /// Range rule of a calibrated source.
        public var clipping: Clipping

        /// A row.
        public init(subject: Subject, label: String, format: QuantFormat, granularity: Granularity,
                    offset: Offset, clipping: Clipping) {
            self.subject = subject
            self.label = label
            self.format = format
            self.granularity = granularity
            self.offset = offset
            self.clipping = clipping
        }
    }

    /// The rows, in declaration order.
    public private(set) var rows: [Row] = []

    /// An empty plan.
    public init() {}

    /// Appends `row` and returns its index.
    mutating func append(_ row: Row) -> Int {
        rows.append(row)
        return rows.count - 1
    }
}
