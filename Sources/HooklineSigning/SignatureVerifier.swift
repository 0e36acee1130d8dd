import HooklineCore

/// Checks the signature of a received webhook, as a receiver (or `hookline verify`) would.
///
/// The scheme is detected from the headers: `X-Webhook-Signature` means `hookline`; any of
/// `webhook-signature`, `webhook-id`, `webhook-timestamp` means `standard-webhooks`. The request
/// is accepted if any listed signature matches (during a secret rotation a delivery carries one
/// per live secret), compared in constant time. Checks run in this order: headers present,
/// secret usable, headers parse, signature matches, timestamp within tolerance — so a stale
/// but authentic request is reported as such rather than as a mismatch.
public struct SignatureVerifier: Sendable {
    /// The largest accepted distance, in seconds, between the signed timestamp and now.
    public var tolerance: Int

    /// Creates a verifier; the default tolerance of 5 minutes matches the Standard Webhooks libraries.
    public init(tolerance: Int = 300) {
        self.tolerance = tolerance
    }

    /// Verifies one request.
    ///
    /// - Parameters:
    ///   - secret: the subscription's `whsec_…` secret (for `standard-webhooks` the prefix may be omitted).
    ///   - headers: the request headers; names are matched case-insensitively, surrounding
    ///     whitespace is ignored, and repeated signature headers are all considered.
    ///   - body: the raw request body exactly as received.
    ///   - now: the current Unix time in seconds.
    public func verify(secret: String, headers: [(String, String)], body: [UInt8], now: Int) -> VerificationResult {
        let received = ReceivedHeaders(headers)
        guard let scheme = Self.detectScheme(in: received) else {
            return .invalid(reason: .missingHeader(name: WebhookHeaders.signatureName))
        }
        switch checkSignature(scheme: scheme, secret: secret, headers: received, body: body) {
        case .failure(let failure):
            return .invalid(reason: failure)
        case .success(let timestamp):
            let (secondsOff, overflow) = now.subtractingReportingOverflow(timestamp)
            if overflow || secondsOff > tolerance || secondsOff < -tolerance {
                return .invalid(reason: .timestampOutsideTolerance(secondsOff: overflow ? Int.max : secondsOff))
            }
            return .valid(scheme: scheme)
        }
    }

    /// Returns the scheme the headers were signed with, or `nil` if they carry no webhook signature headers.
    static func detectScheme(in headers: ReceivedHeaders) -> SignatureScheme? {
        if headers.contains(WebhookHeaders.signatureName) { return .hookline }
        let standardNames = [
            WebhookHeaders.standardSignatureName, WebhookHeaders.standardIDName,
            WebhookHeaders.standardTimestampName,
        ]
        if standardNames.contains(where: headers.contains) { return .standardWebhooks }
        return nil
    }

    /// The name of the header holding the signed timestamp for `scheme`.
    static func timestampHeaderName(for scheme: SignatureScheme) -> String {
        scheme == .hookline ? WebhookHeaders.timestampName : WebhookHeaders.standardTimestampName
    }

    /// Parses a timestamp header value: decimal Unix seconds, surrounding whitespace allowed.
    static func parseTimestamp(_ value: String) -> Int? {
        let digits = value.trimmingWhitespace
        guard !digits.isEmpty, digits.utf8.count <= 18,
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(digits)
    }

    /// Checks everything but the tolerance; on success returns the signed timestamp.
    private func checkSignature(
        scheme: SignatureScheme, secret: String, headers: ReceivedHeaders, body: [UInt8]
    ) -> Result<Int, VerificationFailure> {
        let timestampName = Self.timestampHeaderName(for: scheme)
        switch scheme {
        case .hookline:
            guard let timestampValue = headers.first(timestampName) else {
                return .failure(.missingHeader(name: timestampName))
            }
            guard secret.hasPrefix(SigningSecret.prefix), secret.count > SigningSecret.prefix.count else {
                return .failure(.badSecret)
            }
            guard let timestamp = Self.parseTimestamp(timestampValue) else {
                return .failure(.malformedHeader(name: timestampName))
            }
            let candidates = headers.all(WebhookHeaders.signatureName)
                .flatMap { $0.split(separator: ",") }
                .compactMap { entry -> [UInt8]? in
                    let entry = entry.trimmingWhitespace
                    guard entry.hasPrefix("sha256="),
                        let mac = Hex.decode(String(entry.dropFirst("sha256=".count))),
                        mac.count == SHA256.digestByteCount
                    else { return nil }
                    return mac
                }
            guard !candidates.isEmpty else { return .failure(.malformedHeader(name: WebhookHeaders.signatureName)) }
            let expected = WebhookHeaders.hooklineMAC(secret: secret, timestamp: String(timestamp), body: body)
            return Self.anyMatches(candidates, expected) ? .success(timestamp) : .failure(.signatureMismatch)

        case .standardWebhooks:
            for name in [WebhookHeaders.standardIDName, timestampName, WebhookHeaders.standardSignatureName]
            where !headers.contains(name) {
                return .failure(.missingHeader(name: name))
            }
            guard let key = SigningSecret.keyBytes(forStandardWebhooks: secret) else {
                return .failure(.badSecret)
            }
            let eventID = (headers.first(WebhookHeaders.standardIDName) ?? "").trimmingWhitespace
            guard !eventID.isEmpty else { return .failure(.malformedHeader(name: WebhookHeaders.standardIDName)) }
            guard let timestamp = Self.parseTimestamp(headers.first(timestampName) ?? "") else {
                return .failure(.malformedHeader(name: timestampName))
            }
            let candidates = headers.all(WebhookHeaders.standardSignatureName)
                .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
                .compactMap { entry -> [UInt8]? in
                    guard entry.hasPrefix("v1,"), let mac = Base64.decode(String(entry.dropFirst("v1,".count))),
                        mac.count == SHA256.digestByteCount
                    else { return nil }
                    return mac
                }
            guard !candidates.isEmpty else {
                return .failure(.malformedHeader(name: WebhookHeaders.standardSignatureName))
            }
            let expected = WebhookHeaders.standardWebhooksMAC(
                key: key, eventID: eventID, timestamp: String(timestamp), body: body)
            return Self.anyMatches(candidates, expected) ? .success(timestamp) : .failure(.signatureMismatch)
        }
    }

    /// Compares every candidate (no early exit) in constant time.
    private static func anyMatches(_ candidates: [[UInt8]], _ expected: [UInt8]) -> Bool {
        var matched = false
        for candidate in candidates {
            matched = constantTimeEquals(candidate, expected) || matched
        }
        return matched
    }
}

/// Verifies a received webhook's signature; shorthand for ``SignatureVerifier/verify(secret:headers:body:now:)``.
///
/// - Parameter tolerance: the largest accepted distance in seconds between the signed timestamp and `now`.
public func verifySignature(
    secret: String, headers: [(String, String)], body: [UInt8], now: Int, tolerance: Int = 300
) -> VerificationResult {
    SignatureVerifier(tolerance: tolerance).verify(secret: secret, headers: headers, body: body, now: now)
}
