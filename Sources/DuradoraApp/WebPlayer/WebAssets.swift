import DuradoraHTTP
import Foundation

/// The web player's files (`Sources/DuradoraApp/Web`, shipped as the SwiftPM resource bundle beside the binary),
/// read once at start-up and served from memory: each with its type, a strong ETag, and a gzip variant when that
/// is smaller. They are small (well under 150 KB in all), so memory is the fast and simple place for them.
///
/// All assets are addressed under one fingerprint of the whole set, `/app/<version>/<name>`: the JavaScript modules
/// import each other by relative names, so a single prefix fingerprints every file, and a release changes every
/// URL at once. Those URLs are immutable; `/` (the HTML that names the version) is revalidated on every load.
public final class WebAssets: Sendable {
    public struct Asset: Sendable {
        public let bytes: [UInt8]
        /// The gzip encoding, when it saves anything.
        public let gzipped: [UInt8]?
        public let contentType: String
        public let etag: EntityTag
        public let gzippedETag: EntityTag
    }

    /// The resource bundle SwiftPM makes for this target, and the folder inside it.
    static let bundleName = "Duradora_DuradoraApp.resources"
    static let folderName = "Web"

    /// Hex fingerprint of every asset's name and bytes.
    public let version: String
    public let index: Asset
    private let assets: [String: Asset]
    /// When the set was loaded: the `Last-Modified` of every asset.
    public let loadedAt: Int64

    /// Loads every file of `directory` (flat: the modules import each other by plain names).
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        var files: [(name: String, bytes: [UInt8])] = []
        var fingerprintInput: [UInt8] = []
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            files.append((name, bytes))
            fingerprintInput += Array(name.utf8) + [0] + Sodium.sha256(bytes)
        }
        let version = Sodium.sha256(fingerprintInput).prefix(8).lowercaseHex
        self.version = version
        var assets: [String: Asset] = [:]
        var index: Asset?
        for file in files {
            if file.name == "index.html" {
                let html = String(decoding: file.bytes, as: UTF8.self).replacingOccurrences(of: "{{assets}}", with: "/app/\(version)")
                index = try Self.asset(name: file.name, bytes: Array(html.utf8))
            } else {
                assets[file.name] = try Self.asset(name: file.name, bytes: file.bytes)
            }
        }
        guard let index else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path + "/index.html"]) }
        self.index = index
        self.assets = assets
        self.loadedAt = Int64(Date().timeIntervalSince1970)
    }

    /// The assets shipped beside the running binary, or nil (with the reason) when they are not there — a binary
    /// copied without its bundle still serves the API.
    public static func installed() -> Result<WebAssets, Error> {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let directory = executable.deletingLastPathComponent().appendingPathComponent(bundleName)
            .appendingPathComponent(folderName)
        return Result { try WebAssets(directory: directory) }
    }

    public func asset(named name: String) -> Asset? { assets[name] }

    public var names: [String] { assets.keys.sorted() }

    private static func asset(name: String, bytes: [UInt8]) throws -> Asset {
        let compressed = try Gzip.compress(bytes)
        let tag = Sodium.sha256(bytes).prefix(12).lowercaseHex
        return Asset(bytes: bytes, gzipped: compressed.count < bytes.count ? compressed : nil,
                     contentType: contentType(of: name), etag: EntityTag(tag), gzippedETag: EntityTag(tag + "-gz"))
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "json": "application/json; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
