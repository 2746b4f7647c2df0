import Foundation

/// Writes the safetensors layout: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range (and `__metadata__`, string to string), padded
/// with spaces to a multiple of 8 bytes, then the tensors' little-endian F32 data back to back.
/// Tensors are laid out, and the header's keys written, in ascending name order, so the same
/// tensors and metadata always give the same bytes.
enum SafeTensorsWriter {
    /// The file holding `tensors` and `metadata`.
    static func encode(_ tensors: [String: CheckpointTensor], metadata: [String: String]) -> [UInt8] {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            precondition(name != "__metadata__" && t.values.count == t.shape.reduce(1, *), "SafeTensorsWriter: tensor '\(name)' is malformed")
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        // A dictionary of strings, numbers and arrays always serialises.
        var json = [UInt8](try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        out += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64($0))) }
        out += json
        // qv's hosts (x86-64, arm64) are little-endian, so the floats' memory is the file's bytes.
        for name in names { tensors[name]!.values.withUnsafeBytes { out += $0 } }
        return out
    }
}
