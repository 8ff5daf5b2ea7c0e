/// A genre as the tracks a caller may see spell it, with how many tracks and albums carry it.
public struct Genre: Sendable, Equatable {
    public var name: String
    public var trackCount: Int
    public var albumCount: Int

    public init(name: String, trackCount: Int, albumCount: Int) {
        self.name = name
        self.trackCount = trackCount
        self.albumCount = albumCount
    }
}
