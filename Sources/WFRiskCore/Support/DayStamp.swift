import Foundation

/// A calendar day as `yyyymmdd`, so dates compare as integers. Month-precision dates are
/// taken as the month's last day: the latest the report can have been public, so a
/// look-ahead guard that uses it never lets a possibly-later report through.
public struct DayStamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = min(day, DayStamp.daysIn(month: month, year: year))
    }

    /// 30 September of `year`: the workforce census date the scores of `year` describe.
    public static func census(_ year: Int) -> DayStamp { DayStamp(year: year, month: 9, day: 30) }

    /// `YYYY-MM-DD`, or `YYYY-MM` (last day of the month). Nil for anything else.
    public init?(iso text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-").map { Int($0) }
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0 != nil }) else { return nil }
        let y = parts[0]!, m = parts[1]!
        guard (1900...2200).contains(y), (1...12).contains(m) else { return nil }
        let last = DayStamp.daysIn(month: m, year: y)
        let d = parts.count == 3 ? parts[2]! : last
        guard (1...last).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The same day `months` later (clamped to the month's length: 30 September + 5 → 28/29 February).
    public func adding(months: Int) -> DayStamp {
        let index = year * 12 + (month - 1) + months
        return DayStamp(year: index / 12, month: index % 12 + 1, day: day)
    }

    /// Whole months from `self` to `later` (counting a month only once its day is reached).
    public func months(to later: DayStamp) -> Int {
        var m = (later.year - year) * 12 + (later.month - month)
        if later.day < day { m -= 1 }
        return m
    }

    public var ordinal: Int { year * 10000 + month * 100 + day }
    public static func < (a: DayStamp, b: DayStamp) -> Bool { a.ordinal < b.ordinal }
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension DayStamp {
    /// Today's date (UTC): a judgement published after it is a mistake in the file, not a fact.
    public static func today() -> DayStamp {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return DayStamp(year: c.year!, month: c.month!, day: c.day!)
    }
}

extension DayStamp {
    /// Days since 1970-01-01 (proleptic Gregorian), for day arithmetic.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> DayStamp { DayStamp(dayNumber: dayNumber + days) }
}
