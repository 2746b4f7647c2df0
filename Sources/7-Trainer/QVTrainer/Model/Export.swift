import QVCompiler
import QVQuant

/// What `qvc compile` needs from a trained model: its weights as a `BertCheckpoint` and its
/// trained quantizers as the compiler's `TrainedScales`, row by row of the compiler's plan.
extension BertClassifier {
    /// The quantizer of every activation point, by plan label.
    var activationPoints: [String: ActivationQuantizer] {
        var all: [String: ActivationQuantizer] = [:]
        for layer in layers { for p in layer.quantizers?.points(prefix: layer.prefix) ?? [] { all[p.label] = p.quantizer } }
        for q in [headQuantizers?.pooler, headQuantizers?.classifier].compactMap({ $0 }) { all[q.label] = q }
        return all
    }

    /// Each weight quantizer with its weight matrix, by plan label.
    var weightPoints: [String: (quantizer: WeightQuantizer, weight: Variable)] {
        var all: [String: (WeightQuantizer, Variable)] = [:]
        for lin in layers.flatMap(\.linears) + [pooler, classifier].compactMap({ $0 }) {
            if let q = lin.quantizer { all[q.label] = (q, lin.weight) }
        }
        for (q, table) in zip(tableQuantizers ?? [], [wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings]) { all[q.label] = (q, table) }
        return all
    }

    /// The trained quantizer of every row of `plan`; throws naming a row the model has no
    /// quantizer for, or one whose format differs.
    public func trainedScales(for plan: QuantPlan) throws(TrainerError) -> TrainedScales {
        var quantizers: [Int: Quantizer] = [:], channels: [Int: [Float]] = [:]
        let activations = activationPoints, weights = weightPoints
        for (i, row) in plan.rows.enumerated() {
            switch row.subject {
            case .activation, .probabilities:
                guard let q = activations[row.label] else { throw TrainerError("the trained model has no quantizer for '\(row.label)' (plan row \(i))") }
                guard q.format == row.format else { throw TrainerError("'\(row.label)' was trained at \(q.format), the compiler quantizes it at \(row.format)") }
                quantizers[i] = q.quantizer
            case .weight:
                guard let (q, w) = weights[row.label] else { throw TrainerError("the trained model has no quantizer for '\(row.label)' (plan row \(i))") }
                guard q.format == row.format else { throw TrainerError("'\(row.label)' was trained at \(q.format), the compiler quantizes it at \(row.format)") }
                channels[i] = q.rowQuantizers(w).map(\.scale)
            }
        }
        return TrainedScales(quantizers: quantizers, channelScales: channels)
    }
}
