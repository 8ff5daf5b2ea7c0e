import Foundation

extension Maintenance {
    /// `duradora import DIR`: imports a folder in place, as the server's scans do; returns the summary line.
    /// `owner` names an existing user who will own new tracks (none: nobody owns them).
    public static func importFolder(
        configuration: Configuration, directory: String, owner: String?, visibility: Visibility,
        progress: ((LibraryScan) -> Void)? = nil
    ) throws -> (summary: String, scan: LibraryScan) {
        let database = try DatabaseFactory.openAndMigrate(configuration.storage)
        defer { database.close() }
        var ownerUser: User?
        if let owner {
            guard let user = try database.read({ try $0.users.find(username: owner) }) else {
                throw MaintenanceError(message: "--owner: no user named \(owner)")
            }
            ownerUser = user
        }
        let scanner = LibraryScanner(database: database, covers: CoverStore(
            uploads: configuration.storage.localUploads, bucket: try TrackAudioStore.bucket(of: configuration.storage)))
        let scan: LibraryScan
        do {
            scan = try scanner.run(folders: [directory], options: LibraryScanner.Options(owner: ownerUser, visibility: visibility),
                                   progress: progress)
        } catch let error as APIError {
            throw MaintenanceError(message: error.message)
        }
        return (summary(of: scan), scan)
    }

    /// "1998 files: 1990 added, 0 updated, 0 removed, 8 failed", then one line per problem.
    static func summary(of scan: LibraryScan) -> String {
        var lines = ["\(scan.filesSeen) files: \(scan.added) added, \(scan.updated) updated, \(scan.removed) removed, "
            + "\(scan.failed) failed"]
        lines += scan.errors.map { "failed: \($0.path): \($0.message)" }
        return lines.joined(separator: "\n")
    }
}
