import HooklineCore

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

    /// `2026-04-19T14:30` (what a `datetime-local` input shows), in UTC.
    public static func minuteInput(_ seconds: Int) -> String {
        String(iso(seconds).prefix(16))
    }

    /// Seconds for `2026-04-19T14:30`, `2026-04-19 14:30:05` or `2026-04-19T14:30:05Z`, read as
    /// UTC (a `datetime-local` value, or RFC 3339 in UTC); nil for anything else.
    public static func parse(_ text: String) -> Int? {
        var text = Substring(text.trimmingWhitespace)
        if text.hasSuffix("Z") || text.hasSuffix("z") { text = text.dropLast() }
        if text.hasSuffix("+00:00") { text = text.dropLast(6) }
        let bytes = Array(text.utf8)
        guard bytes.count == 16 || bytes.count == 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32,
            bytes[13] == 58, bytes.count == 16 || bytes[16] == 58
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = bytes.count == 19 ? number(17..<19) : 0,
            (1970...9999).contains(year), (1...12).contains(month), hour < 24, minute < 60, second < 60
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86400 + hour * 3600 + minute * 60 + second
    }
}
