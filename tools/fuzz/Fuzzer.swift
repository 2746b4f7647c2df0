// The libFuzzer entry of every QVFuzzing harness, linked by tools/fuzz.sh with
// -sanitize=fuzzer,address; QV_FUZZ_HARNESS names the harness (FuzzHarnesses: qvb, huggingface,
// tokenizer-files, tokenizer-text, checkpoint, data). For `.qvb` files mutation is
// structure-aware three times in four — the input decoded, one field or index changed,
// re-encoded and re-sealed by QVBMutant, so it passes the checksums and reaches the graph code —
// and libFuzzer's own byte mutation (with the harness's dictionary, tools/fuzz/NAME.dict) otherwise.
import Foundation
import QVFuzzing

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// The harness this process runs, chosen once by LLVMFuzzerInitialize.
nonisolated(unsafe) var harness: any FuzzHarness.Type = QVBHarness.self

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["QV_FUZZ_HARNESS"] ?? QVBHarness.name
    guard let chosen = FuzzHarnesses.named(name) else {
        fatalError("QV_FUZZ_HARNESS '\(name)' is not one of \(FuzzHarnesses.all.map { $0.name }.joined(separator: ", "))")
    }
    harness = chosen
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = harness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    if harness == QVBHarness.self, seed % 4 != 0,
       let mutant = QVBMutant(seed: UnsafeRawBufferPointer(start: data, count: size), seedValue: UInt64(seed)),
       mutant.bytes.count <= maxSize {
        mutant.bytes.withUnsafeBytes { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return mutant.bytes.count
    }
    return libFuzzerMutate(data, size, maxSize)
}
