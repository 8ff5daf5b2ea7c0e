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

    /// A page whose `total` is counted by `total` only when `counted`; else it is what the page shows of the list
    /// so far, `offset + items.count` (for callers that never show a total: the count can cost more than the page).
    public init(items: [Item], limit: Int, offset: Int, counted: Bool, total: () throws -> Int) rethrows {
        self.init(items: items, total: counted ? try total() : max(offset, 0) + items.count, limit: limit, offset: offset)
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), total: total, limit: limit, offset: offset)
    }
}

extension Page: Sendable where Item: Sendable {}
extension Page: Equatable where Item: Equatable {}
extension Page: Codable where Item: Codable {}
