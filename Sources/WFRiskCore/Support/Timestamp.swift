import Foundation

/// Dates as wfrisk writes them, always in UTC: each format defined here once.
package enum Timestamp {
    /// ISO 8601 with milliseconds, e.g. `2026-11-26T07:11:12.345Z`: manifests and log lines.
    package static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// ISO 8601 to the second, e.g. `2026-11-26T07:11:12Z`: the lock file's note.
    package static func iso8601Seconds(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// Sortable and safe in a path, e.g. `20261126T071112.345Z`: run folder names.
    package static func compact(_ date: Date) -> String {
        fixed("yyyyMMdd'T'HHmmss.SSS'Z'").string(from: date)
    }

    /// The calendar day, e.g. `2026-11-26`.
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
