/// When to try again after a failed attempt (DESIGN §3).
public struct RetrySchedule: Sendable {
    /// Delays after the 1st, 2nd, … failure: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
    public static let ladder = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    /// A subscription failing continuously this long is disabled.
    public static let disableAfter = 5 * 86400
    /// The most a receiver's `Retry-After` may push a retry out.
    public static let maximumRetryAfter = 86400

    public init() {}

    /// Seconds until the next attempt after `failedAttempts` failures, or nil when the ladder is used up.
    /// `random` returns a value in 0..<1 and makes the ±20 % jitter testable.
    public func delay(afterFailures failedAttempts: Int, retryAfter: String?, statusCode: Int?, random: () -> Double) -> Int? {
        guard failedAttempts >= 1, failedAttempts <= Self.ladder.count else { return nil }
        let base = Double(Self.ladder[failedAttempts - 1])
        let jittered = Int((base * (0.8 + 0.4 * random())).rounded())
        if let statusCode, statusCode == 429 || statusCode == 503, let retryAfter, let seconds = Int(retryAfter.trimmingWhitespace),
            seconds >= 0
        {
            // Honour the receiver's wish, clamped to [the ladder's step, 24 h].
            return min(max(seconds, jittered), Self.maximumRetryAfter)
        }
        return max(1, jittered)
    }
}
