import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// What the upload path decides before and around a transcode: settings from `[audio]`, sync vs background,
/// and transcodes running side by side on worker threads.
@Suite struct AudioPlanningTests {
    @Test func settingsFollowTheAudioConfiguration() {
        var audio = Configuration.Audio()
        audio.bitrate = 256
        #expect(MP3EncoderSettings(audio) == .constantBitrate(256))
        audio.bitrate = 0
        audio.vbrQuality = 4
        #expect(MP3EncoderSettings(audio) == .variableBitrate(quality: 4))
    }

    @Test func longAudioIsExpectedToRunInTheBackground() {
        let threeMinutes = TranscodePlan(isStoredAsIs: false, frames: 180 * 44100, sampleRate: 44100, channels: 2)
        #expect(abs(threeMinutes.estimatedSeconds(encoderSpeed: 20) - 9) < 0.001)
        #expect(!threeMinutes.shouldRunInBackground(encoderSpeed: 20, syncLimitSeconds: 15))
        #expect(threeMinutes.shouldRunInBackground(encoderSpeed: 10, syncLimitSeconds: 15))
        #expect(threeMinutes.shouldRunInBackground(encoderSpeed: 1000, syncLimitSeconds: 0))

        let hiRes = TranscodePlan(isStoredAsIs: false, frames: 180 * 96000, sampleRate: 96000, channels: 2)
        #expect(hiRes.estimatedSeconds(encoderSpeed: 20) > threeMinutes.estimatedSeconds(encoderSpeed: 20))
        let mono = TranscodePlan(isStoredAsIs: false, frames: 180 * 44100, sampleRate: 44100, channels: 1)
        #expect(mono.estimatedSeconds(encoderSpeed: 20) < threeMinutes.estimatedSeconds(encoderSpeed: 20))
        let mp3 = TranscodePlan(isStoredAsIs: true, frames: 180 * 44100, sampleRate: 44100, channels: 2)
        #expect(!mp3.shouldRunInBackground(encoderSpeed: 10, syncLimitSeconds: 15))
    }

    @Test func concurrentTranscodesProduceTheSameBytesAsOneAtATime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.flac")
        try AudioFixtures.writeTone(to: input, format: .flac16, seconds: 2, noise: 0.1)
        let transcoder = Transcoder(settings: .constantBitrate(160))
        let reference = directory.path("reference.mp3")
        _ = try transcoder.transcode(from: input, to: reference)

        let outputs = (0..<4).map { directory.path("parallel-\($0).mp3") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for output in outputs {
                group.addTask { _ = try transcoder.transcode(from: input, to: output) }
            }
            try await group.waitForAll()
        }

        let expected = try Data(contentsOf: URL(fileURLWithPath: reference))
        for output in outputs {
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == expected)
        }
    }

    @Test func temporaryNamesAreRecognisedForTheStartupSweep() {
        let temporary = StagedAudioFile.temporaryPath(for: "/srv/uploads/ab/cd/abcd.mp3")
        #expect(temporary.hasPrefix("/srv/uploads/ab/cd/abcd.mp3"))
        #expect(StagedAudioFile.isTemporary(fileName: String(temporary.split(separator: "/").last!)))
        #expect(!StagedAudioFile.isTemporary(fileName: "abcd.mp3"))
        #expect(StagedAudioFile.temporaryPath(for: "a.mp3") != StagedAudioFile.temporaryPath(for: "a.mp3"))
    }

    @Test func startupSweepRemovesOnlyTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.path("ab/cd")
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        let kept = nested + "/abcd.mp3"
        try Data("audio".utf8).write(to: URL(fileURLWithPath: kept))
        for path in [StagedAudioFile.temporaryPath(for: kept), StagedAudioFile.temporaryPath(for: directory.path("x.mp3"))] {
            try Data("partial".utf8).write(to: URL(fileURLWithPath: path))
        }

        #expect(StagedAudioFile.removeTemporaryFiles(under: directory.url.path) == 2)

        #expect(try FileManager.default.contentsOfDirectory(atPath: nested) == ["abcd.mp3"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["ab"])
    }
}
