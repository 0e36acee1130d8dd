/// What happened on one delivery attempt; everything the delivery log stores.
public struct DeliveryOutcome: Sendable {
    /// The final HTTP status, or nil when no answer arrived.
    public var statusCode: Int?
    /// Wall time of the attempt (monotonic clock), from start to the end of the response.
    public var latencyMilliseconds: Double
    /// The first ``DeliveryPolicy/responseCap`` bytes of the response body, decoded as UTF-8
    /// with invalid sequences replaced (U+FFFD).
    public var responseExcerpt: String
    /// Whether the body was longer than the excerpt.
    public var responseTruncated: Bool
    /// The `Retry-After` header of the final response, verbatim (seconds or an HTTP date).
    public var retryAfter: String?
    /// The peer address, `1.2.3.4:443` or `[2001:db8::1]:443`; for a blocked attempt, the
    /// refused address. Nil when no address was reached (DNS failure, invalid URL).
    public var remoteAddress: String?
    /// Why the attempt failed; nil on success (a 2xx answer within the timeout).
    public var failure: DeliveryFailure?

    /// True for a 2xx answer within the timeout.
    public var succeeded: Bool { failure == nil }

    /// Creates an outcome (the client builds these; public for tests and stores).
    public init(
        statusCode: Int? = nil,
        latencyMilliseconds: Double = 0,
        responseExcerpt: String = "",
        responseTruncated: Bool = false,
        retryAfter: String? = nil,
        remoteAddress: String? = nil,
        failure: DeliveryFailure? = nil
    ) {
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.responseExcerpt = responseExcerpt
        self.responseTruncated = responseTruncated
        self.retryAfter = retryAfter
        self.remoteAddress = remoteAddress
        self.failure = failure
    }
}
