import QVCommandLine
import QVRuntime
import QVText

let usage = """
usage: qvrun FILE.qvb --text "…" [--threads N] [--max-memory SIZE] [--json]
       qvrun FILE.qvb --input texts.txt [--threads N] [--max-memory SIZE] [--json]     (one text a line)
"""

let words = Array(CommandLine.arguments.dropFirst())
runCommand(program: "qvrun") { () throws(CommandLineError) in
    if words.contains("-h") || words.contains("--help") { print(usage); return }
    let args = try Arguments(words, valued: ["--text", "--input", "--threads", "--max-memory"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("give one .qvb file\n" + usage) }
    let texts: [String]
    switch (args.value("--text"), args.value("--input")) {
    case (let text?, nil):
        guard !text.allSatisfy(\.isWhitespace) else { throw .usage("--text is empty; give some text to run the model on") }
        texts = [text]
    case (nil, let path?): texts = try readTextLines(path: path)
    case (nil, nil): throw .usage("give --text or --input\n" + usage)
    default: throw .usage("give --text or --input, not both")
    }
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let budget = try args.memoryBudget()
    let loaded = try LoadedModel(path: args.positional[0])
    let pool = try ThreadPool(threads: threads)
    let session = try loaded.session(parallel: pool.parallelFor, memoryBudget: budget)
    let tokenizer: WordPieceTokenizer
    do throws(RuntimeError) { tokenizer = try loaded.model.tokenizer() } catch { throw CommandLineError("'\(args.positional[0])': \(error.message)") }
    var embeddings: [[Float]] = []
    for text in texts {
        let t0 = monotonicMilliseconds()
        let output: TextOutput
        do throws(RuntimeError) { output = try session.run(text: text, tokenizer: tokenizer) } catch { throw CommandLineError(error.message) }
        let ms = monotonicMilliseconds() - t0
        if args.has("--json") {
            print(outputJSON(text: text, output, labels: loaded.model.labels, milliseconds: ms).rendered)
        } else {
            print(outputSummary(text: text, output, labels: loaded.model.labels, milliseconds: ms))
        }
        if let e = output.embedding, texts.count <= similarityTableLimit { embeddings.append(e) }
    }
    if !args.has("--json"), texts.count > 1, loaded.model.output(role: .embedding) != nil {
        print(similarityTable(embeddings, of: texts.count))
    }
}
