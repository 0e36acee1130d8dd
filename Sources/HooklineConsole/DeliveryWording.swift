import HooklineStore

/// Short labels for delivery outcomes as stored in the log.
enum DeliveryWording {
    static func outcomeLabel(_ outcome: AttemptOutcome?, status: Int?) -> String {
        switch outcome {
        case .success?: status.map { "Delivered (\($0))" } ?? "Delivered"
        case .httpStatus?: status.map { "Failed: HTTP \($0)" } ?? "Failed: HTTP error"
        case .redirect?: status.map { "Failed: redirect (\($0))" } ?? "Failed: redirect"
        case .timeout?: "Failed: timeout"
        case .dns?: "Failed: DNS"
        case .connect?: "Failed: connection"
        case .tls?: "Failed: TLS"
        case .blocked?: "Blocked address"
        case .invalidURL?: "Failed: invalid URL"
        case .other?, nil: "Failed"
        }
    }
}
