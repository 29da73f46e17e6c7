import Foundation

/// Dates as wfrisk writes them, always in UTC: each format defined here once.
///
/// Why not Foundation's formatters (`Timestamp.Formatters` below, what `TimestampTests`
/// compares these with over random dates): one was made per call, and making one loads ICU's
/// calendar data. Every log line and the manifest paid that: 1.5% of the national run's
/// samples (`perf`, docs/performance.md). Here the calendar fields come from the C library's
/// `gmtime_r` and are printed with fixed digits. `gmtime_r` counts the Gregorian calendar back
/// for ever, where Foundation's switches to the Julian before 15 October 1582: a date before
/// then (a mistyped year in a labels file) goes to the formatters.
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
        return "\(pad(t.year, 4))\(pad(t.month, 2))\(pad(t.dayOfMonth, 2))T\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2)).\(pad(t.millisecond, 3))Z"
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
        var year = 0, month = 0, dayOfMonth = 0, hour = 0, minute = 0, second = 0, millisecond = 0

        /// 1582-10-15T00:00:00Z, in seconds since 1970.
        static let gregorianStart = -12_219_292_800.0

        init?(_ date: Date) {
            // Milliseconds since 1970 as Foundation hands them to ICU (rounded to the nearest,
            // half up), which then rounds down to whole milliseconds.
            let ms = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000 + 0.5).rounded(.down)
            guard ms.isFinite, ms / 1000 >= Self.gregorianStart, ms / 1000 < 253_402_300_800 else { return nil }  // to 9999
            var seconds = time_t((ms / 1000).rounded(.down))
            millisecond = Int(ms - Double(seconds) * 1000)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            year = Int(parts.tm_year) + 1900
            month = Int(parts.tm_mon) + 1
            dayOfMonth = Int(parts.tm_mday)
            hour = Int(parts.tm_hour)
            minute = Int(parts.tm_min)
            second = Int(parts.tm_sec)
        }

        var day: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))" }
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
