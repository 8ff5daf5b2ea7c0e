import ArgumentParser
import DuradoraApp

/// `duradora migrate-data --uploads-to s3://bucket/prefix [--config PATH]`: copies the uploads folder's audio into
/// a bucket (endpoint and keys from `[storage.s3]` or the environment), verified and resumable. The folder and the
/// database are only read; point `storage.uploads` at the bucket afterwards.
struct MigrateDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy an installation's stored audio into an S3 bucket (verified, resumable)."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("uploads-to"), help: "The bucket to copy the uploads folder's audio into: s3://bucket/prefix.")
    var uploadsTo: String

    @Flag(name: .shortAndLong, help: "Print a line per object copied.")
    var verbose = false

    func run() throws {
        let configuration = try options.load()
        let result = try Failure.reporting("migrate-data") {
            try Maintenance.migrateUploads(configuration: configuration, to: uploadsTo) { line in
                if verbose { print(line) }
            }
        }
        print(result.summary)
    }
}
