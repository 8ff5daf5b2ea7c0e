import Foundation

/// Removes the cover pictures (and their thumbnails) that no track and no album names any more: a deleted track,
/// an imported file whose picture changed, an album cover uploaded again. Content addressing shares one file among
/// many rows, so a picture can only go once a sweep has seen that nothing refers to it.
///
/// A picture stored moments ago may belong to an upload whose row is not written yet: only pictures older than
/// `grace` go (`CoverStore.store` renews the time of a picture it finds already stored).
struct LibraryCoverSweep {
    let database: any Database
    let covers: CoverStore
    static let grace: TimeInterval = 3600

    /// Removes unreferenced pictures last stored before `cutoff`, and every thumbnail of an unreferenced
    /// picture; returns how many pictures went.
    @discardableResult
    func run(before cutoff: Date) throws -> Int {
        let referenced = try database.read { try $0.library.coverHashes() }
        let files = FileManager.default
        var removed = 0
        for directory in (try? files.contentsOfDirectory(atPath: covers.root)) ?? [] where directory.count == 2 {
            let path = covers.root + "/" + directory
            for hash in (try? files.contentsOfDirectory(atPath: path)) ?? [] where !referenced.contains(hash) {
                // A staged picture (".name.tmp…") is someone's store in progress: its name is no hash.
                guard hash.count == 64, let stored = try? files.attributesOfItem(atPath: path + "/" + hash),
                      let modified = stored[.modificationDate] as? Date, modified < cutoff else { continue }
                if (try? files.removeItem(atPath: path + "/" + hash)) != nil { removed += 1 }
            }
        }
        let thumbs = covers.root + "/thumbs"
        for name in (try? files.contentsOfDirectory(atPath: thumbs)) ?? [] {
            // `<hash>-<size>.jpg|webp`: a thumbnail of a picture nobody names is never asked for again.
            guard let dash = name.firstIndex(of: "-"), !referenced.contains(String(name[..<dash])) else { continue }
            try? files.removeItem(atPath: thumbs + "/" + name)
        }
        return removed
    }
}
