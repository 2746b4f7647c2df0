import Testing
@testable import QVTrainer

@Suite("Labelled text files: formats, quoting, encodings")
struct DataReadingTests {
    @Test func csvWithQuotesCommasNewlinesAndDoubledQuotes() throws {
        let file = try DataFiles.read("label,text\r\npos,\"a, b\"\r\nneg,\"say \"\"hi\"\"\"\r\nneu,\"two\nlines\"\r\npos,plain\r\n")
        #expect(file.rows.map(\.text) == ["a, b", "say \"hi\"", "two\nlines", "plain"])
        #expect(file.rows.map(\.label) == ["pos", "neg", "neu", "pos"])
        #expect(file.rows.map(\.line) == [2, 3, 4, 6], "a row starts on the line after an embedded newline")
        #expect(file.columns == ["label", "text"])
        #expect(file.encoding == .utf8)
    }

    @Test func lineEndsLFAndLoneCRAndNoFinalNewline() throws {
        #expect(try DataFiles.read("text,label\na,x\nb,y").rows.map(\.text) == ["a", "b"])
        #expect(try DataFiles.read("text,label\ra,x\rb,y\r").rows.map(\.text) == ["a", "b"])
        #expect(try DataFiles.read("text,label\n\"a\rb\",x\n").rows.map(\.text) == ["a\rb"], "a CR inside quotes is kept")
    }

    @Test func blankLinesAreSkippedAndFieldsTrimmed() throws {
        let file = try DataFiles.read("text , label\n\n  hello  , pos \n\n\"\",neg\n  ,neg\n")
        #expect(file.rows == [LabelledFile.Row(text: "hello", label: "pos", line: 3)])
        #expect(file.emptyTextLines == [5, 6], "empty texts are skipped and counted")
    }

    @Test func quoteInsideAnUnquotedFieldIsACharacter() throws {
        #expect(try DataFiles.read("text,label\nsay \"hi\",x\n\"ab\"c,y\n").rows.map(\.text) == ["say \"hi\"", "abc"])
    }

    @Test func tsv() throws {
        let file = try DataFiles.read("text\tlabel\nhello, world\tpos\n\"tab\there\"\tneg\n", .tsv, path: "t.tsv")
        #expect(file.rows.map(\.text) == ["hello, world", "tab\there"])
    }

    @Test func jsonLinesWithNumberLabelsAndExtraKeys() throws {
        let file = try DataFiles.read("{\"text\": \"héllo\", \"label\": 1, \"id\": 7}\r\n\n{\"label\": 0, \"text\": \"bye\"}\n", .json, path: "t.jsonl")
        #expect(file.rows.map(\.text) == ["héllo", "bye"])
        #expect(file.rows.map(\.label) == ["1", "0"])
        #expect(file.rows.map(\.line) == [1, 3])
        #expect(file.columns == ["id", "label", "text"])
    }

    @Test func jsonArray() throws {
        let file = try DataFiles.read("[{\"text\": \"a\", \"label\": \"x\"}, {\"text\": \"b\", \"label\": \"y\"}]", .json, path: "t.json")
        #expect(file.rows.map(\.text) == ["a", "b"])
        #expect(DataFiles.error("[{\"text\": \"a\", \"label\": \"x\"}, {\"text\": \"b\"}]", .json, path: "t.json")?.message.hasPrefix("t.json record 2:") == true)
    }

    @Test func latin1IsDetectedAndUTF8BOMIsDropped() throws {
        // "café" in Latin-1: é is the single byte 0xE9, invalid as UTF-8.
        let latin1: [UInt8] = Array("text,label\ncaf".utf8) + [0xE9] + Array(",x\n".utf8)
        let file = try LabelledFile(bytes: latin1, path: "l.csv", format: .csv, textColumn: "text", labelColumn: "label")
        #expect(file.encoding == .latin1)
        #expect(file.rows.map(\.text) == ["café"])
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("text,label\ncafé,x\n".utf8)
        let utf8 = try LabelledFile(bytes: bom, path: "u.csv", format: .csv, textColumn: "text", labelColumn: "label")
        #expect(utf8.encoding == .utf8)
        #expect(utf8.columns == ["text", "label"], "the BOM is not part of the first column's name")
        #expect(utf8.rows.map(\.text) == ["café"])
    }

    @Test func formatByExtensionAndReadingFromDisk() throws {
        #expect(try TextFileFormat(path: "a/b.CSV") == .csv)
        #expect(try TextFileFormat(path: "b.tsv") == .tsv)
        #expect(try TextFileFormat(path: "b.jsonl") == .json)
        #expect(try TextFileFormat(path: "b.json") == .json)
        #expect(throws: DataError.self) { try TextFileFormat(path: "notes.txt") }
        let path = try DataFiles.write("sentiment,confidence,text\nnegative,0.7,bad\npositive,1,good\n", named: "corpus.csv")
        let file = try LabelledFile(path: path)
        #expect(file.rows.map(\.text) == ["bad", "good"], "the defaults read text and sentiment")
    }

    @Test func csvWriterRoundTrips() throws {
        let data = LabelledTexts(texts: ["plain", "a, b", "say \"hi\"", "two\nlines", "x\r\ny"], labels: [0, 1, 0, 1, 1], labelNames: ["neg", "pos"])
        let file = try DataFiles.read(data.csv(textColumn: "text", labelColumn: "label"))
        #expect(try LabelledTexts(file) == data)
    }
}
