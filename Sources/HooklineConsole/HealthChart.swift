import HooklineStore
import HooklineTemplates

/// The subscription page's chart: attempts and failures per hour over seven days, drawn on the
/// server as inline SVG (no script), with a title, a description and a text summary for
/// readers who do not see it.
struct HealthChart {
    static let hours = 7 * 24
    static let width = 840
    static let plotHeight = 120
    static let top = 8

    let buckets: [HourlyAttempts]
    /// The first hour shown (unix seconds, a multiple of 3600).
    let start: Int

    init(_ buckets: [HourlyAttempts], now: Int) {
        let first = (now / 3600 - Self.hours + 1) * 3600
        start = first
        self.buckets = buckets.filter { $0.hour >= first }
    }

    var attempts: Int { buckets.reduce(0) { $0 + $1.attempts } }
    var failures: Int { buckets.reduce(0) { $0 + $1.failures } }

    /// One sentence that says what the chart shows.
    var summary: String {
        guard attempts > 0 else { return "No delivery attempts in the last 7 days." }
        let percent = Double(failures) * 100 / Double(attempts)
        let rate = failures == 0 ? "none failed" : "\(failures) failed (\(percent < 1 ? "<1" : String(Int(percent.rounded()))) %)"
        var text = "In the last 7 days: \(attempts) attempt\(attempts == 1 ? "" : "s"), \(rate)."
        if let busiest = buckets.max(by: { $0.attempts < $1.attempts }) {
            text += " Busiest hour: \(Timestamp.display(busiest.hour)) with \(busiest.attempts)."
        }
        if let worst = buckets.filter({ $0.failures > 0 }).max(by: { $0.failures < $1.failures }) {
            text += " Most failures: \(worst.failures) at \(Timestamp.display(worst.hour))."
        }
        return text
    }

    /// Template values: `bars` (one per hour with attempts), `days` (axis labels), sizes.
    var values: TemplateValue {
        let barWidth = Self.width / Self.hours
        let peak = max(1, buckets.map(\.attempts).max() ?? 1)
        func height(_ count: Int) -> Int { count == 0 ? 0 : max(1, count * Self.plotHeight / peak) }
        let baseline = Self.top + Self.plotHeight
        let bars: [TemplateValue] = buckets.map { bucket in
            let x = (bucket.hour - start) / 3600 * barWidth
            let failed = height(bucket.failures)
            let total = max(height(bucket.attempts), failed)
            return [
                "x": .int(x), "width": .int(max(1, barWidth - 1)),
                "ok_y": .int(baseline - total), "ok_height": .int(total - failed),
                "failed_y": .int(baseline - failed), "failed_height": .int(failed),
                "title": .text("\(Timestamp.display(bucket.hour)): \(bucket.attempts) attempts, \(bucket.failures) failed"),
            ]
        }
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        var days: [TemplateValue] = []
        var midnight = (start / 86400 + 1) * 86400
        while midnight < start + Self.hours * 3600 {
            let day = midnight / 86400
            let date = Timestamp.iso(midnight)
            days.append([
                "x": .int((midnight - start) / 3600 * barWidth), "label": .text("\(weekdays[day % 7]) \(date.dropFirst(8).prefix(2))"),
            ])
            midnight += 86400
        }
        return [
            "bars": .list(bars), "days": .list(days), "width": .int(Self.width), "height": .int(baseline + 20),
            "baseline": .int(baseline), "label_y": .int(baseline + 15), "peak": .int(peak), "summary": .text(summary),
            "has_attempts": .bool(attempts > 0),
        ]
    }
}
