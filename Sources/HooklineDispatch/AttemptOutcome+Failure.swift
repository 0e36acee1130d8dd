import HooklineDelivery
import HooklineStore

extension AttemptOutcome {
    /// The stored outcome of an attempt: success, or the class of its failure. The one place
    /// where the delivery module's failure kinds meet the store's outcomes.
    init(_ failure: DeliveryFailure?) {
        guard let failure else {
            self = .success
            return
        }
        switch failure.kind {
        case .invalidURL: self = .invalidURL
        case .dns: self = .dns
        case .connect: self = .connect
        case .tls: self = .tls
        case .timeout: self = .timeout
        case .blockedAddress: self = .blocked
        case .redirect: self = .redirect
        case .httpStatus: self = .httpStatus
        case .other: self = .other
        }
    }
}
