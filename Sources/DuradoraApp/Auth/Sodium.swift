import CSodium

/// The few libsodium primitives outside password hashing: SHA-256 (whole or streamed), HMAC-SHA256 (S3 request
/// signing), random bytes, and secretbox (app passwords).
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

    /// HMAC-SHA256 with a key of any length (SigV4 starts from `"AWS4" + secret`, longer than the 32 bytes that
    /// `crypto_auth_hmacsha256` alone takes).
    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        prepare()
        var state = crypto_auth_hmacsha256_state()
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_bytes()))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return mac
    }

    /// SHA-256 fed piece by piece, so a file's digest never needs the whole file in memory.
    struct SHA256Stream {
        private var state = crypto_hash_sha256_state()

        init() {
            prepare()
            _ = crypto_hash_sha256_init(&state)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            _ = crypto_hash_sha256_update(&state, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }

        mutating func finish() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
            _ = crypto_hash_sha256_final(&state, &digest)
            return digest
        }
    }

    /// `count` bytes from the operating system's CSPRNG.
    static func randomBytes(count: Int) -> [UInt8] {
        prepare()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Bytes of a secretbox key.
    static var secretBoxKeyCount: Int { Int(crypto_secretbox_keybytes()) }

    /// `nonce || secretbox(message)` under `key`, with a fresh random nonce.
    static func seal(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        prepare()
        precondition(key.count == secretBoxKeyCount, "secretbox key of the wrong length")
        let nonce = randomBytes(count: Int(crypto_secretbox_noncebytes()))
        var box = [UInt8](repeating: 0, count: message.count + Int(crypto_secretbox_macbytes()))
        _ = crypto_secretbox_easy(&box, message, UInt64(message.count), nonce, key)
        return nonce + box
    }

    /// The message of `sealed` (from `seal`), or nil when it was not sealed under `key` or was altered.
    static func open(_ sealed: [UInt8], key: [UInt8]) -> [UInt8]? {
        prepare()
        let nonceCount = Int(crypto_secretbox_noncebytes())
        let macCount = Int(crypto_secretbox_macbytes())
        guard key.count == secretBoxKeyCount, sealed.count >= nonceCount + macCount else { return nil }
        let nonce = Array(sealed[..<nonceCount])
        let box = Array(sealed[nonceCount...])
        var message = [UInt8](repeating: 0, count: box.count - macCount)
        guard crypto_secretbox_open_easy(&message, box, UInt64(box.count), nonce, key) == 0 else { return nil }
        return message
    }

    /// Compares in time that depends only on the lengths (for secrets a client presents).
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        prepare()
        return lhs.isEmpty || sodium_memcmp(lhs, rhs, lhs.count) == 0
    }
}
