/// Short labels for delivery outcomes as stored in the log (`success`, `timeout`, …).
enum DeliveryWording {
    static func outcomeLabel(_ outcome: String, status: Int?) -> String {
        switch outcome {
        case "success": status.map { "Delivered (\($0))" } ?? "Delivered"
        case "http_status": status.map { "Failed: HTTP \($0)" } ?? "Failed: HTTP error"
        case "redirect": status.map { "Failed: redirect (\($0))" } ?? "Failed: redirect"
        case "timeout": "Failed: timeout"
        case "dns": "Failed: DNS"
        case "connect": "Failed: connection"
        case "tls": "Failed: TLS"
        case "blocked": "Blocked address"
        case "invalid_url", "unsupported_scheme": "Failed: invalid URL"
        case "pending": "Pending"
        default: "Failed"
        }
    }
}
