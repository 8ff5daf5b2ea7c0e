import Foundation

/// A random pick of the tracks a viewer may list (public ones and their own), for Subsonic `getRandomSongs`:
/// `ORDER BY random()` over the filtered rows, one statement whatever the library size.
public protocol RandomTrackRepository {
    func random(viewerID: UUID?, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track]
}
