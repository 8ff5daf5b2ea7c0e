import Testing
@testable import DuradoraApp

@Suite struct VersionTests {
    @Test func versionIsSemantic() {
        #expect(DuradoraVersion.current.split(separator: ".").count == 3)
    }
}
