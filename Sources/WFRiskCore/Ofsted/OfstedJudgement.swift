import Foundation

/// Ofsted's overall-effectiveness grade of a local authority's children's services (SIF, ILACS).
public enum OfstedGrade: String, Sendable, CaseIterable, Comparable {
    case outstanding
    case good
    case requiresImprovement = "requires_improvement"
    case inadequate

    /// 1 outstanding … 4 inadequate: higher is worse, the direction of the scores.
    public var severity: Int {
        switch self {
        case .outstanding: return 1
        case .good: return 2
        case .requiresImprovement: return 3
        case .inadequate: return 4
        }
    }

    /// Reads "requires improvement (to be good)", "Requires_Improvement", "Inadequate"…
    public init?(text: String) {
        let t = text.lowercased().replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("requires improvement") { self = .requiresImprovement; return }
        switch t {
        case "outstanding": self = .outstanding
        case "good": self = .good
        case "inadequate": self = .inadequate
        default: return nil
        }
    }

    public static func < (a: OfstedGrade, b: OfstedGrade) -> Bool { a.severity < b.severity }
}

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

/// One graded inspection of an authority's children's services.
public struct OfstedJudgement: Sendable, Equatable {
    /// DfE 3-digit code of the authority inspected (abolished councils keep their own).
    public var oldCode: String
    public var name: String
    /// `sif` or `ilacs`.
    public var framework: String
    /// Publication date of the report (the latest day it may have been, for month precision).
    public var published: DayStamp
    /// The date as the file gives it (`2018-01` when only the month is known).
    public var publishedText: String
    public var grade: OfstedGrade
    /// Line in the judgements file, for messages.
    public var line: Int

    public init(oldCode: String, name: String, framework: String, published: DayStamp, publishedText: String,
                 grade: OfstedGrade, line: Int) {
        self.oldCode = oldCode
        self.name = name
        self.framework = framework
        self.published = published
        self.publishedText = publishedText
        self.grade = grade
        self.line = line
    }
}
