import ArgumentParser
import DuradoraApp

/// `duradora migrate [--config PATH]`: brings the database schema up to date.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let configuration = try options.load()
        let summary = try Failure.reporting("migrate") { try Maintenance.migrate(configuration: configuration) }
        print(summary)
    }
}
