import Glibc

/// Reads the texts of `qvrun --input FILE`: one text a line, invalid UTF-8 replaced with
/// U+FFFD (which the tokenizer then drops, as Hugging Face does). A trailing newline is fine;
/// an empty line in the middle is an error naming its line, since outputs map to lines.
public func readTextLines(path: String) throws(CommandLineError) -> [String] {
    let file = try MappedFile(path: path)
    let text = String(decoding: file.bytes, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
    }
    if lines.last == "" { lines.removeLast() }
    guard !lines.isEmpty else { throw CommandLineError("'\(path)' has no text; put one text on each line") }
    for (i, line) in lines.enumerated() where line.allSatisfy(\.isWhitespace) {
        throw CommandLineError("\(path):\(i + 1): empty line; put a text on it or remove it")
    }
    return lines
}
