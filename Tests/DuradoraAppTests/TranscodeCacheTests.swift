import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// The transcode cache on disk: its cap under churn, and what a restart finds.
@Suite struct TranscodeCacheTests {
    /// Bytes of the files in `path` (temporary ones of running encodes included; one renamed meanwhile is skipped).
    static func directoryBytes(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { $0 + ((try? AudioFixtures.fileSize(path + "/" + $1)) ?? 0) }
    }

    @Test func theCacheNeverOutgrowsItsCap() throws {
        // One 2 s transcode at 64 kbps is 288 × 58 = 16 704 bytes (80 kbps: 360 × 58): room for two, not three.
        let cap: Int64 = 40_000
        let fixture = try TranscodeFixture(seconds: 2) { $0.audio.transcoding.cacheBytes = cap }
        defer { fixture.stop() }
        var ids = [fixture.id]
        for index in 0..<3 { ids.append(try TranscodeFixture.upload(fixture.base, fixture.scratch, seconds: 2, name: "t\(index)")) }
        let directory = fixture.service.cache.directory
        for round in 0..<3 {
            for id in ids {
                let response = try fixture.stream("max_bitrate=\(round == 1 ? 80 : 64)", id: id)
                #expect(response.status == 200)
                #expect(fixture.service.cache.stats.bytes <= cap)
                let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                #expect(Self.directoryBytes(directory) <= Int(cap), "\(listing)")
            }
        }
        #expect(TestHTTPServer.eventually(within: 5) { fixture.service.activeEncoders == 0 })
        #expect(fixture.service.cache.stats.files == 2)
        // The most recently used stays: streaming it again needs no encode.
        let before = fixture.service.sharedEncodesStarted
        let again = try fixture.stream("max_bitrate=64", id: ids[3])
        #expect(again.header("ETag") != nil)
        #expect(fixture.service.sharedEncodesStarted == before)
    }

    @Test func aRestartKeepsFinishedFilesAndDropsHalfWrittenOnes() throws {
        let shared = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: shared) }
        let first = try TranscodeFixture(seconds: 2) { $0.audio.transcoding.cacheDir = shared }
        #expect(try first.stream("max_bitrate=64").status == 200)
        #expect(TestHTTPServer.eventually(within: 5) { first.service.cache.stats.files == 1 })
        first.stop()

        // What a crash mid-encode leaves: the temporary file of a transcode the next server will be asked for.
        let second = try TranscodeFixture(seconds: 2) { config in
            config.audio.transcoding.cacheDir = shared
        }
        defer { second.stop() }
        #expect(second.service.cache.stats.files == 1)   // the index was rebuilt from disk
        let tag = try #require(try second.base.app.application.tracks.show(id: UUID(uuidString: second.id)!, caller: nil).audio?.fileTag)
        let name = TranscodeCache.fileName(etag: tag, profile: StreamProfile.mp3(maxKbps: 64, sourceChannels: 2)!)
        try Data(repeating: 0xFF, count: 1000).write(to: URL(fileURLWithPath: shared + "/" + name + ".tmp-1-2"))
        let restarted = try TranscodeCache(directory: shared, capacity: 1 << 30)
        #expect(restarted.stats.files == 1)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: shared)).contains { $0.contains(".tmp-") })
        // And the stream is a fresh, whole transcode.
        let response = try second.stream("max_bitrate=64")
        #expect(response.status == 200)
        #expect(response.body.count == 16_704)
        #expect(TestHTTPServer.eventually(within: 5) { second.service.cache.stats.files == 2 })
    }
}

/// `duradora cache stats|prune` through the built binary.
@Suite struct CacheCommandTests {
    @Test(.enabled(if: MaintenanceTests.binary != nil)) func statsAndPrune() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/cache", withIntermediateDirectories: true)
        let config = directory + "/config.toml"
        try Data("[audio.transcoding]\ncache_dir = \"cache\"\ncache_bytes = 10000\n".utf8).write(to: URL(fileURLWithPath: config))
        try Data(repeating: 1, count: 1000).write(to: URL(fileURLWithPath: directory + "/cache/abc-mp3-64.mp3"))
        // A running server's encode in progress: the CLI must leave it alone.
        try Data(repeating: 1, count: 500).write(to: URL(fileURLWithPath: directory + "/cache/abd-mp3-64.mp3.tmp-1-2"))

        let stats = try MaintenanceTests().run(["cache", "stats", "--config", config])
        #expect(stats.status == 0, "\(stats.error)")
        #expect(stats.output.contains("1 files, 1000 of 10000 bytes (10 %)"), "\(stats.output)")
        let prune = try MaintenanceTests().run(["cache", "prune", "--config", config])
        #expect(prune.status == 0, "\(prune.error)")
        #expect(prune.output.contains("removed 1 files (1000 bytes)"), "\(prune.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/cache") == ["abd-mp3-64.mp3.tmp-1-2"])
        #expect(try MaintenanceTests().run(["cache", "stats", "--config", config]).output.contains("0 files"))
    }
}
