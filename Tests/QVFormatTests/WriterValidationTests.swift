import Testing
@testable import QVFormat

@Suite("The writer refuses models the reader would reject")
struct WriterValidationTests {
    private static func edited(_ edit: (inout QVB.Model) -> Void) -> QVB.Model {
        var model = Fixture.model
        edit(&model)
        return model
    }

    /// (what is broken, the broken model, a word the message must contain)
    private static let broken: [(String, QVB.Model, String)] = [
        ("unaligned offset", edited { $0.tensors[2].offset = 200 }, "multiple of 64"),
        ("past the section end", edited { $0.tensors[5].section = 0 }, "section 0 has 384 bytes"),
        ("missing section", edited { $0.tensors[0].section = 3 }, "3 sections"),
        ("f32 size", edited { $0.tensors[0].size = 64 }, "expected 128"),
        ("dense with stride", edited { $0.tensors[0].rowStride = 16 }, "row stride"),
        ("stride too small", edited { $0.tensors[3].rowStride = 2; $0.tensors[3].size = 6 }, "is stored in 16 bytes (3 padded to 16)"),
        ("stride wider than padded", edited { $0.tensors[3].rowStride = 32; $0.tensors[3].size = 96 }, "has row stride 32"),
        ("tensors overlapping", edited { $0.tensors[2].offset = 128 }, "overlap in section 0"),
        ("per-channel count", edited { $0.tensors[1].quant?.scale = [1, 2, 3] }, "3 scales"),
        ("per-tensor count", edited { $0.tensors[3].quant?.scale = [1, 2] }, "2 scales"),
        ("offset count", edited { $0.tensors[4].quant?.offset = [0] }, "1 offsets"),
        ("zero scale", edited { $0.tensors[3].quant?.scale = [0] }, "positive"),
        ("bits mismatch", edited { $0.tensors[1].quant?.bits = 8 }, "do not match"),
        ("packed without quant", edited { $0.tensors[1].quant = nil }, "no quantization"),
        ("float with quant", edited { $0.tensors[0].quant = QVB.Quantization(scheme: .unsignedOffset, bits: 8, scale: [1]) },
         "only packed"),
        ("panels of i32", edited { $0.tensors[5].type = .i32 }, "2-D f32"),
        ("panels of a vector", edited { $0.tensors[2].layout = .panels16 }, "2-D f32"),
        ("panels size", edited { $0.tensors[5].shape = [17, 8] }, "expected 1024"),
        ("negative dimension", edited { $0.tensors[0].shape = [-1, 4] }, "negative"),
        ("value dimension", edited { $0.values[3].shape = [-2, 4] }, "-1"),
        ("value too large", edited { $0.values[3].shape = [-1, 1 << 20, 1 << 20] }, "2^31"),
        ("value heads", edited { $0.values[6].heads = 0 }, "heads"),
        ("op input", edited { $0.ops[2].inputs = [10] }, "reads value 10"),
        ("op output", edited { $0.ops[2].outputs = [-1] }, "writes value -1"),
        ("op weight", edited { $0.ops[0].weights = [8] }, "uses tensor 8"),
        ("attention heads", edited { $0.ops[4].attributes = .attention(heads: 0, scoreScale: 1, probs: nil) }, "head"),
        ("probs scheme", edited {
            $0.ops[4].attributes = .attention(heads: 2, scoreScale: 1,
                                              probs: QVB.Quantization(scheme: .signedSymmetric, bits: 8, scale: [1]))
        }, "unsigned"),
        ("epsilon", edited { $0.ops[1].attributes = .layerNorm(epsilon: .nan) }, "epsilon"),
        ("output value", edited { $0.outputs[1].value = 10 }, "output 'logits' is value 10"),
        ("input name", edited { $0.inputs[1].name = "input_ids" }, "unique"),
        ("input role", edited { $0.inputs[1].role = .tokenIds }, "repeats role"),
        ("input as output role", edited { $0.inputs[0].role = .logits }, "no input can have"),
        ("same value twice", edited { $0.inputs[1].value = 0 }, "same value"),
        ("input is output", edited { $0.outputs[0].value = 2 }, "also an input"),
        ("group rows", edited { $0.ops[4].attributes = .attention(heads: 2, scoreScale: 1, probs: nil, groupRows: -1) }, "head"),
        ("tokenizer id", edited { $0.tokenizer?.unkId = 8 }, "unk_id"),
        ("bert heads", edited { $0.bert?.heads = 3 }, "multiple"),
        ("bert missing", edited { $0.bert = nil }, "BERT configuration is missing"),
        ("out of uint32", edited { $0.bert?.vocabSize = 1 << 33 }, "vocab_size"),
    ]

    @Test("each broken model is refused with a message saying what and where", arguments: 0 ..< broken.count)
    func refuses(index: Int) {
        let (what, model, expected) = Self.broken[index]
        do {
            _ = try QVBWriter.encode(model, sections: Fixture.sections, compression: .none)
            Issue.record("\(what): the writer accepted a broken model")
        } catch {
            #expect(error.kind == .invalidModel, "\(what)")
            #expect(error.message.contains(expected), "\(what): \(error.message)")
        }
    }
}

extension WriterValidationTests {
    @Test("absurd shapes are refused without overflowing")
    func hugeShapes() {
        var model = Fixture.model
        model.tensors[1].shape = [0, Int.max]
        #expect(throws: QVBError.self) { try QVBWriter.encode(model, sections: Fixture.sections, compression: .none) }
        model.tensors[1].shape = [Int.max, Int.max]
        #expect(throws: QVBError.self) { try QVBWriter.encode(model, sections: Fixture.sections, compression: .none) }
    }
}
