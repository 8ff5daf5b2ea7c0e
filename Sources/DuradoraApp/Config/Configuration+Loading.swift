import Foundation

/// Values given on the command line; they beat everything else.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `--host`
    public var host: String?
    /// `--port`
    public var port: Int?

    public init(host: String? = nil, port: Int? = nil) {
        self.host = host
        self.port = port
    }
}

extension Configuration {
    /// The file read when no `--config` is given, relative to the current directory.
    public static let defaultPath = "config.toml"

    /// Loads the configuration: flags beat environment, environment beats file, file beats defaults.
    ///
    /// - Parameters:
    ///   - path: the `--config` value. Nil means `./config.toml`, and then a missing file means all defaults; a path
    ///     given explicitly must exist.
    ///   - environment: usually `ProcessInfo.processInfo.environment`; see `apply(environment:baseDirectory:)` and
    ///     `applyPublicAddress(environment:)` for the variables read.
    ///   - overrides: `--host` / `--port`.
    ///
    /// Storage paths come back absolute. Relative paths written in the file, and the default paths when a file was
    /// read, are relative to the file's directory; relative paths from the environment, and the defaults when no file
    /// was read, are relative to the current directory.
    ///
    /// - Throws: `ConfigurationError`, naming the key and where its value came from.
    public static func load(
        path: String?,
        environment: [String: String],
        overrides: ConfigurationOverrides = ConfigurationOverrides()
    ) throws -> Configuration {
        try load(
            path: path,
            environment: environment,
            overrides: overrides,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
    }

    static func load(
        path: String?,
        environment: [String: String],
        overrides: ConfigurationOverrides,
        currentDirectory: String
    ) throws -> Configuration {
        // A `.env` beside the process counts as environment (the real environment wins), as docker-compose reads it.
        let environment = DotEnvFile.merged(environment, directory: currentDirectory)
        let filePath = absolutePath(path ?? defaultPath, relativeTo: currentDirectory)
        var configuration: Configuration
        let fileText = try readFile(at: filePath, isRequired: path != nil)
        if let text = fileText {
            let fileDirectory = (filePath as NSString).deletingLastPathComponent
            configuration = .defaults(baseDirectory: fileDirectory)
            try configuration.apply(toml: text, path: filePath, baseDirectory: fileDirectory)
        } else {
            configuration = .defaults(baseDirectory: currentDirectory)
        }
        try configuration.apply(legacyEnvironment: environment, baseDirectory: currentDirectory)
        try configuration.checkOIDCProviders(fileText: fileText, path: filePath)
        try configuration.apply(environment: environment, baseDirectory: currentDirectory)
        try configuration.apply(overrides)
        try configuration.applyPublicAddress(environment: environment)
        try configuration.validate()
        return configuration
    }

    /// The file's text; nil if it does not exist and was not asked for explicitly.
    private static func readFile(at path: String, isRequired: Bool) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            guard isRequired else { return nil }
            throw ConfigurationError(source: .file(path: path, line: nil), key: nil, message: "no such file")
        }
        if isDirectory.boolValue {
            throw ConfigurationError(source: .file(path: path, line: nil), key: nil, message: "is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(source: .file(path: path, line: nil), key: nil, message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(source: .file(path: path, line: nil), key: nil, message: "is not valid UTF-8")
        }
        return text
    }

    private mutating func apply(_ overrides: ConfigurationOverrides) throws {
        if let host = overrides.host { try set("server.host", .string(host), flag: "--host") }
        if let port = overrides.port { try set("server.port", .integer(Int64(port)), flag: "--port") }
    }

    private mutating func set(_ key: String, _ value: ConfigurationValue, flag: String) throws {
        guard let setting = ConfigurationSetting.named(key) else { preconditionFailure("no setting \(key)") }
        if let problem = setting.check(value) {
            throw ConfigurationError(source: .commandLine(flag: flag), key: key, message: problem)
        }
        setting.write(&self, value, FileManager.default.currentDirectoryPath)
    }

    /// Checks every key's rule and the rules between keys. `load` calls it; call it after editing a configuration.
    ///
    /// Between keys: `auth.bootstrap_admin` needs both a username and a password, or neither; storage paths must be
    /// absolute; a bucket in `storage.uploads` needs `[storage.s3]`.
    public func validate() throws {
        for setting in ConfigurationSetting.all {
            if let problem = setting.check(setting.read(self)) {
                throw ConfigurationError(source: .combined, key: setting.key, message: problem)
            }
        }
        for (key, path) in [("storage.database", storage.database), ("storage.uploads", storage.uploads)]
        where !path.hasPrefix("/") && !(key == "storage.database" && storage.postgreSQL != nil)
            && !(key == "storage.uploads" && storage.s3Uploads != nil) {
            throw ConfigurationError(source: .combined, key: key, message: "must be an absolute path, got \"\(path)\"")
        }
        try validateS3Uploads()
        let admin = auth.bootstrapAdmin
        if admin.username.isEmpty != admin.password.isEmpty {
            let missing = admin.username.isEmpty ? "username" : "password"
            throw ConfigurationError(
                source: .combined,
                key: "auth.bootstrap_admin.\(missing)",
                message: "must be set when auth.bootstrap_admin.\(missing == "username" ? "password" : "username") is"
            )
        }
    }
}
