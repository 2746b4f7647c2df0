import QVFormat
import QVRuntime
import QVText

// The functions of include/qv.h, exported with C names. Handles are retained Swift objects
// passed as opaque pointers; nothing here throws or traps on a caller's bad input: a null
// pointer, a bad file or an input that does not fit comes back as a qv_status.

private func model(_ pointer: OpaquePointer?) -> ModelHandle? {
    pointer.map { Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

private func session(_ pointer: OpaquePointer?) -> SessionHandle? {
    pointer.map { Unmanaged<SessionHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

/// String `index` of a model's C strings, or NULL past the last (or for a NULL model).
private func string(_ index: Int, of strings: [CArray<CChar>]?) -> UnsafePointer<CChar>? {
    guard let strings, strings.indices.contains(index) else { return nil }
    return strings[index].address
}

/// Stores a new handle in `out`, or writes the error to the caller's message buffer.
private func create<Handle: AnyObject>(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ size: Int,
                                       _ make: () throws(APIError) -> Handle) -> Int32 {
    guard let out else {
        write("the handle pointer is NULL", to: message, size: size)
        return APIError.Status.argument.rawValue
    }
    out.pointee = nil
    do throws(APIError) {
        out.pointee = OpaquePointer(Unmanaged.passRetained(try make()).toOpaque())
        write("", to: message, size: size)
        return APIError.Status.ok.rawValue
    } catch {
        write(error.message, to: message, size: size)
        return error.status.rawValue
    }
}

@_cdecl("qv_model_load_memory")
public func qvModelLoadMemory(_ bytes: UnsafeRawPointer?, _ size: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                              _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> Int32 {
    create(out, message, messageSize) { () throws(APIError) in
        guard let bytes else { throw APIError(.argument, "the model bytes are NULL") }
        return try ModelHandle(copying: UnsafeRawBufferPointer(start: bytes, count: size))
    }
}

@_cdecl("qv_model_load_file")
public func qvModelLoadFile(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                            _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> Int32 {
    create(out, message, messageSize) { () throws(APIError) in
        guard let path else { throw APIError(.argument, "the path is NULL") }
        return try ModelHandle(path: String(cString: path))
    }
}

@_cdecl("qv_model_free")
public func qvModelFree(_ pointer: OpaquePointer?) {
    if let pointer { Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(pointer)).release() }
}

@_cdecl("qv_model_takes_text")
public func qvModelTakesText(_ pointer: OpaquePointer?) -> Int32 { model(pointer)?.tokenizer != nil ? 1 : 0 }

@_cdecl("qv_model_max_tokens")
public func qvModelMaxTokens(_ pointer: OpaquePointer?) -> Int { model(pointer)?.model.maxTokens ?? 0 }

@_cdecl("qv_model_output_count")
public func qvModelOutputCount(_ pointer: OpaquePointer?) -> Int { model(pointer)?.outputNames.count ?? 0 }

@_cdecl("qv_model_output_name")
public func qvModelOutputName(_ pointer: OpaquePointer?, _ index: Int) -> UnsafePointer<CChar>? {
    string(index, of: model(pointer)?.outputNames)
}

@_cdecl("qv_model_output_role")
public func qvModelOutputRole(_ pointer: OpaquePointer?, _ index: Int) -> UInt32 {
    guard let outputs = model(pointer)?.model.outputs, outputs.indices.contains(index) else { return UInt32(QVB.IORole.tensor.rawValue) }
    return UInt32(outputs[index].role.rawValue)
}

@_cdecl("qv_model_label_count")
public func qvModelLabelCount(_ pointer: OpaquePointer?) -> Int { model(pointer)?.labels.count ?? 0 }

@_cdecl("qv_model_label")
public func qvModelLabel(_ pointer: OpaquePointer?, _ index: Int) -> UnsafePointer<CChar>? {
    string(index, of: model(pointer)?.labels)
}

@_cdecl("qv_session_create")
public func qvSessionCreate(_ modelPointer: OpaquePointer?, _ threads: Int32, _ memoryBudget: Int,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> Int32 {
    create(out, message, messageSize) { () throws(APIError) in
        guard let handle = model(modelPointer) else { throw APIError(.argument, "the model is NULL") }
        guard memoryBudget >= 0 else { throw APIError(.argument, "the memory budget \(memoryBudget) is negative") }
        return try SessionHandle(model: handle, threads: Int(threads),
                                 memoryBudget: memoryBudget == 0 ? InferenceSession.defaultMemoryBudget : memoryBudget)
    }
}

@_cdecl("qv_session_free")
public func qvSessionFree(_ pointer: OpaquePointer?) {
    if let pointer { Unmanaged<SessionHandle>.fromOpaque(UnsafeRawPointer(pointer)).release() }
}

@_cdecl("qv_session_run_text")
public func qvSessionRunText(_ pointer: OpaquePointer?, _ text: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(pointer) else { return APIError.Status.argument.rawValue }
    return s.record { () throws(APIError) in
        guard let text else { throw APIError(.argument, "the text is NULL") }
        guard let tokenizer = s.model.tokenizer, let port = s.model.model.input(role: .tokenIds) else {
            // The model's own reason (no tokenizer, or no token ids input).
            do throws(RuntimeError) { _ = try s.model.model.tokenizer() } catch { throw APIError(.unsupported, error.message) }
            throw APIError(.unsupported, "the model takes no text")
        }
        let string = String(cString: text)
        guard !string.allSatisfy({ $0.isWhitespace }) else {
            throw APIError(.input, "the text is empty; give some text to run the model on")
        }
        let ids = tokenizer.encode(string)
        try ids.withUnsafeBufferPointer { buffer throws(APIError) in
            try s.run([ModelInput(name: port.name, data: .int32s(buffer))], ids: ids)
        }
    }
}

@_cdecl("qv_session_run_ids")
public func qvSessionRunIds(_ pointer: OpaquePointer?, _ ids: UnsafePointer<Int32>?, _ count: Int) -> Int32 {
    guard let s = session(pointer) else { return APIError.Status.argument.rawValue }
    return s.record { () throws(APIError) in
        guard let ids, count > 0 else { throw APIError(.argument, "no token ids (NULL or a count of 0)") }
        guard let port = s.model.model.input(role: .tokenIds) else {
            throw APIError(.unsupported, "the model takes no token ids; run it with qv_session_run_floats")
        }
        let buffer = UnsafeBufferPointer(start: ids, count: count)
        try s.run([ModelInput(name: port.name, data: .int32s(buffer))], ids: Array(buffer))
    }
}

@_cdecl("qv_session_run_floats")
public func qvSessionRunFloats(_ pointer: OpaquePointer?, _ values: UnsafePointer<Float>?, _ count: Int) -> Int32 {
    guard let s = session(pointer) else { return APIError.Status.argument.rawValue }
    return s.record { () throws(APIError) in
        guard let values, count > 0 else { throw APIError(.argument, "no values (NULL or a count of 0)") }
        let inputs = s.model.model.inputs
        guard inputs.count == 1, inputs[0].elements == .floats else {
            throw APIError(.unsupported, "the model does not take one FP32 input (it takes \(inputs.count) inputs); run it with qv_session_run_text or qv_session_run_ids")
        }
        try s.run([ModelInput(name: inputs[0].name, data: .floats(UnsafeBufferPointer(start: values, count: count)))], ids: [])
    }
}

@_cdecl("qv_session_output")
public func qvSessionOutput(_ pointer: OpaquePointer?, _ index: Int, _ values: UnsafeMutablePointer<UnsafePointer<Float>?>?,
                            _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let s = session(pointer), let values, let count else { return APIError.Status.argument.rawValue }
    guard s.outputs.indices.contains(index) else { return APIError.Status.unsupported.rawValue }
    guard let output = s.outputs[index] else { return APIError.Status.unsupported.rawValue }
    values.pointee = output.address
    count.pointee = output.count
    return APIError.Status.ok.rawValue
}

@_cdecl("qv_session_ids")
public func qvSessionIds(_ pointer: OpaquePointer?, _ ids: UnsafeMutablePointer<UnsafePointer<Int32>?>?,
                         _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let s = session(pointer), let ids, let count else { return APIError.Status.argument.rawValue }
    ids.pointee = s.ids.address
    count.pointee = s.ids.count
    return APIError.Status.ok.rawValue
}

@_cdecl("qv_session_error")
public func qvSessionError(_ pointer: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let s = session(pointer) else { return nil }
    return s.error.address
}
