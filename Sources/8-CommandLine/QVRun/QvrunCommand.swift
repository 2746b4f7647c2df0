import CQV
import QVHost
import QVRuntime

/// What `qvrun --help` prints.
let usage = """
usage: qvrun FILE.qvb --text "…" [--threads N] [--max-memory SIZE] [--json]
       qvrun FILE.qvb --input texts.txt [--threads N] [--max-memory SIZE] [--json]     (one text a line)
"""

/// `qvrun`, the same on every machine: the x86-64 executable and the ARM64 board binary both
/// enter here, and run the model through the C API (include/qv.h). Takes the arguments without
/// the program name; returns the exit status: 0, 1 for a failure, 2 for a usage error — each
/// failure one line on standard error.
public func qvrunMain(arguments: [String]) -> Int32 {
    do throws(CommandLineError) {
        try qvrun(arguments)
        return 0
    } catch {
        writeStandardError("qvrun: error: \(error.message)\n")
        return error.status
    }
}

#if hasFeature(Embedded)
/// The board binary's entry, called by its C `main` (tools/arm64/qvrun.c).
@_cdecl("qvrun_main")
public func qvrunMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    qvrunMain(arguments: (1..<max(Int(argc), 1)).compactMap { argv[$0].map { String(cString: $0) } })
}
#endif

/// Runs `qvrun` on its arguments (without the program name).
func qvrun(_ words: [String]) throws(CommandLineError) {
    if words.contains("-h") || words.contains("--help") { print(usage); return }
    let args = try Arguments(words, valued: ["--text", "--input", "--threads", "--max-memory"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("give one .qvb file\n" + usage) }
    let texts: [String]
    switch (args.value("--text"), args.value("--input")) {
    case (let text?, nil):
        guard !text.allSatisfy({ $0.isWhitespace }) else { throw .usage("--text is empty; give some text to run the model on") }
        texts = [text]
    case (nil, let path?): texts = try readTextLines(path: path)
    case (nil, nil): throw .usage("give --text or --input\n" + usage)
    default: throw .usage("give --text or --input, not both")
    }
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let budget = try args.memoryBudget()
    let model = try APIModel(path: args.positional[0])
    let session = try APISession(model: model, threads: threads, memoryBudget: budget)
    let labels = model.labels, json = args.has("--json")
    var embeddings: [[Float]] = []
    for text in texts {
        let t0 = monotonicMilliseconds()
        let output = try session.run(text: text)
        let ms = monotonicMilliseconds() - t0
        if json {
            print(outputJSON(text: text, output, labels: labels, milliseconds: ms).rendered)
        } else {
            print(outputSummary(text: text, output, labels: labels, milliseconds: ms))
        }
        if let e = output.embedding, texts.count <= similarityTableLimit { embeddings.append(e) }
    }
    if !json, texts.count > 1, model.hasOutput(QV_ROLE_EMBEDDING) {
        print(similarityTable(embeddings, of: texts.count))
    }
}
