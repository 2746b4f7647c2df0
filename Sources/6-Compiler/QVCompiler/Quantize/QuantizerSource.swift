import QVKernels

/// Where the quantizers of a `QuantPlan`'s rows come from.
public protocol QuantizerSource {
    /// The quantizer of per-tensor row `index` (`row` is `plan.rows[index]`).
    func quantizer(row index: Int, _ row: QuantPlan.Row) throws(CompileError) -> Quantizer
    /// One quantizer per weight row of per-channel row `index`; `weights` are the FP32 values
    /// (`[rows, columns]` row-major) for sources that derive them.
    func channelQuantizers(row index: Int, _ row: QuantPlan.Row, weights: [Float]) throws(CompileError) -> [Quantizer]
}

/// Quantizers chosen from observations: activations and probabilities from the samples
/// calibration collected by value index, weight rows from the weights themselves.
public struct CalibratedSamples: QuantizerSource {
    /// Samples by FP32 value index of the calibration graph.
    public var samples: [Int: [Float]]

    /// A source over `samples`.
    public init(samples: [Int: [Float]]) { self.samples = samples }

    /// The quantizer `ScaleSearch` fits to the samples of the row's value by the row's clipping
    /// rule (the fixed unit grid for probabilities, the observed range or the MSE-best clipping).
    public func quantizer(row index: Int, _ row: QuantPlan.Row) throws(CompileError) -> Quantizer {
        try row.expect(.perTensor, index: index)
        let value: Int
        switch row.subject {
        case .activation(let v), .probabilities(let v): value = v
        case .weight: throw CompileError("plan row \(index) ('\(row.label)') quantizes a weight per channel, not per tensor")
        }
        let observed = samples[value] ?? []
        switch row.clipping {
        case .unitGrid: return ScaleSearch.probabilityQuantizer(for: observed, format: row.format)
        case .weightRows: throw CompileError("plan row \(index) ('\(row.label)') has a weight-row rule but quantizes an activation")
        case .observedRange, .meanSquaredError:
            guard !observed.isEmpty else {
                throw CompileError("calibration saw no values at '\(row.label)'; pass calibration text with --calibration")
            }
            return ScaleSearch.quantizer(for: observed, format: row.format, zeroOffset: row.offset == .zero,
                                         clip: row.clipping == .meanSquaredError)
        }
    }

    /// Each weight row's quantizer by `ScaleSearch.weightRowQuantizer`.
    public func channelQuantizers(row index: Int, _ row: QuantPlan.Row, weights: [Float]) throws(CompileError) -> [Quantizer] {
        try row.expect(.perChannel, index: index)
        guard case .weight(let rows, let columns) = row.subject, row.clipping == .weightRows, weights.count == rows * columns else {
            throw CompileError("plan row \(index) ('\(row.label)') is not a weight of \(weights.count) values under the weight-row rule")
        }
        return (0..<rows).map { r in
            ScaleSearch.weightRowQuantizer(for: Array(weights[(r * columns)..<((r + 1) * columns)]), format: row.format)
        }
    }
}

extension QuantPlan.Row {
    /// Throws unless the row's granularity is `granularity`.
    func expect(_ granularity: QuantPlan.Granularity, index: Int) throws(CompileError) {
        guard self.granularity == granularity else {
            throw CompileError("plan row \(index) ('\(label)') is \(self.granularity), asked for \(granularity)")
        }
    }
}

/// Quantizers handed in by a trainer (a checkpoint's learned scales): plan row → quantizer for
/// per-tensor rows, plan row → one scale per output channel for weights. Every format must be
/// the row's own.
public struct TrainedScales: QuantizerSource {
    /// Per-tensor quantizers by plan row.
    public var quantizers: [Int: Quantizer]
    /// Per-channel weight scales by plan row.
    public var channelScales: [Int: [Float]]

    /// A source over the given tables.
    public init(quantizers: [Int: Quantizer], channelScales: [Int: [Float]]) {
        self.quantizers = quantizers
        self.channelScales = channelScales
    }

    /// The trained quantizer of the row.
    public func quantizer(row index: Int, _ row: QuantPlan.Row) throws(CompileError) -> Quantizer {
        try row.expect(.perTensor, index: index)
        guard let q = quantizers[index] else {
            throw CompileError("trained scales have no quantizer for plan row \(index) ('\(row.label)'); export one for every row")
        }
        guard q.format == row.format else {
            throw CompileError("trained quantizer of plan row \(index) ('\(row.label)') is \(q.format), the plan wants \(row.format)")
        }
        guard row.offset == .allowed || q.offset == 0 else {
            throw CompileError("trained quantizer of plan row \(index) ('\(row.label)') has offset \(q.offset); this point needs offset 0")
        }
        return q
    }

    /// The trained scales of the row, offsets 0.
    public func channelQuantizers(row index: Int, _ row: QuantPlan.Row, weights: [Float]) throws(CompileError) -> [Quantizer] {
        try row.expect(.perChannel, index: index)
        guard case .weight(let rows, _) = row.subject, let scales = channelScales[index], scales.count == rows else {
            throw CompileError("trained scales have no per-channel scales for plan row \(index) ('\(row.label)'); export one per output channel")
        }
        guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw CompileError("trained scales of plan row \(index) ('\(row.label)') are not all positive and finite")
        }
        return scales.map { Quantizer(format: row.format, scale: $0) }
    }
}
