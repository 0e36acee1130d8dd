import HooklineCGI
import HooklineStore

/// An API error, answered as an RFC 9457 problem document (`application/problem+json`):
/// `type`, `title`, `status`, `detail`, and for invalid input `errors` by field.
public struct Problem: Error, Sendable {
    public let status: HTTPStatus
    /// The last part of the `type` URI (`urn:hookline:problem:<kind>`).
    public let kind: String
    public let title: String
    public let detail: String
    public var errors: [String: [String]] = [:]
    /// Extension members (`current` on a 409).
    public var extra: [(String, JSONValue)] = []
    public var headers: [(String, String)] = []

    public init(_ status: HTTPStatus, _ kind: String, _ title: String, _ detail: String) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
    }

    public var document: JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", .string("urn:hookline:problem:" + kind)),
            ("title", .string(title)),
            ("status", .int(status.code)),
            ("detail", .string(detail)),
        ]
        if !errors.isEmpty {
            members.append(
                ("errors", .object(errors.keys.sorted().map { key in (key, .array(errors[key, default: []].map(JSONValue.string))) })))
        }
        members += extra
        return .object(members)
    }

    public var response: Response {
        var response = Response(
            status: status,
            headers: [("Content-Type", "application/problem+json"), ("Cache-Control", "no-store")],
            body: Array((document.serialized() + "\n").utf8))
        for (name, value) in headers { response.setHeader(name, value) }
        return response
    }

    // MARK: The problems the API answers

    static func unauthorized(_ detail: String, invalidToken: Bool) -> Problem {
        var problem = Problem(HTTPStatus(401, "Unauthorized"), "unauthorized", "Authentication required", detail)
        problem.headers = [
            ("WWW-Authenticate", invalidToken ? #"Bearer realm="hookline", error="invalid_token""# : #"Bearer realm="hookline""#)
        ]
        return problem
    }

    static func forbidden(_ detail: String) -> Problem { Problem(.forbidden, "forbidden", "Not allowed for this token", detail) }
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, "not-found", "Not found", detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, "bad-request", "Bad request", detail) }
    static func tooLarge(_ detail: String) -> Problem { Problem(.payloadTooLarge, "too-large", "Request too large", detail) }

    static func invalid(_ errors: [String: [String]], detail: String = "Some fields are invalid; nothing was changed.") -> Problem {
        var problem = Problem(.unprocessable, "invalid", "Invalid input", detail)
        problem.errors = errors
        return problem
    }

    static func invalid(_ field: String, _ message: String) -> Problem {
        invalid([field: [message]])
    }

    public static func internalError(_ detail: String) -> Problem {
        // The detail goes to the server's error log, under a reference the client sees.
        let reference = Identifier.token(byteCount: 4)
        CGIProcess.write(Array("hookline-api [\(reference)] \(detail.replacing("\n", with: " "))\n".utf8), to: 2)
        return Problem(
            .internalError, "internal", "Internal error",
            "Hookline could not complete this request; nothing more was changed. The details are in the server's error log under reference \(reference)."
        )
    }
}
