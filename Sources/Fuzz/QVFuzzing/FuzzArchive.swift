import Foundation

/// Several files in one fuzz input, for the harnesses of folders (a Hugging Face model, a
/// tokenizer's files): each file is the marker `\0qv-file ` and its name up to a newline, then
/// its contents up to the next marker. A byte mutation that breaks a marker merges two files,
/// which the reader must then refuse like any other damaged file.
public enum FuzzArchive {
    /// The bytes that open each file.
    static let marker = Array("\u{0}qv-file ".utf8)

    /// The files of `bytes` by name (a later file of the same name wins; bytes before the first
    /// marker are ignored).
    public static func files(_ bytes: UnsafeRawBufferPointer) -> [String: Data] {
        let b = Array(bytes)
        var starts: [Int] = []
        var i = 0
        while i + marker.count <= b.count {
            if b[i] == 0, b[i..<(i + marker.count)].elementsEqual(marker) { starts.append(i); i += marker.count } else { i += 1 }
        }
        var files: [String: Data] = [:]
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : b.count
            let nameStart = start + marker.count
            guard let newline = b[nameStart..<end].firstIndex(of: UInt8(ascii: "\n")) else { continue }
            files[String(decoding: b[nameStart..<newline], as: UTF8.self)] = Data(b[(newline + 1)..<end])
        }
        return files
    }

    /// The archive of `files`, in name order (what `files(_:)` reads back).
    public static func encode(_ files: [String: Data]) -> [UInt8] {
        files.keys.sorted().flatMap { marker + Array("\($0)\n".utf8) + Array(files[$0]!) }
    }
}
