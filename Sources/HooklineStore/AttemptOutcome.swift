/// How one delivery attempt ended: success, or the class of failure. The raw value is the text
/// stored in `delivery_attempts.outcome` and `subscriptions.last_delivery_outcome`.
public enum AttemptOutcome: String, Sendable, CaseIterable {
    /// A 2xx answer within the timeout.
    case success
    /// The target URL could not be used (unparsable, no host, or a scheme that is not allowed).
    case invalidURL = "invalid_url"
    /// The host name did not resolve.
    case dns
    /// No usable connection: refused, unreachable, or dropped before an answer.
    case connect
    /// The TLS handshake or certificate verification failed.
    case tls
    /// The connection or the whole attempt ran out of time.
    case timeout
    /// The address is not public and not allow-listed; nothing was sent.
    case blocked
    /// The receiver answered 3xx (redirects are never followed).
    case redirect
    /// The receiver answered with a status outside 2xx and 3xx.
    case httpStatus = "http_status"
    /// Any other failure.
    case other

    /// True for ``success``.
    public var succeeded: Bool { self == .success }
}
