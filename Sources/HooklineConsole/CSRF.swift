import HooklineCGI
import HooklineSigning
import HooklineStore

/// Cross-site request forgery protection, layered as in Fossil: POST only, a same-origin
/// `Origin`/`Sec-Fetch-Site` where the browser sends one, and a token that must match the
/// `HttpOnly; SameSite=Strict` cookie it was issued with.
enum CSRF {
    static let cookieName = "hookline_csrf"
    static let fieldName = "csrf_token"

    static func newToken() -> String { Identifier.token(byteCount: 32) }

    /// A create form's one-time submission id (32 hex digits).
    static func isSubmissionToken(_ token: String) -> Bool {
        token.utf8.count == 32 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Nil when the POST may proceed, else the reason it is refused. `publicOrigins` are the
    /// configured addresses of the console; when empty, the request's own `Host` is the origin.
    static func check(request: Request, publicOrigins: [String] = []) -> String? {
        if let site = request.header("Sec-Fetch-Site"), !site.isEmpty, site != "same-origin" {
            return "This form was submitted from another site (Sec-Fetch-Site: \(site)). Nothing was changed."
        }
        // With `Referrer-Policy: no-referrer` browsers send `Origin: null` even for same-origin
        // form posts; they then also say `Sec-Fetch-Site: same-origin`, checked above.
        let sameSite = request.header("Sec-Fetch-Site") == "same-origin"
        if let origin = request.header("Origin"), !origin.isEmpty, !(origin == "null" && sameSite) {
            let expected = publicOrigins.isEmpty ? [request.origin].compactMap { $0 } : publicOrigins
            guard expected.contains(origin.lowercased()) else {
                return "This form was submitted from \(origin), not from this console. Nothing was changed."
            }
        }
        let submitted = request.form.all(fieldName)
        guard submitted.count == 1, let token = submitted.first,
            let cookie = request.cookies[cookieName], isWellFormed(cookie),
            constantTimeEquals(Array(token.utf8), Array(cookie.utf8))
        else {
            return
                "The form's security token is missing or out of date (for example after the console's cookie expired). Reload the page and submit again; nothing was changed."
        }
        return nil
    }
}
