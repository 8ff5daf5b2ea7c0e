import DuradoraHTTP
import Foundation

/// Reads an upload request as its body arrives: `multipart/form-data` (text fields plus one `file` part, in any
/// order) or a raw `audio/*` (or `application/octet-stream`) body. Audio bytes go straight into a temporary file
/// under `uploads/incoming/`, so memory stays bounded by the request body's buffer whatever the upload's size.
/// On any failure (client gone, malformed multipart, disk error) the temporary file is removed before throwing.
struct TrackUploadReceiver {
    /// What was received: the text fields (multipart fields, or the query string for raw bodies) and the audio.
    struct Form {
        var fields: [String: String] = [:]
        var upload: UploadedAudio?
    }

    /// Text fields are metadata: small. This bounds all of them together.
    static let maxFieldBytes = 64 * 1024
    static let fileField = "file"

    let files: TrackFiles

    func receive(_ request: Request) throws -> Form {
        guard let contentTypeValue = request.headers[.contentType] else {
            // No body type: metadata in the query only (a track without audio), unless bytes were sent anyway.
            if let length = request.body.expectedLength, length > 0 {
                throw APIError.unsupportedMediaType("Send multipart/form-data or an audio/* body.")
            }
            return Form(fields: Self.queryFields(request))
        }
        let mediaType: MediaType
        do {
            mediaType = try MediaType(parsing: contentTypeValue)
        } catch {
            throw APIError.badRequest("The Content-Type header is malformed.")
        }
        switch mediaType.essence {
        case "multipart/form-data":
            return try receiveMultipart(request, contentType: contentTypeValue)
        case _ where mediaType.type == "audio", "application/octet-stream":
            let path = try files.makeIncomingPath()
            try stream(request, into: path)
            return Form(fields: Self.queryFields(request), upload: UploadedAudio(path: path, filename: nil))
        default:
            throw APIError.unsupportedMediaType(
                "A track upload is multipart/form-data or an audio/* body, not \(mediaType.essence).")
        }
    }

    /// Raw body → file.
    private func stream(_ request: Request, into path: String) throws {
        var isComplete = false
        defer { if !isComplete { StagedAudioFile.remove(path) } }
        let output = try BinaryFile.create(path)
        defer { output.close() }
        while let chunk = try Self.read(request.body) {
            try output.write(chunk)
        }
        isComplete = true
    }

    private func receiveMultipart(_ request: Request, contentType: String) throws -> Form {
        var parser: MultipartParser
        do {
            parser = try MultipartParser(contentType: contentType)
        } catch {
            throw APIError.badRequest(error.message)
        }
        var form = Form()
        var fileState: (path: String, output: BinaryFile, filename: String?, bytes: Int64)?
        var currentField: (name: String, bytes: [UInt8])?
        var isInFile = false
        var fieldBytes = 0
        var isComplete = false
        defer {
            fileState?.output.close()
            if !isComplete, let path = fileState?.path { StagedAudioFile.remove(path) }
        }

        func handle(_ event: MultipartEvent) throws {
            switch event {
            case .partBegin(let head):
                if head.name == Self.fileField {
                    guard fileState == nil else { throw APIError.badRequest("Send one \"file\" part per upload.") }
                    let path = try files.makeIncomingPath()
                    fileState = (path, try BinaryFile.create(path), head.filename, 0)
                    isInFile = true
                } else if head.isFile {
                    // Audio under another name would otherwise be read as a (too long) text field.
                    throw APIError.invalidField(head.name, "is a file part; send the audio as \"\(Self.fileField)\"")
                } else {
                    currentField = (head.name, [])
                }
            case .partData(let bytes):
                if isInFile {
                    try fileState?.output.write(bytes)
                    fileState?.bytes += Int64(bytes.count)
                } else if currentField != nil {
                    fieldBytes += bytes.count
                    guard fieldBytes <= Self.maxFieldBytes else {
                        throw APIError.bodyTooLarge(limit: Int64(Self.maxFieldBytes))
                    }
                    currentField?.bytes += bytes
                }
            case .partEnd:
                if let field = currentField, form.fields[field.name] == nil {
                    form.fields[field.name] = String(decoding: field.bytes, as: UTF8.self)
                }
                currentField = nil
                isInFile = false
            case .end:
                break
            }
        }

        do {
            while let chunk = try Self.read(request.body) {
                parser.append(chunk)
                while let event = try parser.next() { try handle(event) }
            }
            try parser.finish()
        } catch let error as MultipartError {
            throw APIError(status: error.status, code: error.kind.rawValue, message: error.message)
        }
        if let state = fileState {
            state.output.close()
            // A browser form with no file chosen sends an empty part with an empty file name: that is "no file".
            if state.bytes > 0 || !(state.filename ?? "").isEmpty {
                form.upload = UploadedAudio(path: state.path, filename: state.filename)
            } else {
                StagedAudioFile.remove(state.path)
            }
        }
        fileState = nil
        isComplete = true
        return form
    }

    /// The next body chunk, with body failures as the contract's statuses (a disconnected client gets no answer
    /// anyway, but the handler must stop and clean up).
    static func read(_ body: RequestBody) throws -> [UInt8]? {
        switch Result(catching: { () throws(RequestBodyError) -> [UInt8]? in try body.read() }) {
        case .success(let chunk): return chunk
        case .failure(.tooLarge(let limit)): throw APIError.bodyTooLarge(limit: Int64(limit))
        case .failure(.timeout):
            throw APIError(status: .requestTimeout, code: "request_timeout", message: "The request body stopped arriving.")
        case .failure(.disconnected):
            throw APIError(status: .badRequest, code: "client_disconnected", message: "The client went away mid-upload.")
        // The parser's verdict (413 for a chunked body over `server.max_body_bytes`, 400 for broken framing).
        case .failure(.malformed(let error)): throw APIError(status: error.status, code: error.code, message: error.message)
        }
    }

    static func queryFields(_ request: Request) -> [String: String] {
        var fields: [String: String] = [:]
        for item in request.queryItems where fields[item.name] == nil && item.name != "access_token" {
            fields[item.name] = item.value
        }
        return fields
    }
}
