import Testing
import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// Binding FP32 weights: a file whose linear weights are dense (from before 16-column panels), or
/// that stores in panels a tensor read densely, is refused with a message, not run.
@Suite struct FloatWeightBindingTests {
    /// The FP32 MiniLM image re-encoded after `edit` changes its model description.
    static func edited(_ edit: (inout QVB.Model) -> Void) throws -> [UInt8] {
        try CompiledMiniLM.image(.fp32).withUnsafeBytes { raw in
            let file = try QVBFile(bytes: raw)
            var payloads = file.sections.map { QVB.SectionPayload(name: $0.name, bytes: [UInt8](repeating: 0, count: $0.uncompressedSize)) }
            for (index, tensor) in file.model.tensors.enumerated() {
                payloads[tensor.section].bytes.replaceSubrange(tensor.offset ..< tensor.offset + tensor.size, with: file.tensorBytes(index))
            }
            var model = file.model
            edit(&model)
            return try QVBWriter.encode(model, sections: payloads, compression: .none)
        }
    }

    /// The message loading `image` fails with, or nil if it loads.
    static func loadError(_ image: [UInt8]) -> String? {
        do {
            _ = try CompiledMiniLM.withModel(image) { _ in }
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func unchangedImageLoads() throws {
        let message = Self.loadError(try Self.edited { _ in })
        #expect(message == nil, "\(message ?? "")")
    }

    @Test func denseFloatWeightsAskForARecompile() throws {
        let image = try Self.edited { model in
            let i = model.tensors.firstIndex { $0.name == "encoder.layer.0.attention.self.query.weight" }!
            model.tensors[i].layout = .dense  // same byte count for 384 × 384
        }
        let message = Self.loadError(image) ?? "loaded"
        #expect(message.contains("recompile"), "\(message)")
        #expect(message.contains("encoder.layer.0.attention.self.query"), "\(message)")
    }

    @Test func panelsWhereDenseFloatsBelongAreRefused() throws {
        let image = try Self.edited { model in
            let i = model.tensors.firstIndex { $0.name == "embeddings.position_embeddings.weight" }!
            model.tensors[i].layout = .panels16  // same byte count for 512 × 384
        }
        let message = Self.loadError(image) ?? "loaded"
        #expect(message.contains("must be dense FP32"), "\(message)")
    }
}

/// The FP32 graph (linear weights in panels) on the fast paths against the scalar reference
/// interpreter, which reads the panels element by element: same embedding up to summation order.
@Test(arguments: KernelPath.supported.filter { $0 != .scalar })
func floatGraphMatchesScalarReference(_ path: KernelPath) throws {
    try CompiledMiniLM.withModel(try CompiledMiniLM.image(.fp32)) { model in
        let session = try InferenceSession(model: model, path: path)
        let reference = ReferenceExecutor(model: model)
        for text in ["A man is playing a guitar on a small stage.", "ok"] {
            let ids = try model.tokenizer().encode(text)
            let fast = try #require(try session.run(ids: ids).embedding)
            let slow = try #require(try reference.run(ids: ids).embedding)
            #expect(cosine(fast, slow) >= 0.999999, "\(path) '\(text)'")
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5, "\(path) '\(text)': largest difference \(worst)")
        }
    }
}

/// Odd FP32 shapes end to end: MiniLM cut to 2 layers with 32 heads of width 12 (v needs padding
/// to whole panels) and an intermediate width of 1528 (a partial last panel, and K not a multiple
/// of 16 in the output projection), fast paths against the scalar reference.
@Test(arguments: KernelPath.supported.filter { $0 != .scalar })
func oddFloatShapesMatchScalarReference(_ path: KernelPath) throws {
    var checkpoint = try BertCheckpoint(huggingFaceFolder: try Fixtures.requireMiniLM())
    let hidden = checkpoint.config.hidden, width = checkpoint.config.intermediate - 8
    checkpoint.layers = Array(checkpoint.layers.prefix(2))
    checkpoint.config.layers = 2
    checkpoint.config.heads = 32
    checkpoint.config.intermediate = width
    for l in checkpoint.layers.indices {
        var layer = checkpoint.layers[l]
        layer.intermediate.weight = Array(layer.intermediate.weight.prefix(width * hidden))
        layer.intermediate.bias = Array(layer.intermediate.bias.prefix(width))
        layer.intermediate.outFeatures = width
        let inner = layer.output.inFeatures
        layer.output.weight = (0..<hidden).flatMap { row in layer.output.weight[row * inner ..< row * inner + width] }
        layer.output.inFeatures = width
        checkpoint.layers[l] = layer
    }
    let image = try Compiler.compile(checkpoint, options: CompileOptions(precision: .fp32))
    try CompiledMiniLM.withModel(image) { model in
        let session = try InferenceSession(model: model, path: path)
        let reference = ReferenceExecutor(model: model)
        let ids = try model.tokenizer().encode("Odd shapes: thirty-two heads of twelve, and 1528 hidden units.")
        let fast = try #require(try session.run(ids: ids).embedding)
        let slow = try #require(try reference.run(ids: ids).embedding)
        let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "\(path): largest difference \(worst)")
    }
}
