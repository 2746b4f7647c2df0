import QVFormat
import QVKernels
import QVRuntime
import QVText

/// The sentence every model digest runs (tokenized on the machine under test, so the WordPiece
/// tokenizer is compared too).
public let modelDigestText = "Hello, ARM64 board! qv runs BERT at 1-bit & 2-bit, naïvely fast."

/// Digests of one whole-model run: verifies and binds the `.qvb` in `bytes`, runs
/// `InferenceSession` on `modelDigestText` with kernel path `path` (serially) and prints the
/// token ids and the bits of the embedding and logits, one `name digest` line each.
public func modelDigestLines(bytes: UnsafeRawBufferPointer, path: KernelPath) -> [String] {
    let file: QVBFile
    do throws(QVBError) {
        file = try QVBFile(bytes: bytes)
    } catch {
        return ["model refused: \(error.message)"]
    }
    do throws(RuntimeError) {
        let session = try InferenceSession(model: try QVModel(file: file), path: path)
        let output = try session.run(text: modelDigestText, tokenizer: try session.model.tokenizer())
        var lines = [output.ids.withUnsafeBytes { "model ids \(output.ids.count) \(fnv1a($0))" }]
        if let embedding = output.embedding {
            lines.append(embedding.withUnsafeBytes { "model embedding \(embedding.count) \(fnv1a($0))" })
            let head = embedding.prefix(4).map { String($0.bitPattern, radix: 16) }.joined(separator: " ")
            lines.append("model embedding[0..<4] bits \(head)")
        }
        if let logits = output.logits {
            lines.append(logits.withUnsafeBytes { "model logits \(logits.count) \(fnv1a($0))" })
        }
        return lines
    } catch {
        return ["model failed: \(error.message)"]
    }
}
