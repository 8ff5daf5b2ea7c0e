/// One page of a list, as the API returns it: `{"items": [...], "total": N, "limit": L, "offset": O}`.
public struct Page<Item> {
    public var items: [Item]
    /// How many items there are in all, on every page.
    public var total: Int
    public var limit: Int
    public var offset: Int

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), total: total, limit: limit, offset: offset)
    }
}

extension Page: Sendable where Item: Sendable {}
extension Page: Equatable where Item: Equatable {}
extension Page: Codable where Item: Codable {}
