import HooklineCGI
import HooklineStore
import HooklineTestSupport
import Testing

@testable import HooklineAPI

@Suite struct APITests {
    @Test func theOpenAPIDocumentIsJSONAndNamesEveryRoute() throws {
        let response = API.respond(to: Request(method: .get, scriptName: "/webhooks", pathInfo: "/api/v1/openapi.json"))
        #expect(response.status.code == 200)
        let document = try JSONValue(parsing: String(decoding: response.body, as: UTF8.self))
        #expect(document["openapi"]?.stringValue == "3.1.0")
        guard case .object(let paths)? = document["paths"] else {
            Issue.record("no paths")
            return
        }
        let documented = Set(paths.map(\.0))
        for route in API.routes {
            let path = "/" + route.pattern.joined(separator: "/")
            #expect(documented.contains(path), "\(path) is not in openapi.json")
        }
    }

    @Test func withoutATokenTheAnswerIs401WithAProblem() {
        let response = API.respond(
            to: Request(method: .get, scriptName: "/webhooks", pathInfo: "/api/v1/subscriptions", cookies: ["hookline_csrf": "x"]))
        #expect(response.status.code == 401)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(response.header("Cache-Control") == "no-store")
    }

    @Test func unknownPathsAndMethodsAreProblems() {
        #expect(API.respond(to: Request(method: .get, pathInfo: "/api/v1/nothing")).status.code == 404)
        let wrong = API.respond(to: Request(method: .put, pathInfo: "/api/v1/events"))
        #expect(wrong.status.code == 405)
        #expect(wrong.header("Allow") == "POST")
    }
}
