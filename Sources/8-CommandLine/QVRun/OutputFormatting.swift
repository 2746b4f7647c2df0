import QVHost
import QVRuntime

/// One input's result as a JSON object: ids, and the embedding or logits/probs/label.
func outputJSON(text: String, _ o: TextOutput, labels: [String], milliseconds: Double) -> JSONValue {
    var fields: [(String, JSONValue)] = [("text", .string(text)), ("ids", .array(o.ids.map { .int(Int($0)) }))]
    if let e = o.embedding { fields.append(("embedding", .array(e.map { .float($0) }))) }
    if let logits = o.logits, let probs = o.probabilities, let k = o.predictedClass {
        fields.append(("logits", .array(logits.map { .float($0) })))
        fields.append(("probs", .array(probs.map { .float($0) })))
        fields.append(("label", .string(k < labels.count ? labels[k] : String(k))))
    }
    fields.append(("latency_ms", .double(milliseconds)))
    return .object(fields)
}

/// One input's result for a person: the text, token count, a glimpse of the output, latency.
func outputSummary(text: String, _ o: TextOutput, labels: [String], milliseconds: Double) -> String {
    let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
    var line = "\"\(shown)\"  \(o.ids.count) tokens"
    if let e = o.embedding {
        line += "  embedding[\(e.count)] = [" + e.prefix(4).map { formatFixed($0, 4) }.joined(separator: ", ") + ", …]"
    }
    if let probs = o.probabilities, let k = o.predictedClass {
        line += "  label \(k < labels.count ? labels[k] : String(k)) (p = \(formatFixed(probs[k], 3)))"
    }
    return line + "  \(formatMilliseconds(milliseconds)) ms"
}

/// Most inputs whose pairwise similarities the readable output shows.
let similarityTableLimit = 16

/// Cosine similarities of every pair of the embeddings of `count` texts, as a small matrix —
/// for up to `similarityTableLimit` texts (`e` holds them); beyond that a line saying where the
/// embeddings are, so the output stays linear in the input.
func similarityTable(_ e: [[Float]], of count: Int) -> String {
    guard count <= similarityTableLimit else {
        return "cosine similarity: shown for up to \(similarityTableLimit) texts, not for \(count); --json gives every embedding"
    }
    func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var ab: Float = 0, aa: Float = 0, bb: Float = 0
        for i in a.indices { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
        return ab / max((aa * bb).squareRoot(), 1e-12)
    }
    var lines = ["cosine similarity:", "      " + e.indices.map { "  #\($0 + 1)".leftPadded(7) }.joined()]
    for i in e.indices {
        lines.append("  #\(i + 1)".leftPadded(6) + e.indices.map { formatFixed(cosine(e[i], e[$0]), 3).leftPadded(7) }.joined())
    }
    return lines.joined(separator: "\n")
}

/// `x` with `digits` decimals; NaN, infinities and magnitudes of 10¹² or more print as Swift
/// describes them (a model's output may hold anything).
func formatFixed(_ x: Float, _ digits: Int) -> String {
    guard x.isFinite, abs(x) < 1e12 else { return "\(x)" }
    var scale: Float = 1
    for _ in 0..<digits { scale *= 10 }
    let n = Int((abs(x) * scale).rounded())
    let whole = n / Int(scale), frac = String(n % Int(scale))
    return (x < 0 && n != 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: digits - frac.count) + frac
}
