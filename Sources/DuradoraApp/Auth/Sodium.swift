import CSodium

/// The few libsodium primitives outside password hashing: SHA-256 and random bytes.
/// (`CSodium` is imported only here and in `PasswordHasher.swift`.)
enum Sodium {
    /// `sodium_init()` runs once, on first use, whichever thread gets there first.
    private static let isReady: Bool = sodium_init() >= 0

    /// Call before any other libsodium function.
    static func prepare() {
        precondition(isReady, "libsodium failed to initialise")
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        prepare()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
        bytes.withUnsafeBufferPointer { input in
            _ = crypto_hash_sha256(&digest, input.baseAddress, UInt64(input.count))
        }
        return digest
    }

    /// `count` bytes from the operating system's CSPRNG.
    static func randomBytes(count: Int) -> [UInt8] {
        prepare()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }
}
