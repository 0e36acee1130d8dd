/// Why a webhook's signature was rejected.
public enum VerificationFailure: Error, Sendable, Equatable {
    /// A header the detected scheme needs is absent; `name` is spelled as the scheme sends it.
    case missingHeader(name: String)
    /// A header is present but its value cannot be parsed.
    case malformedHeader(name: String)
    /// The signature matches, but the timestamp is too far from now.
    ///
    /// `secondsOff` is `now - timestamp`: positive for an old request, negative for one from the future.
    case timestampOutsideTolerance(secondsOff: Int)
    /// No listed signature matches the body under the given secret.
    case signatureMismatch
    /// The secret itself is unusable (empty, missing `whsec_`, or not Base64 where the scheme needs it).
    case badSecret

    /// A one-line explanation for the person debugging the receiver; never contains the secret.
    public var message: String {
        switch self {
        case .missingHeader(let name):
            let lowered = name.lowercased()
            if lowered == "x-webhook-signature" || lowered == "webhook-signature" {
                return "the request has no \(name) header — the delivery is unsigned;"
                    + " does the subscription have a signing secret?"
            }
            return "the request has no \(name) header"
        case .malformedHeader(let name):
            return "the \(name) header is malformed — expected \(Self.expectedFormat(ofHeader: name))"
        case .timestampOutsideTolerance(let secondsOff):
            let age = secondsOff >= 0 ? "\(secondsOff) s old" : "\(-secondsOff) s in the future"
            return "the signature matches, but the timestamp is \(age), outside the allowed tolerance"
                + " — the request may be a replay, or a clock is wrong"
        case .signatureMismatch:
            return "signature does not match the body — check you are hashing the raw request body"
                + " and using the current secret"
        case .badSecret:
            return "the secret is not a valid signing secret — expected whsec_ followed by Base64,"
                + " exactly as shown when it was generated"
        }
    }

    private static func expectedFormat(ofHeader name: String) -> String {
        switch name.lowercased() {
        case "x-webhook-timestamp", "webhook-timestamp":
            return "Unix seconds, e.g. 1714000000"
        case "x-webhook-signature":
            return "sha256=<64 hex digits>, several separated by commas"
        case "webhook-signature":
            return "v1,<Base64 of 32 bytes>, several separated by spaces"
        case "webhook-id", "x-webhook-id":
            return "a non-empty message id"
        default:
            return "a value in the documented format"
        }
    }
}
