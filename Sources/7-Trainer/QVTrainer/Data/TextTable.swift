/// The rows of a CSV, TSV or JSON Lines file before any column is chosen: the column names and,
/// per row, its fields by column (nil where a JSON object lacks the key) and the line it starts on.
struct TextTable {
    /// One row of the file.
    struct Row {
        /// Line (JSON array: element) number where the row starts, from 1.
        var line: Int
        /// Fields in column order; nil where the row has no value for the column.
        var fields: [String?]
    }

    /// Column names: the header row, or the keys of the JSON objects in order of first appearance.
    var columns: [String]
    /// The data rows, in file order.
    var rows: [Row]
    /// What a row number counts in messages: "line", or "record" for a JSON array.
    var rowUnit = "line"
}

/// The layout of a labelled-text file, chosen by its name's extension.
public enum TextFileFormat: String, Sendable {
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv
    /// Tab-separated values with a header row (the same quoting as CSV, by a tab).
    case tsv
    /// One JSON object per line (`.jsonl`), or a `.json` file holding either that or one array of objects.
    case json

    /// The format of the file at `path`, or an error naming the extensions read.
    public init(path: String) throws(DataError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
        switch ext {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "jsonl", "json", "ndjson": self = .json
        default: throw DataError("\(path): cannot tell the format from the extension '.\(ext)'; name the file .csv, .tsv or .jsonl")
        }
    }

    /// The table `utf8` holds in this format (`path` is for messages).
    func table(_ utf8: [UInt8], path: String) throws(DataError) -> TextTable {
        switch self {
        case .csv: try DelimitedParser(bytes: utf8, separator: UInt8(ascii: ","), path: path).table()
        case .tsv: try DelimitedParser(bytes: utf8, separator: UInt8(ascii: "\t"), path: path).table()
        case .json: try JSONRecords.table(utf8, path: path)
        }
    }
}
