/// Why a delivery attempt did not succeed, by failure class (DESIGN §2 "Test send").
public enum DeliveryFailure: Error, Sendable, Equatable {
    /// The target URL could not be parsed or has no host; the detail says what is wrong.
    case invalidURL(String)
    /// The URL scheme is not allowed (anything but https, or http when the policy forbids it).
    case unsupportedScheme(String)
    /// The host name did not resolve.
    case dns(host: String)
    /// No usable connection: refused, unreachable, or dropped before an answer. The value
    /// is the complete user-facing sentence, e.g. `Connection refused by 203.0.113.5:443`.
    case connect(String)
    /// The TLS handshake or certificate verification failed; the value is curl's detail.
    case tls(String)
    /// The connection or the whole attempt ran out of time.
    case timeout(seconds: Double)
    /// The connection was refused before any byte was sent because the address is not
    /// public; the value comes from ``AddressSafety/blockReason(for:allowed:)``.
    case blockedAddress(String)
    /// The receiver answered 3xx. Redirects are never followed.
    case redirect(status: Int, location: String?)
    /// The receiver answered with a status outside 2xx and 3xx.
    case httpStatus(Int)
    /// Anything else; the value is the detail.
    case other(String)

    /// The class of failure, for logs and retries: several cases share one kind (an invalid URL
    /// and a refused scheme are both ``Kind/invalidURL``).
    public enum Kind: Sendable, Equatable, CaseIterable {
        case invalidURL, dns, connect, tls, timeout, blockedAddress, redirect, httpStatus, other
    }

    /// The class of this failure.
    public var kind: Kind {
        switch self {
        case .invalidURL, .unsupportedScheme: .invalidURL
        case .dns: .dns
        case .connect: .connect
        case .tls: .tls
        case .timeout: .timeout
        case .blockedAddress: .blockedAddress
        case .redirect: .redirect
        case .httpStatus: .httpStatus
        case .other: .other
        }
    }

    /// One or two sentences for the console and the delivery log.
    public var message: String {
        switch self {
        case .invalidURL(let detail):
            "Invalid target URL: \(detail)"
        case .unsupportedScheme(let scheme) where scheme.lowercased() == "http":
            "Plain http:// targets are not allowed; use https:// (http is only for development, with allow_http in the config)."
        case .unsupportedScheme(let scheme):
            "Unsupported URL scheme \"\(scheme)\". Hookline delivers only to https:// URLs."
        case .dns(let host):
            "DNS lookup failed: could not resolve host \(host)"
        case .connect(let sentence):
            sentence
        case .tls(let detail):
            "TLS error: \(detail)"
        case .timeout(let seconds):
            "Timed out after \(DeliveryFailure.formatSeconds(seconds)) s"
        case .blockedAddress(let reason):
            "Blocked: \(reason). Hookline does not deliver to non-public addresses unless the config allow-lists them (allowed_private_targets)."
        case .redirect(let status, let location?):
            "The receiver answered \(status) (redirect to \(location)). Hookline does not follow redirects; update the target URL."
        case .redirect(let status, nil):
            "The receiver answered \(status) (a redirect without a Location). Hookline does not follow redirects; update the target URL."
        case .httpStatus(let status):
            "The receiver answered HTTP \(status)"
        case .other(let detail):
            "Delivery failed: \(detail)"
        }
    }

    /// `15` for whole seconds, otherwise one decimal (`1.5`).
    static func formatSeconds(_ seconds: Double) -> String {
        if seconds == seconds.rounded(), abs(seconds) < 1e9 {
            return String(Int(seconds))
        }
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
