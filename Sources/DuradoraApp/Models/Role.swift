/// What a user may do. Stored and sent as its raw value.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin
    case user
}
