import Foundation
import Testing
@testable import DuradoraApp

/// `[library]` keys of the library: music folders (an array of paths), the scan interval, ignored articles.
@Suite struct LibraryConfigurationTests {
    @Test func musicFoldersAreAnArrayOfPathsFromTheFileOrTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.toml")
        try """
            [library]
            music_folders = ["music", "/srv/more music"]
            scan_interval_minutes = 30
            ignored_articles = "The A"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try Configuration.load(path: path, environment: [:])
        #expect(loaded.library.musicFolders == [directory.url.appendingPathComponent("music").standardizedFileURL.path,
                                                "/srv/more music"])
        #expect(loaded.library.scanIntervalMinutes == 30)
        #expect(LibraryController.Settings(loaded.library).ignoredArticles == ["The", "A"])

        let fromEnvironment = try Configuration.load(
            path: path, environment: ["DURADORA_LIBRARY_MUSIC_FOLDERS": "/a:/b"])
        #expect(fromEnvironment.library.musicFolders == ["/a", "/b"])

        try "[library]\nmusic_folders = \"/just/one\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) { try Configuration.load(path: path, environment: [:]) }
        #expect(error?.description.contains("library.music_folders") == true)
        #expect(error?.description.contains("an array of strings") == true)
        try "[library]\nmusic_folders = [1, 2]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try Configuration.load(path: path, environment: [:]) }
        try "[library]\nscan_interval_minutes = -1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try Configuration.load(path: path, environment: [:]) }
    }
}
