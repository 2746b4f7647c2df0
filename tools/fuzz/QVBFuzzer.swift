// The libFuzzer harness of `.qvb` loading, linked by tools/fuzz.sh with -sanitize=fuzzer,address
// against the QVFuzzing library: every input runs through QVBHarness (verify, bind, validate,
// plan, infer). Mutation is structure-aware three times in four — the input decoded, one field
// or index changed, re-encoded and re-sealed by QVBMutant, so it passes the checksums and reaches
// the graph code — and libFuzzer's own byte mutation otherwise.
import QVFuzzing

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = QVBHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    if seed % 4 != 0, let mutant = QVBMutant(seed: UnsafeRawBufferPointer(start: data, count: size), seedValue: UInt64(seed)),
       mutant.bytes.count <= maxSize {
        mutant.bytes.withUnsafeBytes { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return mutant.bytes.count
    }
    return libFuzzerMutate(data, size, maxSize)
}
