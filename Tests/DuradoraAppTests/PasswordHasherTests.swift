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

    /// The dummy costs what a real verification costs because it is a real Argon2id hash with the same parameters
    /// (memory, iterations, parallelism); asserted on the parameters, not on wall time, which a busy machine blurs.
    @Test(arguments: [PasswordHasher.Cost.min, .interactive])
    func dummyHashUsesTheSameParametersAsRealHashes(cost: PasswordHasher.Cost) throws {
        let hasher = try PasswordHasher(cost: cost)
        let real = try hasher.hash("password1")
        func parameters(_ hash: String) -> String { hash.split(separator: "$").prefix(3).joined(separator: "$") }
        #expect(real.hasPrefix("$argon2id$"))
        #expect(parameters(hasher.dummyHash) == parameters(real))
        #expect(hasher.dummyHash != real)
        #expect(!hasher.verify("password1", against: hasher.dummyHash))
    }

    private func measure(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
