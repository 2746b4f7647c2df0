import Foundation
import Testing
@testable import QVCompiler

/// What every `TensorArchive` must do, checked on a safetensors file and on prefix views.
@Suite struct TensorArchiveTests {
    /// F32, F16 and BF16 values each type holds exactly, an I64 tensor and a zero-size one.
    static let mixed: [StoredTensor] = [
        .f32("a", [2, 2], [1, -2.5, 3, 0.125]),
        .f16("b", [3], [0.5, -65504, 0.00006103515625]),
        .bf16("c", [2, 1], [-1.5, 256]),
        .i64("ids", [2], [7, -1]),
        .f32("empty", [0, 4], []),
    ]

    /// Reads every float tensor of `archive` by name; generic, as an importer reads.
    func floatTensors<A: TensorArchive>(_ archive: A) throws -> [String: [Float]] {
        var out: [String: [Float]] = [:]
        for name in archive.tensorNames where archive.info(name)!.dtype.isFloatWeight {
            let (values, shape) = try archive.floats(name)
            #expect(shape == archive.info(name)!.shape, "\(name)")
            #expect(values.count == archive.info(name)!.elementCount, "\(name)")
            out[name] = values
        }
        return out
    }

    @Test func safeTensorsFileReadFromDiskIsAnArchive() throws {
        let path = try writeSafetensors(Self.mixed)
        let file = try SafeTensorsFile(path: path)
        #expect(file.path == path)
        #expect(file.tensorNames == ["a", "b", "c", "empty", "ids"])
        #expect(file.info("a") == TensorInfo(dtype: .f32, shape: [2, 2]))
        #expect(file.info("b") == TensorInfo(dtype: .f16, shape: [3]))
        #expect(file.info("c") == TensorInfo(dtype: .bf16, shape: [2, 1]))
        #expect(file.info("ids") == TensorInfo(dtype: .i64, shape: [2]))
        #expect(file.info("empty")?.elementCount == 0)
        #expect(file.info("nope") == nil && !file.contains("nope") && file.contains("a"))
        #expect(try floatTensors(file) == ["a": [1, -2.5, 3, 0.125], "b": [0.5, -65504, 0.00006103515625],
                                            "c": [-1.5, 256], "empty": []])
    }

    @Test func readErrorsNameTheFileAndTheTensor() throws {
        let path = try writeSafetensors(Self.mixed)
        let file = try SafeTensorsFile(path: path)
        #expect(message { _ = try file.floats("ids") } == "\(path): tensor 'ids' is I64; qv reads F32, F16 or BF16 weights")
        #expect(message { _ = try file.floats("nope") } == "\(path): no tensor named 'nope'")
    }

    @Test func strippingAPrefixShowsOnlyTheNamesUnderIt() throws {
        let path = try writeSafetensors([.f32("module.w", [2], [1, 2]), .f16("module.b", [1], [3]), .f32("step", [1], [9])])
        let view = PrefixedArchive(try SafeTensorsFile(path: path), stripping: "module.")
        #expect(view.path == path)
        #expect(view.tensorNames == ["b", "w"])
        #expect(view.info("w") == TensorInfo(dtype: .f32, shape: [2]))
        #expect(view.info("step") == nil && view.info("module.w") == nil)
        #expect(view.storedName("w") == "module.w")
        #expect(try floatTensors(view) == ["w": [1, 2], "b": [3]])
        #expect(message { _ = try view.floats("step") } == "\(path): no tensor named 'module.step'")
    }

    @Test func addingAndReplacingPrefixes() throws {
        let file = try SafeTensorsFile(path: try writeSafetensors([.f32("model.w", [1], [4]), .f32("x", [1], [5])]))
        let added = PrefixedArchive(file, adding: "bert.")
        #expect(added.tensorNames == ["bert.model.w", "bert.x"])
        #expect(added.info("x") == nil)
        #expect(try added.floats("bert.x").values == [5])
        #expect(added.storedName("x") == nil)
        #expect(message { _ = try added.floats("x") } == "\(file.path): no tensor named 'x'")
        let replaced = PrefixedArchive(file, replacing: "model.", with: "encoder.")
        #expect(replaced.tensorNames == ["encoder.w"])
        #expect(try replaced.floats("encoder.w").values == [4])
    }

    @Test func viewsNest() throws {
        // `{"model": DataParallel state}` flattened: strip `model.`, then `module.`.
        let file = try SafeTensorsFile(path: try writeSafetensors([.f32("model.module.w", [1], [6]), .f32("model.epoch", [1], [1])]))
        let view = PrefixedArchive(PrefixedArchive(file, stripping: "model."), stripping: "module.")
        #expect(view.tensorNames == ["w"])
        #expect(try view.floats("w").values == [6])
    }

    @Test func bfloat16AndHalfConversionsMatchTheirBitPatterns() {
        let half: [UInt16] = [0x0001, 0x3C00, 0x7BFF, 0x8000, 0xFC00]
        let brain: [UInt16] = [0x3F80, 0xC040, 0x0001, 0x7F80]
        let h = half.flatMap(littleEndian).withUnsafeBytes { TensorDType.f16.floats(from: $0, count: half.count) }
        let b = brain.flatMap(littleEndian).withUnsafeBytes { TensorDType.bf16.floats(from: $0, count: brain.count) }
        #expect(h == [Float(Float16.leastNonzeroMagnitude), 1, 65504, -0.0, -.infinity])
        #expect(h?[3].sign == .minus)
        #expect(b == [1, -3, Float(bitPattern: 0x0001_0000), .infinity])
        #expect([UInt8](repeating: 0, count: 8).withUnsafeBytes { TensorDType.i64.floats(from: $0, count: 1) } == nil)
    }
}
