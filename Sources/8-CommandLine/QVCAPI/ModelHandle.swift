import QVFormat
import QVRuntime
import QVText

/// What a `qv_model *` points to: the file's bytes (an aligned copy the model owns), the model,
/// its tokenizer when it takes text, and its output names as C strings.
final class ModelHandle {
    let bytes: UnsafeMutableRawBufferPointer
    let model: QVModel
    let tokenizer: WordPieceTokenizer?
    let outputNames: [UnsafeMutablePointer<CChar>]

    /// Copies `source` to 64-byte aligned memory and loads it.
    init(copying source: UnsafeRawBufferPointer) throws(APIError) {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if let base = source.baseAddress { bytes.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        let model: QVModel
        do throws(APIError) {
            let file: QVBFile
            do throws(QVBError) { file = try QVBFile(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<source.count])) } catch {
                throw APIError(error)
            }
            do throws(RuntimeError) { model = try QVModel(file: file) } catch { throw APIError(error) }
        } catch {
            bytes.deallocate()
            throw error
        }
        var tokenizer: WordPieceTokenizer?
        if model.metadata.tokenizer != nil, model.input(role: .tokenIds) != nil {
            do throws(RuntimeError) { tokenizer = try model.tokenizer() } catch {
                bytes.deallocate()
                throw APIError(error)
            }
        }
        self.bytes = bytes
        self.model = model
        self.tokenizer = tokenizer
        outputNames = model.outputs.map { port in
            let utf8 = Array(port.name.utf8)
            let name = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
            for (i, byte) in utf8.enumerated() { name[i] = CChar(bitPattern: byte) }
            name[utf8.count] = 0
            return name
        }
    }

    deinit {
        for name in outputNames { name.deallocate() }
        bytes.deallocate()
    }
}
