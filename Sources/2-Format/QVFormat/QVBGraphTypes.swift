extension QVB {
    /// Layout of an activation value in the arena.
    public enum Layout: UInt8, Hashable, Sendable, CaseIterable {
        /// [tokens, features].
        case rowMajor = 0
        /// [heads, tokens, head_dim], rows packed per head.
        case headMajor = 1
        /// [heads, head_dim, tokens], rows packed per head.
        case headMajorTransposed = 2
    }

    /// An activation flowing between ops. A dimension of -1 is the sequence length (tokens).
    public struct Value: Hashable, Sendable {
        /// Unique, descriptive name.
        public var name: String
        /// Element storage.
        public var type: ElementType
        /// Dimensions; -1 stands for the sequence length.
        public var shape: [Int]
        /// Quantization of the codes; nil for f32 and i32.
        public var quant: Quantization?
        /// Arrangement in memory.
        public var layout: Layout
        /// Attention heads the value is split into (1 unless head-major).
        public var heads: Int

        /// Creates a value description.
        public init(name: String, type: ElementType, shape: [Int], quant: Quantization? = nil,
                    layout: Layout = .rowMajor, heads: Int = 1) {
            self.name = name
            self.type = type
            self.shape = shape
            self.quant = quant
            self.layout = layout
            self.heads = heads
        }
    }

    /// Elementwise activation fused into an op's epilogue.
    public enum Activation: UInt8, Hashable, Sendable, CaseIterable {
        /// Identity.
        case none = 0
        /// GELU (erf form).
        case gelu = 1
        /// Hyperbolic tangent (BERT's pooler).
        case tanh = 2
    }

    /// What an op computes and its parameters (the schema's `OpAttrs` union).
    public enum OpAttributes: Hashable, Sendable {
        /// Token ids + positions + token types → hidden.
        case embedding
        /// LayerNorm over the last dimension; weights [gamma, beta].
        case layerNorm(epsilon: Float)
        /// FP32 → codes of the output value's quantization and layout.
        case quantize
        /// y = act(alpha ⊙ (x·Wᵀ) + bias) (+ residual); weights [W, bias, alpha?].
        case linear(activation: Activation)
        /// Multi-head self-attention core over inputs [q, k, v] or [q, k, v, mask]; `probs`
        /// quantizes the probabilities when the second matmul is integer. `groupRows` > 0 splits
        /// the rows into consecutive groups (windows) of that many rows that attend only within
        /// themselves; 0 is one group of all rows.
        case attention(heads: Int, scoreScale: Float, probs: Quantization?, groupRows: Int = 0)
        /// Mean over unmasked tokens: [x, mask] → [1, features].
        case meanPool
        /// First token: [x] → [1, features].
        case clsPool
        /// x / max(‖x‖₂, epsilon) over the last dimension.
        case l2Normalize(epsilon: Float)
        /// Softmax over the last dimension.
        case softmax
    }

    /// One step of the graph. Ops run in order; `inputs`/`outputs` index `Model.values`,
    /// `weights` index `Model.tensors`.
    public struct Op: Hashable, Sendable {
        /// Descriptive name (e.g. `encoder.0.attention`).
        public var name: String
        /// What the op computes.
        public var attributes: OpAttributes
        /// Indices of the values read.
        public var inputs: [Int]
        /// Indices of the values written.
        public var outputs: [Int]
        /// Indices of the constant tensors used.
        public var weights: [Int]

        /// Creates an op.
        public init(name: String, attributes: OpAttributes, inputs: [Int], outputs: [Int], weights: [Int] = []) {
            self.name = name
            self.attributes = attributes
            self.inputs = inputs
            self.outputs = outputs
            self.weights = weights
        }
    }
}
