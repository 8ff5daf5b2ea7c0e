import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `duradora client` (the built binary) against a real server, with the WAV service client's flags and output.
@Suite struct ClientCommandTests {
    /// Runs `duradora ARGUMENTS` → (exit status, standard output, standard error).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var executable = directory.appendingPathComponent("duradora")
        if !FileManager.default.isExecutableFile(atPath: executable.path) {
            executable = directory.deletingLastPathComponent().appendingPathComponent("duradora")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// The value after `label` on its line of `text`.
    static func value(_ label: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(label) }.map { String($0.dropFirst(label.count)) }
    }

    @Test func theClientsFlagsAndItsOutput() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let base = "http://127.0.0.1:\(app.port)"
        let registered = try Self.run(["client", "-m", "reg_user", "-u", "clienteer", "-a", base])
        #expect(registered.status == 0, "\(registered.error)")
        let userID = try #require(Self.value("User ID: ", in: registered.output))
        let token = try #require(Self.value("Token: ", in: registered.output))
        #expect(UUID(uuidString: userID) != nil && UUID(uuidString: token) != nil)

        let scratch = try AudioScratch()
        _ = try scratch.tone("voice.wav", seconds: 0.5)
        let uploaded = try Self.run(["client", "-m", "wav_upload", "-d", userID, "-t", token, "-i", scratch.path("voice.wav"),
                                     "-a", base])
        #expect(uploaded.status == 0, "\(uploaded.error)")
        let link = try #require(Self.value("Download link: ", in: uploaded.output))
        #expect(link.hasPrefix(base + "/record?id="))

        let saved = scratch.path("voice.mp3")
        let downloaded = try Self.run(["client", "-m", "mp3_download", "-o", saved, "-a", link])
        #expect(downloaded.status == 0, "\(downloaded.error)")
        let bytes = try scratch.bytes("voice.mp3")
        #expect(SeedRecordTests.isMP3(bytes))
        #expect(bytes == (try app.makeClient().get(SeedRecordTests.target(of: link)).body))

        // The readable spellings do the same.
        let again = try Self.run(["client", "register", "second", "--server", base])
        #expect(again.status == 0 && again.output.contains("User ID: "))
    }

    @Test func failuresSayWhatHappenedAndLeaveNoFile() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let base = "http://127.0.0.1:\(app.port)"
        let scratch = try AudioScratch()
        try AudioFixtures.writeText(to: scratch.path("notes.wav"))
        let badUpload = try Self.run(["client", "-m", "wav_upload", "-d", UUID().uuidString, "-t", UUID().uuidString,
                                      "-i", scratch.path("notes.wav"), "-a", base])
        #expect(badUpload.status == 1)
        #expect(badUpload.error.contains("HTTP 401"))
        let saved = scratch.path("missing.mp3")
        let badDownload = try Self.run(["client", "-m", "mp3_download", "-o", saved,
                                        "-a", "\(base)/record?id=\(UUID().uuidString)&user=\(UUID().uuidString)"])
        #expect(badDownload.status == 1 && badDownload.error.contains("404"))
        #expect(!FileManager.default.fileExists(atPath: saved) && !FileManager.default.fileExists(atPath: saved + ".part"))
        let taken = try Self.run(["client", "-m", "reg_user", "-u", "twice", "-a", base])
        #expect(taken.status == 0)
        let twice = try Self.run(["client", "-m", "reg_user", "-u", "twice", "-a", base])
        #expect(twice.status == 1 && twice.error.contains("409"))
        #expect(try Self.run(["client", "-m", "reg_user"]).status != 0)  // -u is required
    }
}
