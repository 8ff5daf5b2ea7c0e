import ArgumentParser
import DuradoraApp

/// `duradora cache stats|prune`: the transcode cache (`[audio.transcoding]`) without the HTTP API. Safe beside a
/// running server: encodes in progress are left alone, and a server that finds a pruned file encodes it again.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect or empty the transcode cache.",
        subcommands: [Stats.self, Prune.self]
    )

    static func open(_ options: ConfigOptions) throws -> TranscodeCache {
        let settings = try options.load().audio.transcoding
        return try Failure.reporting("cache") {
            try TranscodeCache(directory: settings.cacheDir, capacity: settings.cacheBytes, removingTemporaries: false)
        }
    }

    /// `duradora cache stats [--config PATH]`
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the files and bytes the cache holds.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let cache = try CacheCommand.open(options)
            let stats = cache.stats
            let percent = stats.capacity > 0 ? Double(stats.bytes) * 100 / Double(stats.capacity) : 0
            print("\(cache.directory): \(stats.files) files, \(stats.bytes) of \(stats.capacity) bytes "
                  + "(\(Int(percent.rounded())) %)")
        }
    }

    /// `duradora cache prune [--config PATH]`
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every finished transcode from the cache.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let cache = try CacheCommand.open(options)
            let bytes = cache.stats.bytes
            let removed = cache.prune()
            print("removed \(removed) files (\(bytes) bytes) from \(cache.directory)")
        }
    }
}
