/// The outcome of checking a received webhook's signature.
public enum VerificationResult: Sendable, Equatable {
    /// A listed signature matches and the timestamp is within tolerance.
    case valid(scheme: SignatureScheme)
    /// The request must be rejected; `reason.message` says why in words a user can act on.
    case invalid(reason: VerificationFailure)

    /// True for ``valid(scheme:)``.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}
