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

    /// `2026-04-19T14:30` (what a `datetime-local` field sends, taken as UTC), with optional
    /// seconds and fraction, and an optional `Z` or `±hh:mm` offset (RFC 3339); nil otherwise.
    public static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let value = number(index + 1..<index + 3), value < 61 else { return nil }
            second = min(value, 59)
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
                guard index > start else { return nil }
            }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let hours = number(index + 1..<index + 3), index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                    let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
                else { return nil }
                offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default: return nil
            }
        }
        guard index == bytes.count else { return nil }
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        let seconds = Int(timegm(&tm))
        // timegm normalizes 31 February to March: refuse dates that do not exist.
        guard parts(seconds).date == String(decoding: bytes[0..<10], as: UTF8.self) else { return nil }
        return seconds - offset
    }

    /// `2026-04-19T14:30`, the value a `datetime-local` field shows for `seconds` (UTC).
    public static func minute(_ seconds: Int) -> String {
        let p = parts(seconds)
        return "\(p.date)T\(p.time.prefix(5))"
    }

    private static func parts(_ seconds: Int) -> (date: String, time: String) {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return ("\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))", "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))")
    }
}
