import Foundation

/// Cover art of albums, artists and tracks, as far as the caller may see them: an album's cover is its uploaded
/// one, else a picture of one of its visible tracks; an artist's, one of their visible albums' or tracks'; a
/// track's, its own picture, else its album's. Thumbnails are made by libvips on the worker that asks.
extension LibraryController {
    /// The picture hash of the item's cover; 404 when the item is unknown, invisible to the caller, or has none.
    public func coverHash(of kind: LibraryItemKind, id: UUID, caller: User?) throws -> String {
        let hash: String? = try database.read { transaction in
            switch kind {
            case .albums:
                return try transaction.library.album(id: id, viewerID: caller?.id)?.coverHash
            case .artists:
                return try transaction.library.artist(id: id, viewerID: caller?.id)?.coverHash
            case .tracks:
                // The same rule as the track's `cover_url`: one cannot name a picture the other does not serve.
                return try Self.visibleTrack(id, caller: caller, in: transaction).shownCoverHash
            }
        }
        guard let hash else { throw APIError.notFound("Cover") }
        return hash
    }

    /// The file of the item's `size`-pixel square cover thumbnail (JPEG, or WebP), and its picture hash.
    public func coverThumbnail(
        of kind: LibraryItemKind, id: UUID, caller: User?, size: Int, webP: Bool
    ) throws -> (path: String, hash: String) {
        guard let covers else { throw APIError.notFound("Cover") }
        let hash = try coverHash(of: kind, id: id, caller: caller)
        let size = min(max(size, CoverStore.sizes.lowerBound), CoverStore.sizes.upperBound)
        return (try covers.thumbnail(hash, size: size, webP: webP), hash)
    }

    /// `PUT /api/v1/albums/{id}/cover`: admins, and owners of the album's tracks. Bytes libvips cannot read are 415
    /// and leave nothing behind.
    public func setAlbumCover(id: UUID, picture: [UInt8], caller: User) throws -> Album {
        guard let covers else { throw APIError.notFound("Album") }
        let owners = try database.read { transaction -> Set<UUID>? in
            guard try transaction.library.album(id: id, viewerID: caller.id) != nil else { return nil }
            return try transaction.library.owners(ofAlbum: id)
        }
        guard let owners else { throw APIError.notFound("Album") }
        guard caller.isAdmin || owners.contains(caller.id) else {
            throw APIError.forbidden("Only an admin or an owner of the album's tracks may change its cover.")
        }
        let hash: String
        do {
            hash = try covers.store(picture)
        } catch let error as ImageError {
            throw APIError.unsupportedMediaType("The body is not an image this server can read (\(error)).")
        }
        return try database.write { transaction in
            try transaction.library.setCover(hash, ofAlbum: id)
            guard let album = try transaction.library.album(id: id, viewerID: caller.id) else {
                throw APIError.notFound("Album")
            }
            return album
        }
    }
}
