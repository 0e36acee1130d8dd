/// A request method. The console serves `GET`/`HEAD` and `POST`; the others exist so a route
/// table can name them and a 405 can say which were sent.
public enum HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    case get, head, post, put, patch, delete, options
    /// Any other token a client sent (`TRACE`, `PROPFIND`, …), upper-cased.
    case other(String)

    public init(_ name: String) {
        switch name.uppercased() {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "PATCH": self = .patch
        case "DELETE": self = .delete
        case "OPTIONS": self = .options
        case let other: self = .other(other)
        }
    }

    /// The method as it appears on the wire and in an `Allow` header.
    public var name: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .patch: "PATCH"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .other(let name): name
        }
    }

    public var description: String { name }

    /// `HEAD` is answered as `GET` without the body.
    public var servedAs: HTTPMethod { self == .head ? .get : self }
}
