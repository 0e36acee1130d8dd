import HooklineCGI

/// One page or action of the console, listed once in a route table with what it needs.
///
/// The dispatcher checks the flags (method, CSRF for POST, the subscription id) generically
/// before the page runs, so no page repeats those checks.
public struct Route: Sendable {
    /// A path pattern below the mount: literal segments and `:id` for a subscription id.
    public let pattern: [String]
    public let methods: Set<String>
    /// True for pages that send HTTP requests: only `hookline-send` links the delivery module.
    public let sendsDeliveries: Bool
    public let handler: @Sendable (PageContext, RouteParameters) throws -> Response

    public init(
        _ path: String, methods: Set<String>, sendsDeliveries: Bool = false,
        handler: @escaping @Sendable (PageContext, RouteParameters) throws -> Response
    ) {
        self.pattern = path.split(separator: "/").map(String.init)
        self.methods = methods
        self.sendsDeliveries = sendsDeliveries
        self.handler = handler
    }

    /// The parameters when `segments` match this route's pattern.
    func match(_ segments: [Substring]) -> RouteParameters? {
        guard segments.count == pattern.count else { return nil }
        var parameters = RouteParameters()
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix(":") {
                // Ids are plain positive decimal numbers: no signs, no leading zeros, no overflow.
                guard let value = Int(actual), value > 0, String(value) == actual else { return nil }
                parameters.values[String(expected.dropFirst())] = value
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}

/// Numeric path parameters (`:id`, `:attempt`).
public struct RouteParameters: Sendable {
    var values: [String: Int] = [:]
    public var id: Int { values["id"] ?? 0 }
    public subscript(name: String) -> Int? { values[name] }
}
