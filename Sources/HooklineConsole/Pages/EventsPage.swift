import HooklineCGI
import HooklineCore
import HooklineSigning
import HooklineStore
import HooklineTemplates

/// `GET /events`: the event catalogue as a receiver's developer reads it — groups and types with
/// a sample envelope each, the exact headers with a worked signature for each scheme, and the
/// retry schedule. Everything shown is computed by the code that delivers, so it cannot drift.
enum EventsPage {
    /// A fixed example, so the worked signatures can be checked by hand (not a real secret).
    static let exampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let exampleTimestamp = 1_776_609_000
    static let exampleID = "7f3c2e1a-5b4d-4c8e-9a6f-0d1b2c3e4f5a"

    @Sendable static func show(_ context: PageContext) throws -> Response {
        let catalog = try context.store.catalog
        let organization = try catalog.organization()
        let agent = try catalog.agents().first
        var groups: [(name: String, types: [TemplateValue])] = []
        for event in try catalog.eventTypes() {
            let envelope = Envelope.build(
                eventID: exampleID, eventType: event.name, createdMicroseconds: exampleTimestamp * 1_000_000,
                organization: organization, data: Envelope.sampleData(for: event, agent: agent, conversation: exampleID))
            let pretty = (try? JSONValue(parsing: envelope))?.serialized(pretty: true) ?? envelope
            let value: TemplateValue = ["name": .text(event.name), "description": .text(event.description), "envelope": .text(pretty)]
            if groups.last?.name == event.group {
                groups[groups.count - 1].types.append(value)
            } else {
                groups.append((event.group, [value]))
            }
        }
        let body = #"{"event_type":"conversation.ended","event_id":"\#(exampleID)"}"#
        let schemes: [TemplateValue] = SignatureScheme.allCases.map { scheme in
            let headers =
                [("Content-Type", "application/json"), ("User-Agent", Hookline.userAgent)]
                + WebhookHeaders.build(
                    scheme: scheme, secrets: [exampleSecret], eventID: exampleID, eventType: "conversation.ended",
                    timestamp: exampleTimestamp, body: Array(body.utf8)
                ).map { ($0.name, $0.value) }
            return [
                "name": .text(scheme.rawValue),
                "explanation": .text(explanation(scheme)),
                "secret": .text(exampleSecret),
                "timestamp": .text(String(exampleTimestamp)),
                "body": .text(body),
                "headers": .list(headers.map { ["name": .text($0.0), "value": .text($0.1)] }),
            ]
        }
        let values: TemplateDictionary = [
            "groups": .list(
                groups.map { group in
                    [
                        "name": .text(group.name), "anchor": .text(group.name.lowercased().replacing(" ", with: "-")),
                        "count": .int(group.types.count), "types": .list(group.types),
                    ]
                }),
            "schemes": .list(schemes),
            "ladder": .list(RetrySchedule.ladder.map { .text(duration($0)) }),
            "timeout": .text(duration(Int(context.config.timeout))),
        ]
        return try context.page("events", title: "Event catalogue", values)
    }

    static func explanation(_ scheme: SignatureScheme) -> String {
        switch scheme {
        case .hookline:
            "The default. X-Webhook-Signature is sha256= and the lowercase hex HMAC-SHA256 of the raw body, a dot and the X-Webhook-Timestamp value, keyed with the whole secret string (whsec_ included)."
        case .standardWebhooks:
            "Follows the Standard Webhooks specification, so its libraries verify it: webhook-signature is v1, and the base64 HMAC-SHA256 of webhook-id, a dot, webhook-timestamp, a dot and the raw body, keyed with the base64-decoded part of the secret after whsec_."
        }
    }

    /// `5 s`, `5 min`, `2 h`.
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h"
    }
}
