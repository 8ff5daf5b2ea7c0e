import DuradoraHTTP
import Foundation

/// `POST /api/v1/library/scans` and `GET /api/v1/library/scans/{id}`: admins import folders in place.
struct LibraryScanRoutes: Sendable {
    let scanner: LibraryScanner
    /// `library.music_folders`: what a scan without `path` imports.
    let musicFolders: [String]

    func register(on router: Router) {
        router.post("/api/v1/library/scans") { request, context in
            let admin = try context.requireAdmin()
            let path = try JSONBody.read(request, allowEmpty: true)?.string("path")
            let folders = path.map { [$0] } ?? musicFolders
            guard !folders.isEmpty else {
                throw APIError.invalidField("path", "is required: no library.music_folders are configured")
            }
            if let path {
                var isDirectory: ObjCBool = false
                guard path.hasPrefix("/"), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                      isDirectory.boolValue
                else { throw APIError.invalidField("path", "must be an absolute path to a directory on the server") }
            }
            let scan = try scanner.start(folders: folders, options: LibraryScanner.Options(owner: admin))
            var response = try Response.json(LibraryScanResource(scan), status: .accepted)
            response.headers[.location] = "/api/v1/library/scans/\(scan.id.lowercasedString)"
            return response
        }
        router.get("/api/v1/library/scans/{id}") { _, context in
            _ = try context.requireAdmin()
            guard let scan = scanner.scan(id: try LibraryRoutes.id(context, "Scan")) else { throw APIError.notFound("Scan") }
            return try .json(LibraryScanResource(scan))
        }
    }
}

/// `{"id","state","files_seen","added","updated","removed","failed","errors":[{"path","message"}],"started_at",
/// "finished_at"}`.
struct LibraryScanResource: Encodable {
    let scan: LibraryScan

    init(_ scan: LibraryScan) {
        self.scan = scan
    }

    enum CodingKeys: String, CodingKey {
        case id, state, added, updated, removed, failed, errors
        case filesSeen = "files_seen"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scan.id.lowercasedString, forKey: .id)
        try container.encode(scan.state.rawValue, forKey: .state)
        try container.encode(scan.filesSeen, forKey: .filesSeen)
        try container.encode(scan.added, forKey: .added)
        try container.encode(scan.updated, forKey: .updated)
        try container.encode(scan.removed, forKey: .removed)
        try container.encode(scan.failed, forKey: .failed)
        try container.encode(scan.errors.map { ["path": $0.path, "message": $0.message] }, forKey: .errors)
        try container.encode(RFC3339.string(from: scan.startedAt), forKey: .startedAt)
        try container.encode(scan.finishedAt.map(RFC3339.string(from:)), forKey: .finishedAt)
    }
}
