/// One webhook POST: where to, which headers, and the exact body bytes (the bytes signed).
public struct OutgoingRequest: Sendable {
    /// Absolute `https://` (or, when the policy allows, `http://`) URL.
    public var url: String
    /// Headers in sending order, e.g. the `X-Webhook-*` set. `Content-Type: application/json`
    /// and the policy's `User-Agent` are appended unless already present (case-insensitive).
    public var headers: [(name: String, value: String)]
    /// The body, sent byte for byte.
    public var body: [UInt8]

    /// Creates a request.
    public init(url: String, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}
