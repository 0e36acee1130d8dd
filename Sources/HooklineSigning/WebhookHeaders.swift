/// Builds the identification and signature headers of a webhook delivery (DESIGN §4).
///
/// `Content-Type` and `User-Agent` belong to the delivery module and are not produced here.
public enum WebhookHeaders {
    /// `X-Webhook-Id`: the event's `event_id`, stable across retries. Sent in both schemes.
    public static let idName = "X-Webhook-Id"
    /// `X-Webhook-Event`: the event type, e.g. `conversation.ended`. Sent in both schemes.
    public static let eventName = "X-Webhook-Event"
    /// `X-Webhook-Timestamp`: Unix seconds of this attempt. Sent in both schemes.
    public static let timestampName = "X-Webhook-Timestamp"
    /// `X-Webhook-Signature`: scheme `hookline` only, `sha256=<hex>[,sha256=<hex>…]`.
    public static let signatureName = "X-Webhook-Signature"
    /// `webhook-id`: scheme `standard-webhooks`, same value as `X-Webhook-Id`.
    public static let standardIDName = "webhook-id"
    /// `webhook-timestamp`: scheme `standard-webhooks`, same value as `X-Webhook-Timestamp`.
    public static let standardTimestampName = "webhook-timestamp"
    /// `webhook-signature`: scheme `standard-webhooks`, `v1,<base64>[ v1,<base64>…]`.
    public static let standardSignatureName = "webhook-signature"

    /// Returns the webhook headers for one delivery attempt, in a fixed order.
    ///
    /// Always `X-Webhook-Id`, `X-Webhook-Event`, `X-Webhook-Timestamp` (every delivery carries
    /// them, whatever the scheme). Then:
    /// - `hookline`, with secrets: `X-Webhook-Signature: sha256=<lowercase hex>`, the HMAC-SHA256
    ///   of `body + "." + timestamp` keyed with the secret string's UTF-8 bytes. Several secrets
    ///   give `sha256=<newest>,sha256=<older>` — joined by a bare comma, no space.
    /// - `standard-webhooks`: `webhook-id`, `webhook-timestamp`, and with secrets
    ///   `webhook-signature: v1,<base64>`, the HMAC-SHA256 of `id + "." + timestamp + "." + body`
    ///   keyed with the Base64-decoded part after `whsec_`. Several secrets are joined by a space.
    ///
    /// - Parameters:
    ///   - secrets: the subscription's live secrets, newest first; empty sends the delivery unsigned.
    ///     For `standard-webhooks`, a secret that is not valid Base64 after `whsec_` is skipped
    ///     (store only ``SigningSecret/generate()`` output).
    ///   - timestamp: Unix seconds; it is signed, so use the attempt's time, not the event's.
    ///   - body: exactly the bytes that will be sent.
    public static func build(
        scheme: SignatureScheme,
        secrets: [String],
        eventID: String,
        eventType: String,
        timestamp: Int,
        body: [UInt8]
    ) -> [(name: String, value: String)] {
        let timestampText = String(timestamp)
        var headers: [(name: String, value: String)] = [
            (idName, eventID),
            (eventName, eventType),
            (timestampName, timestampText),
        ]
        switch scheme {
        case .hookline:
            if !secrets.isEmpty {
                let signatures = secrets.map {
                    "sha256=" + Hex.encode(hooklineMAC(secret: $0, timestamp: timestampText, body: body))
                }
                headers.append((signatureName, signatures.joined(separator: ",")))
            }
        case .standardWebhooks:
            headers.append((standardIDName, eventID))
            headers.append((standardTimestampName, timestampText))
            let signatures = secrets.compactMap { secret -> String? in
                guard let key = SigningSecret.keyBytes(forStandardWebhooks: secret) else { return nil }
                return "v1,"
                    + Base64.encode(
                        standardWebhooksMAC(key: key, eventID: eventID, timestamp: timestampText, body: body))
            }
            if !signatures.isEmpty {
                headers.append((standardSignatureName, signatures.joined(separator: " ")))
            }
        }
        return headers
    }

    /// HMAC-SHA256 for scheme `hookline`: key = secret string's UTF-8, message = `body.timestamp`.
    static func hooklineMAC(secret: String, timestamp: String, body: [UInt8]) -> [UInt8] {
        var message = body
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: timestamp.utf8)
        return HMACSHA256.authenticate(key: SigningSecret.keyBytes(forHookline: secret), message: message)
    }

    /// HMAC-SHA256 for scheme `standard-webhooks`: message = `id.timestamp.body`.
    static func standardWebhooksMAC(key: [UInt8], eventID: String, timestamp: String, body: [UInt8]) -> [UInt8] {
        var message = Array(eventID.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return HMACSHA256.authenticate(key: key, message: message)
    }
}
