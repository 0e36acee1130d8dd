#if canImport(Glibc)
    import Glibc
#endif

/// Unix-time helpers without Foundation.
public enum Timestamp {
    /// Seconds since the epoch.
    public static func now() -> Int { Int(time(nil)) }

    /// Microseconds since the epoch (for envelope timestamps).
    public static func nowMicroseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int(spec.tv_sec) * 1_000_000 + Int(spec.tv_nsec) / 1000
    }

    /// `2026-04-19T14:30:00Z`.
    public static func iso(_ seconds: Int) -> String {
        let p = parts(seconds)
        return "\(p.date)T\(p.time)Z"
    }

    /// `2026-04-19T14:30:00.000000+00:00`, the envelope's `created` format.
    public static func envelope(microseconds: Int) -> String {
        let p = parts(microseconds / 1_000_000)
        let micros = String(microseconds % 1_000_000)
        return "\(p.date)T\(p.time).\(String(repeating: "0", count: 6 - micros.count))\(micros)+00:00"
    }

    /// `2026-04-19 14:30 UTC`, for people.
    public static func display(_ seconds: Int) -> String {
        let p = parts(seconds)
        return "\(p.date) \(p.time.prefix(5)) UTC"
    }

    private static func parts(_ seconds: Int) -> (date: String, time: String) {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return ("\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))", "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))")
    }
}
