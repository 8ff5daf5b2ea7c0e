import ArgumentParser
import DuradoraApp

/// `duradora migrate-data [--from FILE] --to postgresql://… [--uploads-to s3://bucket/prefix] [--config PATH]`:
/// moves an installation off its embedded defaults — the SQLite database into PostgreSQL, the uploads folder's
/// audio into an S3 bucket (endpoint and keys from `[storage.s3]` or the environment). Verified and resumable;
/// the sources are only read. Point `storage.database` / `storage.uploads` at the new places afterwards.
struct MigrateDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy the SQLite database into PostgreSQL and/or the uploads into an S3 bucket (verified, resumable)."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "The SQLite database to copy (default: storage.database).")
    var from: String?

    @Option(name: .long, help: "The PostgreSQL database to copy it into: postgresql://user:password@host:5432/name.")
    var to: String?

    @Option(name: .customLong("uploads-to"), help: "The bucket to copy the uploads folder's audio into: s3://bucket/prefix.")
    var uploadsTo: String?

    @Flag(name: .shortAndLong, help: "Print a line per object copied.")
    var verbose = false

    func validate() throws {
        guard to != nil || uploadsTo != nil else { throw ValidationError("give --to, --uploads-to, or both") }
    }

    func run() throws {
        let configuration = try options.load()
        if let to {
            let summary = try Failure.reporting("migrate-data") {
                try Maintenance.migrateDatabase(from: from ?? configuration.storage.database, to: to).summary
            }
            print(summary)
        }
        if let uploadsTo {
            let result = try Failure.reporting("migrate-data") {
                try Maintenance.migrateUploads(configuration: configuration, to: uploadsTo) { line in
                    if verbose { print(line) }
                }
            }
            print(result.summary)
        }
    }
}
