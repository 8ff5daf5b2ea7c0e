import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Our frame scanner against libsndfile's decoder (mpg123), on MP3s from our own encoder.
@Suite struct AudioMP3InfoTests {
    struct Case: Sendable, CustomStringConvertible {
        var seconds: Double
        var sampleRate: Int
        var channels: Int
        var settings: MP3EncoderSettings
        var description: String { "\(seconds)s \(sampleRate) Hz \(channels) ch \(settings.mode)" }
    }

    static let cases = [
        Case(seconds: 2, sampleRate: 44100, channels: 2, settings: .constantBitrate(128)),
        Case(seconds: 3, sampleRate: 48000, channels: 2, settings: .variableBitrate(quality: 2)),
        Case(seconds: 1.5, sampleRate: 22050, channels: 1, settings: .variableBitrate(quality: 6)),
        Case(seconds: 2, sampleRate: 8000, channels: 1, settings: .constantBitrate(32)),
    ]

    @Test(arguments: cases)
    func durationAgreesWithLibsndfile(testCase: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("x.mp3")
        try AudioFixtures.writeMP3(to: path, seconds: testCase.seconds, sampleRate: testCase.sampleRate,
                                   channels: testCase.channels, settings: testCase.settings)

        let info = try MP3Info(path: path)
        let decoded = try AudioFixtures.decode(path)

        #expect(info.sampleRate == testCase.sampleRate && info.channels == testCase.channels)
        #expect(decoded.sampleRate == info.sampleRate && decoded.channels == info.channels)
        expectWithinOnePercent(info.durationSeconds, Double(decoded.frames) / Double(decoded.sampleRate))
        expectWithinOnePercent(info.durationSeconds, testCase.seconds)
        #expect(info.declaredFrameCount == info.frameCount)
        #expect(info.encoderDelay > 0)
        #expect(info.audioOffset == 0)
    }

    @Test func trailingID3v1AndLeadingID3v2AreSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("tagged.mp3")
        try AudioFixtures.writeMP3(to: path, seconds: 1, tag: ID3Tag(title: "Lead"))
        let plain = try MP3Info(path: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(Array("TAG".utf8) + [UInt8](repeating: 0x20, count: 125)))
        try handle.close()

        let info = try MP3Info(path: path)

        #expect(info.audioOffset == Int64(ID3Tag(title: "Lead").encoded().count))
        #expect(info.frameCount == plain.frameCount && info.durationSeconds == plain.durationSeconds)
    }

    @Test func nonMP3IsUndecodable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wav = directory.path("a.wav")
        try AudioFixtures.writeTone(to: wav, seconds: 0.5)
        #expect(throws: AudioError.self) { try MP3Info(path: wav) }
        let text = directory.path("a.txt")
        try AudioFixtures.writeText(to: text)
        #expect(throws: AudioError.self) { try MP3Info(path: text) }
    }

    @Test func frameHeaderFields() throws {
        let header = try #require(MPEGFrameHeader([0xFF, 0xFB, 0x90, 0x64]))   // MPEG-1 L3 128 kbps 44.1 kHz
        #expect(header.version == .mpeg1 && header.layer == 3 && header.bitrate == 128 && header.sampleRate == 44100)
        #expect(header.length == 417 && header.samplesPerFrame == 1152 && header.channels == 2)
        let padded = try #require(MPEGFrameHeader([0xFF, 0xFB, 0x92, 0xC4]))
        #expect(padded.length == 418 && padded.isMono)
        let low = try #require(MPEGFrameHeader([0xFF, 0xE3, 0x18, 0xC4]))     // MPEG-2.5 L3 8 kbps... 
        #expect(low.version == .mpeg25 && low.samplesPerFrame == 576)
        #expect(MPEGFrameHeader([0xFF, 0xFB, 0xF0, 0x64]) == nil)              // bad bitrate index
        #expect(MPEGFrameHeader([0xFF, 0xFB, 0x9C, 0x64]) == nil)              // reserved sample rate
        #expect(MPEGFrameHeader([0x49, 0x44, 0x33, 0x04]) == nil)
    }

    @Test func downmixKeepsCentreInTheMiddle() {
        let mixer = Downmixer(inputChannels: 6)
        let centreOnly: [Float] = [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]   // frame 1: C; frame 2: LFE (dropped)
        var output = [Float](repeating: -1, count: 4)
        centreOnly.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { mixer.mix(input, frames: 2, into: $0) }
        }
        #expect(output[0] == output[1] && output[0] > 0.2)
        #expect(output[2] == 0 && output[3] == 0)
    }
}
