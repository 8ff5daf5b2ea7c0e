import Foundation
import Testing
@testable import DuradoraApp

@Suite struct PasswordHasherTests {
    @Test func verifiesTheRightPasswordOnly() throws {
        let hasher = try PasswordHasher(cost: .min)
        let hash = try hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(try hasher.hash("correct horse battery staple") != hash)  // fresh salt each time
        #expect(hasher.verify("correct horse battery staple", against: hash))
        #expect(!hasher.verify("correct horse battery stapler", against: hash))
        #expect(!hasher.verify("", against: hash))
        #expect(!hasher.verify("anything", against: "not a hash"))
        #expect(!hasher.verify("anything", againstOptional: nil))
        #expect(hasher.verify("correct horse battery staple", againstOptional: hash))
    }

    @Test func handlesUnicodeAndLongPasswords() throws {
        let hasher = try PasswordHasher(cost: .min)
        let long = String(repeating: "ü", count: 512)  // 1024 bytes
        let hash = try hasher.hash(long)
        #expect(hasher.verify(long, against: hash))
        #expect(!hasher.verify(String(long.dropLast()), against: hash))
    }

    @Test func needsRehashWhenTheCostChanges() throws {
        let cheap = try PasswordHasher(cost: .min)
        let hash = try cheap.hash("password1")
        #expect(!cheap.needsRehash(hash))
        #expect(try PasswordHasher(cost: .interactive).needsRehash(hash))
    }

    @Test func dummyVerificationCostsAboutAsMuchAsARealOne() throws {
        // Interactive cost (64 MiB) makes the hash dominate the timing; `min` would be lost in noise.
        let hasher = try PasswordHasher(cost: .interactive)
        let hash = try hasher.hash("password1")
        let real = measure { _ = hasher.verify("wrong password", against: hash) }
        let dummy = measure { hasher.verifyDummy("wrong password") }
        #expect(dummy > real * 0.4, "dummy \(dummy)s vs real \(real)s")
        #expect(dummy < real * 2.5, "dummy \(dummy)s vs real \(real)s")
    }

    private func measure(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
