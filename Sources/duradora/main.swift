import ArgumentParser
import DuradoraApp
import Foundation

/// `duradora`: the music server and its maintenance commands.
struct Duradora: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duradora",
        abstract: "A self-hosted music server.",
        version: DuradoraVersion.current,
        subcommands: [ServeCommand.self, MigrateCommand.self, MigrateDataCommand.self, UserCommand.self, ImportCommand.self, CacheCommand.self,
                      ClientCommand.self, HealthcheckCommand.self],
        defaultSubcommand: nil
    )
}

/// `--config PATH`, shared by every subcommand.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: ./config.toml; a missing default file means defaults).")
    var config: String?

    /// Loads the configuration, or — on a configuration error — prints it to stderr and exits with 78 (EX_CONFIG).
    func load(overrides: ConfigurationOverrides = ConfigurationOverrides()) throws -> DuradoraApp.Configuration {
        do {
            return try Configuration.load(
                path: config,
                environment: ProcessInfo.processInfo.environment,
                overrides: overrides
            )
        } catch let error as ConfigurationError {
            throw Failure.configuration(error)
        }
    }
}

/// How a command fails: a message on stderr and an exit status, never a stack trace.
enum Failure {
    /// sysexits.h EX_CONFIG.
    static let configurationExitCode: Int32 = 78

    static func configuration(_ error: ConfigurationError) -> ExitCode {
        printError(error.description)
        return ExitCode(configurationExitCode)
    }

    /// Runs `body`; a configuration error exits 78, any other error prints `duradora: <what>: <error>` and exits 1.
    static func reporting<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ConfigurationError {
            throw configuration(error)
        } catch {
            printError("\(what): \(error)")
            throw ExitCode.failure
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("duradora: \(message)\n".utf8))
    }
}

Duradora.main()
