/// Reads CSV (RFC 4180) or TSV text: a field in double quotes may hold separators, line breaks
/// and doubled quotes (`""` is one `"`); records end at LF, CRLF or a lone CR outside quotes.
/// A quote inside an unquoted field, or after a closing quote, is kept as a character (as
/// Python's `csv` does). Blank lines are skipped. The first record is the header; every other
/// record must have as many fields as it. Lines are counted by line breaks outside quotes and
/// LFs inside them, as an editor numbers them.
struct DelimitedParser {
    /// The UTF-8 text.
    let bytes: [UInt8]
    /// `,` or tab.
    let separator: UInt8
    /// The file, for messages.
    let path: String

    private static let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// The header and rows, or the first malformed spot.
    func table() throws(DataError) -> TextTable {
        let records = try self.records()
        guard let header = records.first else { throw DataError.emptyFile(path) }
        let columns = header.fields.map { $0.trimmed }
        let name = separator == UInt8(ascii: ",") ? "comma" : "tab"
        var rows: [TextTable.Row] = []
        rows.reserveCapacity(records.count - 1)
        for r in records.dropFirst() {
            guard r.fields.count == columns.count else {
                throw DataError("\(path):\(r.line): \(r.fields.count) fields where the header has \(columns.count) "
                                + "(\(columns.joined(separator: ", "))); fill the missing ones, and quote a field that holds a \(name)")
            }
            rows.append(TextTable.Row(line: r.line, fields: r.fields))
        }
        return TextTable(columns: columns, rows: rows)
    }

    /// Every non-blank record with the line it starts on.
    private func records() throws(DataError) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field: [UInt8] = []
        var fieldStarted = false, recordQuoted = false, inQuotes = false
        var line = 1, recordLine = 1, quoteLine = 1
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        func endRecord() {
            endField()
            if fields.count > 1 || !fields[0].isEmpty || recordQuoted { records.append((recordLine, fields)) }
            fields = []
            recordQuoted = false
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == Self.quote {
                    if i < bytes.count, bytes[i] == Self.quote { field.append(b); i += 1 } else { inQuotes = false }
                } else {
                    if b == Self.lf { line += 1 }
                    field.append(b)
                }
            } else if b == Self.quote, !fieldStarted {
                inQuotes = true
                fieldStarted = true
                recordQuoted = true
                quoteLine = line
            } else if b == separator {
                endField()
            } else if b == Self.lf || b == Self.cr {
                if b == Self.cr, i < bytes.count, bytes[i] == Self.lf { i += 1 }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(b)
                fieldStarted = true
            }
        }
        guard !inQuotes else {
            throw DataError("\(path):\(quoteLine): a quoted field opens here and never closes; close it with \" and write a quote inside it as \"\"")
        }
        if fieldStarted || !fields.isEmpty { endRecord() }
        return records
    }
}

extension String {
    /// The string without leading and trailing whitespace and line breaks.
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
