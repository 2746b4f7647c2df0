import Foundation
import Testing
@testable import QVTrainer

/// Every refusal is one line that names the file, where, and what to do.
@Suite("Labelled text files: errors")
struct DataErrorTests {
    /// `error` is one line starting with `prefix` and containing each of `parts`.
    func check(_ error: DataError?, _ prefix: String, _ parts: String...) {
        guard let error else { Issue.record("no error, expected \(prefix)"); return }
        #expect(!error.message.contains("\n"), "\(error.message)")
        #expect(error.message.hasPrefix(prefix), "\(error.message)")
        for p in parts { #expect(error.message.contains(p), "\(error.message) lacks \(p)") }
    }

    @Test func missingAndUnreadableFiles() throws {
        do { _ = try LabelledFile(path: "/nonexistent/data.csv"); Issue.record("read a missing file") } catch {
            check(error, "/nonexistent/data.csv", "no such file")
        }
        let folder = try DataFiles.write("", named: "x.csv")
        let dir = folder + ".d.csv"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        do { _ = try LabelledFile(path: dir); Issue.record("read a folder") } catch { check(error, dir, "cannot read") }
    }

    @Test func emptyFilesInEveryFormat() {
        check(DataFiles.error(""), "t.csv", "empty")
        check(DataFiles.error("\n\n"), "t.csv", "empty")
        check(DataFiles.error("", .tsv, path: "t.tsv"), "t.tsv", "empty")
        check(DataFiles.error("\n", .json, path: "t.jsonl"), "t.jsonl", "empty")
        check(DataFiles.error("text,label\n"), "t.csv", "no rows")
    }

    @Test func noSuchColumnListsTheColumns() {
        check(DataFiles.error("body,label\nhi,x\n"), "t.csv", "no column 'text'", "'body', 'label'", "--text-column")
        check(DataFiles.error("text,class\nhi,x\n"), "t.csv", "no column 'label'", "--label-column")
        check(DataFiles.error("{\"body\": \"hi\", \"label\": \"x\"}\n", .json, path: "t.jsonl"), "t.jsonl", "no column 'text'", "'body'")
    }

    @Test func rowsWithTooFewOrTooManyFields() {
        check(DataFiles.error("text,label\na,x\nb\n"), "t.csv:3:", "1 fields where the header has 2")
        check(DataFiles.error("text,label\na,x,y\n"), "t.csv:2:", "3 fields", "quote a field that holds a comma")
        check(DataFiles.error("text\tlabel\na\n", .tsv, path: "t.tsv"), "t.tsv:2:", "tab")
    }

    @Test func unclosedQuoteNamesItsLine() {
        check(DataFiles.error("text,label\na,x\n\"open,y\nmore\n"), "t.csv:3:", "never closes")
    }

    @Test func badJSONLines() {
        check(DataFiles.error("{\"text\": \"a\", \"label\": \"x\"}\n{oops\n", .json, path: "t.jsonl"), "t.jsonl:2:", "not valid JSON")
        check(DataFiles.error("\"just text\"\n", .json, path: "t.jsonl"), "t.jsonl:1:", "not a JSON object")
        check(DataFiles.error("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n", .json, path: "t.jsonl"), "t.jsonl:2:", "empty 'label' label")
    }

    @Test func emptyLabelNamesItsRow() {
        check(DataFiles.error("text,label\na,x\nb, \n"), "t.csv:3:", "empty 'label' label")
    }

    @Test func everyTextEmptyIsAnError() {
        check(DataFiles.error("text,label\n  ,x\n\"\",y\n"), "t.csv", "every text", "empty (2 rows)", "--text-column")
    }

    @Test func oneClassIsRefused() throws {
        let file = try DataFiles.read("text,label\na,pos\nb,pos\n")
        #expect(throws: DataError.self) { try LabelledTexts(file) }
        do { _ = try LabelledTexts(file) } catch { check(error, "t.csv", "'pos'", "at least two labels") }
    }

    @Test func labelsSortedAndMappedOntoAModelsLabels() throws {
        let file = try DataFiles.read("text,label\na,pos\nb,neg\nc,neu\nd,pos\n")
        let data = try LabelledTexts(file)
        #expect(data.labelNames == ["neg", "neu", "pos"])
        #expect(data.labels == [2, 0, 1, 2])
        #expect(data.classCounts == [1, 1, 2])
        let mapped = try LabelledTexts(file, labelNames: ["pos", "neg", "neu", "other"])
        #expect(mapped.labels == [0, 1, 2, 0])
        #expect(mapped.labelNames == ["pos", "neg", "neu", "other"])
        do { _ = try LabelledTexts(file, labelNames: ["pos", "neg"]); Issue.record("mapped an unknown label") } catch {
            check(error, "t.csv:4:", "label 'neu'", "pos, neg")
        }
    }
}
