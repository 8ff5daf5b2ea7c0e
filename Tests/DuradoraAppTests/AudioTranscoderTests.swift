import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Real files in, real MP3s out: every result is decoded again with libsndfile and measured.
@Suite struct AudioTranscoderTests {
    static let inputFormats: [SoundFileFormat] = [.wav16, .wav24, .aiff16, .flac16, .oggVorbis]

    @Test(arguments: inputFormats)
    func everyFormatBecomesAnMP3OfTheSameLength(format: SoundFileFormat) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("input.\(format.fileExtension)")
        let frames = try AudioFixtures.writeTone(to: input, format: format, seconds: 2)
        let output = directory.path("output.mp3")

        let info = try Transcoder(settings: .constantBitrate(128)).transcode(from: input, to: output)

        #expect(!info.wasStoredAsIs)
        #expect(info.sampleRate == 44100 && info.channels == 2 && info.bitrate == 128)
        #expect(info.sizeBytes == Int64(try AudioFixtures.fileSize(output)))
        expectWithinOnePercent(info.durationSeconds, Double(frames) / 44100)
        let decoded = try AudioFixtures.decode(output)
        #expect(decoded.sampleRate == 44100 && decoded.channels == 2)
        expectWithinOnePercent(Double(decoded.frames), Double(frames))
        expectWithinOnePercent(try MP3Info(path: output).durationSeconds, Double(frames) / 44100)
    }

    @Test func oggOpusBecomesAnMP3OfTheSameLength() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("voice.opus")
        try AudioFixtures.writeTone(to: input, format: SoundFileFormat(.oggOpus), seconds: 2, sampleRate: 48000)
        let output = directory.path("voice.mp3")

        let info = try Transcoder().transcode(from: input, to: output)

        #expect(info.sampleRate == 48000 && info.channels == 2)
        expectWithinOnePercent(info.durationSeconds, 2)
        expectWithinOnePercent(try MP3Info(path: output).durationSeconds, 2)
        expectWithinOnePercent(Double(try AudioFixtures.decode(output).frames), 96000)
    }

    @Test func monoAtEightKilohertzStaysMono() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("phone.wav")
        let frames = try AudioFixtures.writeTone(to: input, seconds: 2, sampleRate: 8000, channels: 1)
        let output = directory.path("phone.mp3")

        // 192 kbps is more than MPEG-2.5 can carry: LAME settles on the highest legal rate.
        let info = try Transcoder(settings: .constantBitrate(192)).transcode(from: input, to: output)

        #expect(info.sampleRate == 8000 && info.channels == 1)
        #expect(info.bitrate > 0 && info.bitrate <= 160)
        let decoded = try AudioFixtures.decode(output)
        #expect(decoded.sampleRate == 8000 && decoded.channels == 1)
        expectWithinOnePercent(Double(decoded.frames), Double(frames))
        expectWithinOnePercent(try MP3Info(path: output).durationSeconds, 2)
    }

    @Test func highResolutionInputIsResampledToAnMP3Rate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("studio.wav")
        try AudioFixtures.writeTone(to: input, format: .wav24, seconds: 2, sampleRate: 96000)
        let output = directory.path("studio.mp3")

        let info = try Transcoder(settings: .variableBitrate(quality: 2)).transcode(from: input, to: output)

        #expect(LameEncoder.legalSampleRates.contains(info.sampleRate))
        #expect(info.sampleRate >= 32000)
        expectWithinOnePercent(info.durationSeconds, 2)
        let decoded = try AudioFixtures.decode(output)
        #expect(decoded.sampleRate == info.sampleRate)
        expectWithinOnePercent(Double(decoded.frames) / Double(decoded.sampleRate), 2)
    }

    @Test func sixChannelsAreDownmixedToStereo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("surround.wav")
        try AudioFixtures.writeTone(to: input, seconds: 1, sampleRate: 48000, channels: 6)
        let output = directory.path("surround.mp3")

        let info = try Transcoder().transcode(from: input, to: output)

        #expect(info.channels == 2 && info.sampleRate == 48000)
        let decoded = try AudioFixtures.decode(output)
        #expect(decoded.channels == 2)
        expectWithinOnePercent(Double(decoded.frames), 48000)
    }

    @Test func unusualSampleRateIsResampled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("odd.flac")
        try AudioFixtures.writeTone(to: input, format: .flac16, seconds: 1, sampleRate: 37800, channels: 2)
        let output = directory.path("odd.mp3")

        let info = try Transcoder().transcode(from: input, to: output)

        #expect(LameEncoder.legalSampleRates.contains(info.sampleRate))
        expectWithinOnePercent(try MP3Info(path: output).durationSeconds, 1)
    }

    @Test(arguments: [44, 441, 1323, 4410])
    func audioShorterThanAFrameKeepsItsExactLength(frames: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("blip.wav")
        try AudioFixtures.writeTone(to: input, seconds: Double(frames) / 44100)
        let output = directory.path("blip.mp3")

        _ = try Transcoder().transcode(from: input, to: output)

        // The LAME tag's delay and padding let decoders trim to the exact sample count.
        #expect(try AudioFixtures.decode(output).frames == frames)
        #expect(abs(try MP3Info(path: output).durationSeconds - Double(frames) / 44100) < 1e-9)
    }

    @Test func constantAndVariableBitrateFollowTheSettings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("music.wav")
        try AudioFixtures.writeTone(to: input, seconds: 3, noise: 0.2)

        let cbr = try Transcoder(settings: .constantBitrate(192)).transcode(from: input, to: directory.path("c.mp3"))
        let cbrInfo = try MP3Info(path: directory.path("c.mp3"))
        #expect(cbr.bitrate == 192 && !cbrInfo.isVariableBitrate)

        let vbr = try Transcoder(settings: .variableBitrate(quality: 9)).transcode(from: input, to: directory.path("v.mp3"))
        let vbrInfo = try MP3Info(path: directory.path("v.mp3"))
        #expect(vbrInfo.isVariableBitrate)
        #expect(vbr.bitrate != 192 && vbr.bitrate > 0)
        // Both carry a Xing/Info frame with the frame count, so players know the exact length.
        #expect(cbrInfo.declaredFrameCount != nil && vbrInfo.declaredFrameCount != nil)
        expectWithinOnePercent(vbrInfo.durationSeconds, 3)
        expectWithinOnePercent(cbrInfo.durationSeconds, 3)
    }

    @Test func mp3InputIsStoredByteForByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("upload.mp3")
        try AudioFixtures.writeMP3(to: input, seconds: 2, settings: .variableBitrate(quality: 4))
        let output = directory.path("stored.mp3")

        let info = try Transcoder(settings: .constantBitrate(320)).transcode(from: input, to: output)

        #expect(info.wasStoredAsIs)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: input)))
        expectWithinOnePercent(info.durationSeconds, 2)
        #expect(info.sampleRate == 44100 && info.channels == 2)
    }

    @Test func replacingRenamesIntoPlaceAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.wav")
        try AudioFixtures.writeTone(to: input, seconds: 1)
        let destination = directory.path("track.mp3")
        try Data("old audio".utf8).write(to: URL(fileURLWithPath: destination))

        let info = try Transcoder().transcode(from: input, replacing: destination)

        #expect(info.sizeBytes == Int64(try AudioFixtures.fileSize(destination)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["in.wav", "track.mp3"])
    }

    @Test func planReportsLengthWithoutDecoding() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wav = directory.path("a.wav")
        try AudioFixtures.writeTone(to: wav, seconds: 2, sampleRate: 22050, channels: 1)
        let mp3 = directory.path("a.mp3")
        try AudioFixtures.writeMP3(to: mp3, seconds: 2)
        let transcoder = Transcoder()

        let wavPlan = try transcoder.plan(source: wav)
        #expect(!wavPlan.isStoredAsIs && wavPlan.channels == 1 && wavPlan.sampleRate == 22050)
        expectWithinOnePercent(wavPlan.durationSeconds, 2)
        let mp3Plan = try transcoder.plan(source: mp3)
        #expect(mp3Plan.isStoredAsIs)
        expectWithinOnePercent(mp3Plan.durationSeconds, 2)
        #expect(mp3Plan.estimatedSeconds(encoderSpeed: 10) < wavPlan.estimatedSeconds(encoderSpeed: 10) * 2)
    }

    @Test func encoderSpeedIsMeasured() throws {
        let speed = try Transcoder().measureEncoderSpeed(seconds: 0.5)
        #expect(speed > 1)   // even a debug build encodes faster than real time
    }

    @Test func progressCanCancel() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("long.wav")
        try AudioFixtures.writeTone(to: input, seconds: 3)
        let output = directory.path("out.mp3")
        var reports: [TranscodeProgress] = []

        #expect(throws: AudioError.cancelled) {
            try Transcoder().transcode(from: input, to: output) { progress in
                reports.append(progress)
                return reports.count < 3
            }
        }
        #expect(reports.count == 3 && reports[0].framesTotal == 3 * 44100 && reports[2].fraction > reports[0].fraction)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

func expectWithinOnePercent(_ value: Double, _ truth: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(value - truth) <= truth * 0.01, "\(value) is not within 1% of \(truth)", sourceLocation: sourceLocation)
}
