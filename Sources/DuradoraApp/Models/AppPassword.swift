import Foundation

/// A per-client password for apps that cannot do the login flow (Subsonic clients), as stored: the password
/// itself only sealed (see `AppPasswordService`), so a copied database file does not hand out working secrets.
public struct AppPassword: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    /// `nonce || secretbox(password)` under the server's secret key.
    public var sealed: [UInt8]
    /// SHA-256 of the password: finds the row of an OpenSubsonic `apiKey` without unsealing every row.
    public var lookupHash: [UInt8]
    public var createdAt: Date

    public init(id: UUID, userID: UUID, name: String, sealed: [UInt8], lookupHash: [UInt8], createdAt: Date) {
        self.id = id
        self.userID = userID
        self.name = name
        self.sealed = sealed
        self.lookupHash = lookupHash
        self.createdAt = createdAt
    }
}
