import Foundation
import Testing
@testable import DuradoraApp

/// `storage.uploads = "s3://bucket/prefix"` with `[storage.s3]`: parsed and checked from the file and the
/// environment, and — until track files go through the store — refused by name rather than taken for a directory.
@Suite struct S3ConfigurationTests {
    static let complete = """
        [storage]
        uploads = "s3://audio/tracks/"
        [storage.s3]
        endpoint = "http://127.0.0.1:8333/"
        access_key_id = "key"
        secret_access_key = "secret"
        """

    /// Loads `toml` (written to a temp file) with `environment`; returns the configuration or the error.
    static func load(_ toml: String, environment: [String: String] = [:]) throws -> Result<Configuration, ConfigurationError> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-s3config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try toml.write(toFile: directory + "/config.toml", atomically: true, encoding: .utf8)
        do {
            return .success(try Configuration.load(
                path: directory + "/config.toml", environment: environment, overrides: ConfigurationOverrides(),
                currentDirectory: directory))
        } catch let error as ConfigurationError {
            return .failure(error)
        }
    }

    static func error(_ toml: String, environment: [String: String] = [:]) throws -> ConfigurationError? {
        guard case .failure(let error) = try load(toml, environment: environment) else { return nil }
        return error
    }

    @Test func defaultsAndDirectoryUploadsStayAsTheyWere() throws {
        let configuration = try Self.load("[storage]\nuploads = \"media\"\n[storage.s3]\nregion = \"eu-west-1\"").get()
        #expect(configuration.storage.uploads.hasSuffix("/media") && configuration.storage.s3Uploads == nil)
        #expect(configuration.storage.s3.region == "eu-west-1")
        let defaults = Configuration.Storage.S3()
        #expect(defaults.region == "us-east-1" && defaults.pathStyle && !defaults.redirect && defaults.endpoint.isEmpty)
    }

    @Test func aCompleteBucketIsAccepted() throws {
        let configuration = try Self.load(Self.complete).get()
        #expect(configuration.storage.s3Uploads?.description == "s3://audio/tracks")
        // The instance's own working files go to local_dir (default data/s3-local), not to a folder called "s3:".
        #expect(configuration.storage.localUploads == configuration.storage.s3.localDir)
        #expect(configuration.storage.s3.localDir.hasSuffix("/data/s3-local"))
        let moved = try Self.load(Self.complete + "\nlocal_dir = \"work\"").get()
        #expect(moved.storage.localUploads.hasSuffix("/work") && moved.storage.localUploads.hasPrefix("/"))
    }

    @Test func redirectIsAnOptIn() throws {
        #expect(try Self.load(Self.complete).get().storage.s3.redirect == false)
        #expect(try Self.load(Self.complete + "\nredirect = true").get().storage.s3.redirect == true)
    }

    @Test(arguments: [
        ("endpoint = \"http://127.0.0.1:8333/\"", "storage.s3.endpoint"),
        ("access_key_id = \"key\"", "storage.s3.access_key_id"),
        ("secret_access_key = \"secret\"", "storage.s3.secret_access_key"),
    ])
    func aBucketNeedsEndpointAndKeys(missing line: String, key: String) throws {
        let error = try Self.error(Self.complete.replacingOccurrences(of: line, with: ""))
        #expect(error?.key == key)
        #expect(error?.message == "must be set when storage.uploads names an S3 bucket (s3://audio/tracks)")
    }

    /// The keys come from the environment as every key does; the URL's own problems name storage.uploads.
    @Test func environmentAndBadValues() throws {
        let fromEnvironment = try Self.error("", environment: [
            "DURADORA_STORAGE_UPLOADS": "s3://audio", "DURADORA_STORAGE_S3_ENDPOINT": "https://s3.example.org",
            "DURADORA_STORAGE_S3_ACCESS_KEY_ID": "k", "DURADORA_STORAGE_S3_SECRET_ACCESS_KEY": "s",
            "DURADORA_STORAGE_S3_PATH_STYLE": "false",
        ])
        #expect(fromEnvironment == nil, "\(fromEnvironment?.description ?? "")")
        let fromEnvironmentWithoutKey = try Self.error("", environment: [
            "DURADORA_STORAGE_UPLOADS": "s3://audio", "DURADORA_STORAGE_S3_ENDPOINT": "https://s3.example.org",
            "DURADORA_STORAGE_S3_ACCESS_KEY_ID": "k",
        ])
        #expect(fromEnvironmentWithoutKey?.key == "storage.s3.secret_access_key"
            && fromEnvironmentWithoutKey?.message.contains("(s3://audio)") == true)
        for (toml, key) in [
            ("[storage]\nuploads = \"s3://Bad_Bucket/x\"", "storage.uploads"),
            ("[storage]\nuploads = \"s3://ab\"", "storage.uploads"),
            ("[storage]\nuploads = \"s3://audio/a/../b\"", "storage.uploads"),
            ("[storage.s3]\nendpoint = \"ftp://store\"", "storage.s3.endpoint"),
            ("[storage.s3]\nendpoint = \"http://store/bucket\"", "storage.s3.endpoint"),
            ("[storage.s3]\nendpoint = \"http://user:pw@store\"", "storage.s3.endpoint"),
            ("[storage.s3]\nregion = \"\"", "storage.s3.region"),
            ("[storage.s3]\npath_style = \"yes\"", "storage.s3.path_style"),
            ("[storage.s3]\nbucket = \"audio\"", "storage.s3.bucket"),
        ] {
            let error = try Self.error(toml)
            #expect(error?.key == key, "\(toml): \(error?.description ?? "accepted")")
        }
    }

    @Test func uploadsURLParts() {
        var problem = ""
        #expect(S3UploadsURL("s3://audio", problem: &problem) .map { [$0.bucket, $0.prefix] } == ["audio", ""])
        #expect(S3UploadsURL("s3://my.bucket-1//a/b/", problem: &problem).map { [$0.bucket, $0.prefix] } == ["my.bucket-1", "a/b"])
        #expect(S3UploadsURL("s3://-audio", problem: &problem) == nil && problem.contains("bucket name"))
    }
}
