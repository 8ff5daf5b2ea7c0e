import ArgumentParser
import Foundation
import DuradoraHTTP

/// `duradora client`: the WAV service's test client, with its flags and output (`-m reg_user -u NAME` → `User ID:`
/// and `Token:`; `-m wav_upload -d USER_ID -t TOKEN -i FILE` → `Download link:`; `-m mp3_download -o FILE -a URL`),
/// plus readable subcommands (`register`, `upload`, `download`). It talks to the seed-style routes (`POST /user`,
/// `POST /record`, the returned link); files stream in and out, never whole in memory.
struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Register a user, upload a WAV, download its MP3 (the earlier WAV service's client).",
        subcommands: [Register.self, Upload.self, Download.self])

    static let defaultAddress = "http://127.0.0.1:8080"

    @Option(name: .short, help: "Mode: reg_user, wav_upload or mp3_download.")
    var m: String?
    @Option(name: .short, help: "reg_user: the new username.")
    var u: String?
    @Option(name: .short, help: "wav_upload: the user id.")
    var d: String?
    @Option(name: .short, help: "wav_upload: the user's token.")
    var t: String?
    @Option(name: .short, help: "wav_upload: the WAV file to upload.")
    var i: String?
    @Option(name: .short, help: "mp3_download: where to save the MP3.")
    var o: String?
    @Option(name: .short, help: "The server's base address; for mp3_download, the download link.")
    var a: String?

    func run() throws {
        guard let mode = m else { throw CleanExit.helpRequest(self) }
        func need(_ value: String?, _ flag: String) throws -> String {
            guard let value, !value.isEmpty else { throw ValidationError("-m \(mode) needs -\(flag)") }
            return value
        }
        switch mode {
        case "reg_user":
            try ClientCalls.register(base: a ?? Self.defaultAddress, username: need(u, "u"))
        case "wav_upload":
            try ClientCalls.upload(base: a ?? Self.defaultAddress, userID: need(d, "d"), token: need(t, "t"), file: need(i, "i"))
        case "mp3_download":
            try ClientCalls.download(link: need(a, "a"), to: need(o, "o"))
        default:
            throw ValidationError("unknown mode \(mode): use reg_user, wav_upload or mp3_download")
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints its id and token.")
        @Argument(help: "The new username.") var username: String
        @Option(name: .long, help: "The server's address.") var server = ClientCommand.defaultAddress
        func run() throws { try ClientCalls.register(base: server, username: username) }
    }

    struct Upload: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upload an audio file; prints its download link.")
        @Argument(help: "The audio file (WAV, FLAC, …).") var file: String
        @Option(name: .long, help: "The user id.") var user: String
        @Option(name: .long, help: "The user's token.") var token: String
        @Option(name: .long, help: "The server's address.") var server = ClientCommand.defaultAddress
        func run() throws { try ClientCalls.upload(base: server, userID: user, token: token, file: file) }
    }

    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save the MP3 behind a download link.")
        @Argument(help: "The download link an upload printed.") var link: String
        @Option(name: .shortAndLong, help: "Where to save it.") var output: String
        func run() throws { try ClientCalls.download(link: link, to: output) }
    }
}

/// The three calls, shared by the flags and the subcommands.
enum ClientCalls {
    static func register(base: String, username: String) throws {
        let body = try JSONSerialization.data(withJSONObject: ["username": username])
        let json = try call("POST", url(base, "/user"), headers: [("Content-Type", "application/json")], body: [.bytes(Array(body))])
        print("User ID: \(json["user_id"] as? String ?? "")")
        print("Token: \(json["token"] as? String ?? "")")
    }

    static func upload(base: String, userID: String, token: String, file: String) throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw failure("cannot read \(file)") }
        let boundary = "duradora-client-\(UUID().uuidString)"
        func field(_ name: String, _ value: String) -> [UInt8] {
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        let filename = (file as NSString).lastPathComponent.replacingOccurrences(of: "\"", with: "_")
        let fileHead = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
            + "Content-Type: audio/wav\r\n\r\n"
        let json = try call("POST", url(base, "/record"),
                            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                            body: [.bytes(field("user_id", userID) + field("token", token) + Array(fileHead.utf8)),
                                   .file(file), .bytes(Array("\r\n--\(boundary)--\r\n".utf8))])
        print("Download link: \(json["url"] as? String ?? "")")
    }

    /// Into a temporary file beside `path`, renamed into place once complete: a failed download leaves nothing.
    static func download(link: String, to path: String) throws {
        let partial = path + ".part"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let output = FileHandle(forWritingAtPath: partial) else { throw failure("cannot write \(path)") }
        var isComplete = false
        defer {
            try? output.close()
            if !isComplete { try? FileManager.default.removeItem(atPath: partial) }
        }
        // An error answer lands in the temporary file too, which is then removed.
        let head = try PlainHTTPClient.send("GET", link) { piece in try output.write(contentsOf: piece) }
        guard (200..<300).contains(head.status) else { throw failure("download failed: HTTP \(head.status)") }
        try output.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        isComplete = true
    }

    /// A JSON call; a non-2xx answer exits 1 with the server's message.
    private static func call(_ method: String, _ url: String, headers: [(String, String)], body: [PlainHTTPClient.Part])
        throws -> [String: Any]
    {
        var bytes: [UInt8] = []
        let head = try PlainHTTPClient.send(method, url, headers: headers, body: body) { piece in
            guard bytes.count < 1 << 20 else { throw failure("the answer is too large") }
            bytes += piece
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
        guard (200..<300).contains(head.status) else {
            let message = (json["error"] as? [String: Any])?["message"] as? String ?? String(decoding: bytes, as: UTF8.self)
            throw failure("HTTP \(head.status): \(message)")
        }
        return json
    }

    private static func url(_ base: String, _ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    private static func failure(_ message: String) -> Error {
        FileHandle.standardError.write(Data("duradora client: \(message)\n".utf8))
        return ExitCode.failure
    }
}
