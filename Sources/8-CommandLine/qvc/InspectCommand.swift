import Foundation
import QVCommandLine
import QVFormat

/// `qvc inspect FILE.qvb [--json]`: producer, configuration, a classifier's labels, named inputs and outputs, sections,
/// tensors, ops, and the bytes the linear-layer weights take against their FP32 size.
func inspectCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: [], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("inspect takes one .qvb file") }
    let loaded = try LoadedModel(path: args.positional[0])
    let m = loaded.file.model
    let bitsOf: [QVB.ElementType: Int] = [.f32: 32, .i32: 32, .i8: 8, .u8: 8, .u2: 2, .u1: 1]

    var opCounts: [String: Int] = [:]
    var linearBytes = 0, linearFP32 = 0
    for op in m.ops {
        opCounts[op.attributes.kindName, default: 0] += 1
        if case .linear = op.attributes, let w = op.weights.first {
            let t = m.tensors[w]
            linearBytes += t.size
            linearFP32 += t.shape.reduce(1, *) * 4
        }
    }
    let ratio = linearBytes > 0 ? Double(linearFP32) / Double(linearBytes) : 0
    let tensorBytes = m.tensors.reduce(0) { $0 + $1.size }

    if args.has("--json") {
        let sections = loaded.file.sections.map { s in
            JSONValue.object([("name", .string(s.name)), ("compression", .string(s.compression == .zstd ? "zstd" : "none")),
                              ("stored_bytes", .int(s.storedSize)), ("bytes", .int(s.uncompressedSize))])
        }
        let tensors = m.tensors.map { t in
            JSONValue.object([("name", .string(t.name)), ("type", .string("\(t.type)")), ("bits", .int(bitsOf[t.type] ?? 0)),
                              ("shape", .array(t.shape.map { .int($0) })), ("bytes", .int(t.size))])
        }
        let ops = m.ops.map { JSONValue.object([("name", .string($0.name)), ("op", .string($0.attributes.kindName))]) }
        print(JSONValue.object([
            ("file", .string(args.positional[0])), ("file_bytes", .int(loaded.mapping.bytes.count)),
            ("format_version", .int(Int(m.formatVersion))), ("precision", .string(m.precision)),
            ("producer", .string("\(m.producer.name) \(m.producer.version)")), ("source", .string(m.producer.source)),
            ("hidden", .int(m.bert?.hidden ?? 0)), ("layers", .int(m.bert?.layers ?? 0)), ("heads", .int(m.bert?.heads ?? 0)),
            ("vocab", .int(m.tokenizer?.vocab.count ?? 0)), ("max_tokens", .int(loaded.model.maxTokens)),
            ("labels", .array(loaded.model.labels.map { .string($0) })),
            ("inputs", .array(m.inputs.map(portJSON))), ("outputs", .array(m.outputs.map(portJSON))),
            ("tensor_bytes", .int(tensorBytes)),
            ("linear_weight_bytes", .int(linearBytes)), ("linear_weight_fp32_bytes", .int(linearFP32)),
            ("linear_weight_compression", .double(ratio)),
            ("op_counts", .object(opCounts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("sections", .array(sections)), ("tensors", .array(tensors)), ("ops", .array(ops)),
        ]).rendered)
        return
    }
    print("\(args.positional[0]): qvb v\(m.formatVersion), \(m.precision), \(loaded.mapping.bytes.count) bytes, made by \(m.producer.name) \(m.producer.version) from \(m.producer.source)")
    if let b = m.bert {
        print("bert: hidden \(b.hidden), \(b.layers) layers, \(b.heads) heads, intermediate \(b.intermediate), pooling \(b.pooling)\(b.normalize ? " + normalize" : ""), vocab \(m.tokenizer?.vocab.count ?? 0), max \(loaded.model.maxTokens) tokens")
    }
    if !loaded.model.labels.isEmpty {
        print("head: classifier of \(loaded.model.labels.count) labels: " + loaded.model.labels.joined(separator: ", "))
    }
    print("inputs: " + m.inputs.map { portText($0, m) }.joined(separator: ", "))
    print("outputs: " + m.outputs.map { portText($0, m) }.joined(separator: ", "))
    print("ops: " + opCounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    print("sections:")
    for s in loaded.file.sections {
        print("  \(s.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(s.storedSize).leftPadded(10)) stored  \(String(s.uncompressedSize).leftPadded(10)) bytes\(s.compression == .zstd ? "  zstd" : "")")
    }
    print("tensors: \(m.tensors.count), \(tensorBytes) bytes")
    for t in m.tensors {
        let shape = t.shape.map(String.init).joined(separator: "x")
        print("  \(t.name.padding(toLength: 58, withPad: " ", startingAt: 0)) \("\(t.type)".leftPadded(4)) \(String(bitsOf[t.type] ?? 0).leftPadded(2))-bit \(shape.leftPadded(11)) \(String(t.size).leftPadded(10)) B")
    }
    if linearBytes > 0 {
        print(String(format: "linear weights: %d bytes vs %d FP32 bytes (1/%.2f)", linearBytes, linearFP32, ratio))
    } else {
        print("linear weights: none")
    }
}

extension QVB.OpAttributes {
    /// The op's kind as the schema names it.
    var kindName: String {
        switch self {
        case .embedding: return "embedding"
        case .layerNorm: return "layer_norm"
        case .quantize: return "quantize"
        case .linear: return "linear"
        case .attention: return "attention"
        case .meanPool: return "mean_pool"
        case .clsPool: return "cls_pool"
        case .l2Normalize: return "l2_normalize"
        case .softmax: return "softmax"
        }
    }
}

/// A model input or output for `inspect --json`.
private func portJSON(_ port: QVB.Port) -> JSONValue {
    .object([("name", .string(port.name)), ("role", .string("\(port.role)")), ("value", .int(port.value))])
}

/// A model input or output for the readable `inspect`: name, role and shape.
private func portText(_ port: QVB.Port, _ m: QVB.Model) -> String {
    let shape = m.values.indices.contains(port.value) ? m.values[port.value].shape.map { $0 == -1 ? "tokens" : String($0) } : []
    return "\(port.name) (\(port.role), [\(shape.joined(separator: ", "))])"
}
