import Foundation

/// Dates as wfrisk writes them, always in UTC: each format defined here once.
///
/// Why not Foundation's formatters (`Timestamp.Formatters` below, what `TimestampTests`
/// compares these with over random dates): one was made per call, and making one loads ICU's
/// calendar data. Every log line and the manifest paid that: 1.5% of the national run's
/// samples (`perf`, docs/performance.md). Here the day comes from `DayStamp`'s day count and
/// the time of day from the seconds left, printed with fixed digits. That day count is the
/// Gregorian calendar run back for ever, where Foundation's switches to the Julian before
/// 15 October 1582: a date before then (a mistyped year in a labels file) goes to the
/// formatters.
package enum Timestamp {
    /// ISO 8601 with milliseconds, e.g. `2026-11-26T07:11:12.345Z`: manifests and log lines.
    package static func iso8601(_ date: Date) -> String {
        guard let t = UTCFields(date) else { return Formatters.iso8601(date) }
        return "\(t.day)T\(t.time).\(pad(t.millisecond, 3))Z"
    }

    /// ISO 8601 to the second, e.g. `2026-11-26T07:11:12Z`: the lock file's note.
    package static func iso8601Seconds(_ date: Date) -> String {
        guard let t = UTCFields(date) else { return Formatters.iso8601Seconds(date) }
        return "\(t.day)T\(t.time)Z"
    }

    /// Sortable and safe in a path, e.g. `20261126T071112.345Z`: run folder names.
    package static func compact(_ date: Date) -> String {
        guard let t = UTCFields(date) else { return Formatters.compact(date) }
        return "\(pad(t.date.ordinal, 8))T\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2)).\(pad(t.millisecond, 3))Z"
    }

    /// The calendar day, e.g. `2026-11-26`.
    package static func day(_ date: Date) -> String { UTCFields(date)?.day ?? Formatters.day(date) }

    /// `n` in at least `width` digits.
    private static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A date's UTC calendar fields, to the millisecond (rounded, as the formatters do); nil
    /// before the Gregorian calendar's first day, 1582-10-15, or after 9999 (four digits).
    private struct UTCFields {
        /// The calendar day, from `DayStamp`'s day count (proleptic Gregorian, like `gmtime`).
        let date: DayStamp
        let hour: Int, minute: Int, second: Int, millisecond: Int

        /// 1582-10-15T00:00:00Z, in seconds since 1970.
        static let gregorianStart = -12_219_292_800.0

        init?(_ date: Date) {
            // Milliseconds since 1970 as Foundation hands them to ICU (rounded to the nearest,
            // half up), which then rounds down to whole milliseconds.
            let ms = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000 + 0.5).rounded(.down)
            guard ms.isFinite, ms / 1000 >= Self.gregorianStart, ms / 1000 < 253_402_300_800 else { return nil }  // to 9999
            let seconds = Int((ms / 1000).rounded(.down))
            millisecond = Int(ms - Double(seconds) * 1000)
            let days = Int((Double(seconds) / 86_400).rounded(.down))
            self.date = DayStamp(dayNumber: days)
            let ofDay = seconds - days * 86_400
            (hour, minute, second) = (ofDay / 3_600, ofDay % 3_600 / 60, ofDay % 60)
        }

        var day: String { date.description }
        var time: String { "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }
    }

    /// The plain path: Foundation's formatters, one made per call.
    package enum Formatters {
        package static func iso8601(_ date: Date) -> String {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.string(from: date)
        }

        package static func iso8601Seconds(_ date: Date) -> String {
            ISO8601DateFormatter().string(from: date)
        }

        package static func compact(_ date: Date) -> String {
            fixed("yyyyMMdd'T'HHmmss.SSS'Z'").string(from: date)
        }

        package static func day(_ date: Date) -> String {
            fixed("yyyy-MM-dd").string(from: date)
        }

        /// A formatter for a fixed pattern: POSIX locale (no user calendar or digits), UTC.
        private static func fixed(_ pattern: String) -> DateFormatter {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = pattern
            return f
        }
    }
}
