import Foundation
import Testing
@testable import QVCompiler

/// Builds a safetensors image from a JSON header and raw data, optionally lying about the
/// header length.
func safetensors(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
    let h = Array(header.utf8)
    let n = declaredLength ?? UInt64(h.count)
    var out = Data((0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) })
    out.append(contentsOf: h)
    out.append(contentsOf: data)
    return out
}

/// Little-endian bytes of `values`.
func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
}

@Test func readsValidTensorsInEveryFloatType() throws {
    let f32 = floatBytes([1, -2.5, 3, 0.125])
    let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]          // 1.0, -2.0
    let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0x40]         // 1.0, 3.0
    let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"#
        + #""b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]}}"#
    let file = try SafeTensorsFile(data: safetensors(header: header, data: f32 + f16 + bf16), path: "t.safetensors")
    #expect(try file.floats("a").values == [1, -2.5, 3, 0.125])
    #expect(try file.floats("a").shape == [2, 2])
    #expect(try file.floats("b").values == [1, -2])
    #expect(try file.floats("c").values == [1, 3])
    #expect(file.metadata == ["format": "pt"])
    #expect(file.dataByteCount == 24)
}

@Test(arguments: [
    ("header longer than file", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, UInt64(1 << 40), 4),
    ("offsets past the data", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, nil, 4),
    ("shape disagrees with range", #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, nil, 8),
    ("unknown dtype", #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}"#, nil, 4),
    ("overlapping tensors", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, nil, 12),
    ("not JSON", #"{"a": nope"#, nil, 0),
    ("not an object", #"[1,2,3]"#, nil, 0),
    ("reversed offsets", #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, nil, 8),
    ("huge shape", #"{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}"#, nil, 4),
    ("negative dimension", #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, nil, 4),
    ("metadata not strings", #"{"__metadata__":{"epoch":3},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, nil, 4),
] as [(String, String, UInt64?, Int)])
func rejectsLyingHeaders(_ name: String, _ header: String, _ declared: UInt64?, _ dataBytes: Int) {
    let image = safetensors(header: header, data: [UInt8](repeating: 0, count: dataBytes), declaredLength: declared)
    #expect(throws: CompileError.self, "\(name)") { try SafeTensorsFile(data: image, path: "bad.safetensors") }
}

@Test func rejectsFilesTooShortForTheLengthField() {
    for n in 0..<8 {
        #expect(throws: CompileError.self) { try SafeTensorsFile(data: Data(repeating: 0, count: n), path: "short") }
    }
}

@Test func errorNamesTheFileAndTheTensor() {
    let image = safetensors(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
    do {
        _ = try SafeTensorsFile(data: image, path: "model.safetensors")
        Issue.record("expected an error")
    } catch {
        #expect(error.message.contains("model.safetensors"))
        #expect(error.message.contains("'w'"))
    }
}

@Test func zeroSizeTensorsOverlapNothing() throws {
    // Zero-size tensors at the start, inside and at the end of filled ones, and many sharing an
    // offset with a filled tensor: once a check that sorted the header's dictionary by start
    // refused these, in an order that changed from run to run.
    let empties = (0..<24).map { #""e\#($0)":{"dtype":"F32","shape":[0],"data_offsets":[\#([0, 4, 8, 12][$0 % 4]),\#([0, 4, 8, 12][$0 % 4])]}"# }
    let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"#
        + empties.joined(separator: ",") + "}"
    let data = floatBytes([1, 2, 3])
    for trial in 0..<8 {
        let file = try SafeTensorsFile(data: safetensors(header: header, data: data), path: "zero-\(trial).safetensors")
        #expect(file.tensorNames.count == 26)
        #expect(try file.floats("e5").values.isEmpty)
        #expect(try file.floats("a").values == [1, 2])
    }
    // Ties in the start offset are broken by name, so the message is the same in every run.
    let overlap = #"{"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
        + #""x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
    do {
        _ = try SafeTensorsFile(data: safetensors(header: overlap, data: [UInt8](repeating: 0, count: 8)), path: "o.safetensors")
        Issue.record("expected an overlap error")
    } catch {
        #expect(error.message.contains("tensors 'y' and 'z' overlap"))
    }
}
