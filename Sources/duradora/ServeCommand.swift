import ArgumentParser
import DuradoraApp

/// `duradora serve [--config PATH] [--host H] [--port P]`: runs the server until SIGINT/SIGTERM.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server until SIGINT or SIGTERM."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Address to bind (overrides server.host).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (overrides server.port; 0 = any free port).")
    var port: Int?

    func run() throws {
        let configuration = try options.load(overrides: ConfigurationOverrides(host: host, port: port))
        try Failure.reporting("serve") {
            let application = try Application(configuration: configuration)
            try application.runUntilSignalled()
        }
    }
}
