import ArgumentParser
import DuradoraApp
import Foundation

/// `duradora import DIR [--owner NAME] [--visibility V]`: imports a music folder in place (nothing is copied).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a music folder in place; run it again to pick up changes (unchanged files cost a stat)."
    )

    @Argument(help: "The folder to import (read only: files are used where they are).")
    var directory: String

    @Option(help: "The user who owns the new tracks (default: nobody).")
    var owner: String?

    @Option(help: "public (default), link or private.")
    var visibility = "public"

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let configuration = try options.load()
        guard let chosen = DuradoraApp.Visibility(rawValue: visibility) else {
            Failure.printError("import: --visibility must be public, link or private")
            throw ExitCode.failure
        }
        // A progress bar on a terminal; on a pipe or in a log, only the summary.
        let isTerminal = isatty(STDERR_FILENO) == 1
        var progress: ((LibraryScan) -> Void)?
        if isTerminal { progress = { scan in Self.drawProgress(scan) } }
        let result: (summary: String, scan: LibraryScan) = try Failure.reporting("import") {
            try Maintenance.importFolder(
                configuration: configuration, directory: directory, owner: owner, visibility: chosen, progress: progress)
        }
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        print(result.summary)
        if result.scan.state == LibraryScan.State.failed { throw ExitCode.failure }
    }

    private static func drawProgress(_ scan: LibraryScan) {
        let line = "\r\(scan.filesSeen) files  \(scan.added) added  \(scan.updated) updated  \(scan.removed) removed  "
            + "\(scan.failed) failed"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
