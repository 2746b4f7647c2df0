/// The character encoding a labelled-text file was read in: UTF-8 when its bytes are valid
/// UTF-8, else ISO-8859-1 (Latin-1, where every byte is one character, so it always decodes).
public enum TextEncoding: String, Sendable {
    /// UTF-8 (a leading byte-order mark is dropped).
    case utf8 = "UTF-8"
    /// ISO-8859-1: byte b is the character U+00b.
    case latin1 = "ISO-8859-1"

    /// The UTF-8 bytes of the text `bytes` hold, and the encoding they were detected to be in.
    static func decode(_ bytes: [UInt8]) -> (utf8: [UInt8], encoding: TextEncoding) {
        if String(validating: bytes, as: UTF8.self) != nil {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            return (bytes.starts(with: bom) ? Array(bytes.dropFirst(3)) : bytes, .utf8)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | b >> 6)
                out.append(0x80 | b & 0x3F)
            }
        }
        return (out, .latin1)
    }
}
