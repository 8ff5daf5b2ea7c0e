import ArgumentParser
import DuradoraApp

/// `duradora user add|list`: account administration without the HTTP API.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage user accounts.",
        subcommands: [Add.self, List.self]
    )

    /// `duradora user add NAME [--admin] [--password-stdin] [--config PATH]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")

        @Argument(help: "The new user's name.")
        var name: String

        @Flag(help: "Make the user an admin.")
        var admin = false

        @Flag(help: "Read the password from the first line of standard input (otherwise one is generated).")
        var passwordStdin = false

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let configuration = try options.load()
            let password = try passwordStdin ? Self.readPassword() : nil
            let summary = try Failure.reporting("user add") {
                try Maintenance.addUser(configuration: configuration, username: name, admin: admin, password: password)
            }
            print(summary)
        }

        /// One line of stdin without its line ending; an empty or missing line is an error.
        private static func readPassword() throws -> String {
            guard let line = readLine(strippingNewline: true) else {
                Failure.printError("user add: --password-stdin: no password on standard input")
                throw ExitCode.failure
            }
            let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard !password.isEmpty else {
                Failure.printError("user add: --password-stdin: the password is empty")
                throw ExitCode.failure
            }
            return password
        }
    }

    /// `duradora user list [--config PATH]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let configuration = try options.load()
            let lines = try Failure.reporting("user list") { try Maintenance.listUsers(configuration: configuration) }
            for line in lines { print(line) }
        }
    }
}
