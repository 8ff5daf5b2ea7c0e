import ArgumentParser
import DuradoraApp
import DuradoraHTTP

/// `duradora healthcheck [--config PATH] [--url URL]`: exits 0 when the server's `/health` answers 200, 1 otherwise.
/// The container image's HEALTHCHECK runs it, so the image needs no curl (and none of the libraries curl links).
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 when the local server's /health answers 200 (for a container health check)."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "The URL to check (default: /health on server.host and server.port, a wildcard as 127.0.0.1).")
    var url: String?

    @Option(name: .long, help: "Seconds to wait for the whole answer.")
    var timeout: Double = 4

    func run() throws {
        let target = try url ?? (options.load().loopbackURL + "/health")
        let head = try Failure.reporting("healthcheck") {
            // The body is a few bytes of JSON; it is read (so the server is not cut off mid-answer) and dropped.
            try PlainHTTPClient.send("GET", target, timeout: timeout) { _ in }
        }
        guard head.status == 200 else {
            Failure.printError("healthcheck: \(target) answered HTTP \(head.status)")
            throw ExitCode.failure
        }
    }
}
