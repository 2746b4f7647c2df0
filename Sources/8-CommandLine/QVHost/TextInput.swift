/// Reads the texts of `qvrun --input FILE`: one text a line (LF, CRLF or CR line ends), invalid UTF-8 replaced with
/// U+FFFD (which the tokenizer then drops, as Hugging Face does). A trailing newline is fine;
/// an empty line in the middle is an error naming its line, since outputs map to lines.
public func readTextLines(path: String) throws(CommandLineError) -> [String] {
    let file = try MappedFile(path: path)
    let text = String(decoding: file.bytes, as: UTF8.self)
    // "\r\n" is one Character in Swift: split on it, on "\n" and on a lone "\r" (old Mac files).
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard !lines.isEmpty else { throw CommandLineError("'\(path)' has no text; put one text on each line") }
    for (i, line) in lines.enumerated() where line.allSatisfy({ $0.isWhitespace }) {
        throw CommandLineError("\(path):\(i + 1): empty line; put a text on it or remove it")
    }
    return lines
}
