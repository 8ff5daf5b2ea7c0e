import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

@Suite struct HealthTests {
    @Test func healthAnswersStatusAndVersion() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/health")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let json = try response.json()
        #expect(json["status"] as? String == "ok")
        #expect(json["version"] as? String == DuradoraVersion.current)
    }

    @Test func unknownRouteGetsTheContractErrorShape() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/api/v1/nothing-here")
        #expect(response.status == 404)
        let error = try #require(try response.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "not_found")
        #expect((error["message"] as? String)?.isEmpty == false)
    }
}
