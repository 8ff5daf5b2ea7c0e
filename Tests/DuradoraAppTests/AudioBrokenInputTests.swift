import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Input the upload path must refuse with 415: each gives an input error and leaves no file behind.
@Suite struct AudioBrokenInputTests {
    enum Breakage: String, CaseIterable, Sendable {
        case empty, text, randomBytes, truncatedWAV, wavHeaderClaimsTooMuch, truncatedFLAC, truncatedMP3, truncatedAIFF, truncatedOgg
    }

    @Test(arguments: Breakage.allCases)
    func brokenInputIsAnInputErrorAndLeavesNothing(breakage: Breakage) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("upload.bin")
        try make(breakage, at: input, scratch: directory)
        let destination = directory.path("track.mp3")

        var thrown: AudioError?
        do {
            _ = try Transcoder().transcode(from: input, replacing: destination)
        } catch let error as AudioError {
            thrown = error
        }

        let error = try #require(thrown, "\(breakage) was accepted")
        #expect(error.isInputError, "\(breakage): \(error)")
        switch breakage {
        case .empty, .text, .randomBytes:
            #expect(error.isUndecodable, "\(error)")
        case .truncatedWAV, .wavHeaderClaimsTooMuch, .truncatedMP3, .truncatedAIFF, .truncatedFLAC, .truncatedOgg:
            #expect(error.isTruncatedOrDecode, "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["upload.bin"])
        // The plan (what the upload path asks first) refuses the same files it can recognise from headers.
        if [.empty, .text, .wavHeaderClaimsTooMuch, .truncatedOgg].contains(breakage) {
            #expect(throws: AudioError.self) { try Transcoder().plan(source: input) }
        }
    }

    @Test func failedTranscodeKeepsTheExistingDestination() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("bad.wav")
        try AudioFixtures.writeText(to: input)
        let destination = directory.path("track.mp3")
        try AudioFixtures.writeMP3(to: destination)
        let before = try Data(contentsOf: URL(fileURLWithPath: destination))

        #expect(throws: AudioError.self) { try Transcoder().transcode(from: input, replacing: destination) }

        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["bad.wav", "track.mp3"])
    }

    @Test func missingInputIsNotAnInputError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: AudioError.self) {
            try Transcoder().transcode(from: directory.path("nothing.wav"), to: directory.path("out.mp3"))
        }
        #expect(error == .io(operation: "open", path: directory.path("nothing.wav"), code: ENOENT))
        #expect(error?.isInputError == false)
        #expect(!FileManager.default.fileExists(atPath: directory.path("out.mp3")))
    }

    private func make(_ breakage: Breakage, at path: String, scratch: TemporaryDirectory) throws {
        switch breakage {
        case .empty:
            try AudioFixtures.writeEmpty(to: path)
        case .text:
            try AudioFixtures.writeText(to: path)
        case .randomBytes:
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<65536).map { _ in UInt8.random(in: 0...0xFE, using: &generator) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        case .truncatedWAV:
            try AudioFixtures.writeTone(to: path, format: .wav16, seconds: 2)
            try AudioFixtures.truncate(path, keeping: 0.6)
        case .wavHeaderClaimsTooMuch:
            try AudioFixtures.writeTone(to: path, format: .wav16, seconds: 1)
            try AudioFixtures.inflateDeclaredDataLength(ofWAV: path)
        case .truncatedAIFF:
            try AudioFixtures.writeTone(to: path, format: .aiff16, seconds: 2)
            try AudioFixtures.truncate(path, keeping: 0.5)
        case .truncatedFLAC:
            try AudioFixtures.writeTone(to: path, format: .flac16, seconds: 2, noise: 0.1)
            try AudioFixtures.truncate(path, keeping: 0.5)
        case .truncatedOgg:
            try AudioFixtures.writeTone(to: path, format: .oggVorbis, seconds: 2, noise: 0.1)
            try AudioFixtures.truncate(path, keeping: 0.5)
        case .truncatedMP3:
            try AudioFixtures.writeMP3(to: path, seconds: 2)
            try AudioFixtures.truncate(path, keeping: 0.5)
        }
    }
}

extension AudioError {
    var isUndecodable: Bool {
        if case .undecodable = self { true } else { false }
    }

    var isTruncatedOrDecode: Bool {
        switch self {
        case .truncated, .decode: true
        default: false
        }
    }
}
