import Foundation
import WFRiskCore

/// Ofsted's overall-effectiveness grade of a local authority's children's services (SIF, ILACS),
/// and the grade of each sub-judgement: one vocabulary for the record and for inspection texts.
public enum OfstedGrade: String, Sendable, CaseIterable, Comparable, Codable {
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

    /// The grade as the judgements file writes it ("requires improvement").
    public var words: String { self == .requiresImprovement ? "requires improvement" : rawValue }

    public static func < (a: OfstedGrade, b: OfstedGrade) -> Bool { a.severity < b.severity }
}

/// The graded inspection frameworks of the record.
public enum OfstedFramework: String, Sendable, CaseIterable {
    /// Single inspection framework, November 2013 - 2018.
    case sif
    /// Inspection of local authority children's services, 2018 onwards.
    case ilacs
}

/// The areas graded beside the overall judgement (columns of the judgements file).
public enum OfstedArea: String, Sendable, CaseIterable {
    case leadership
    case helpAndProtection = "help_and_protection"
    case childrenInCare = "children_in_care"
    case careLeavers = "care_leavers"
}

/// Where a judgement was read: a file and line (a CSV row) or a file alone (a report PDF).
public struct RecordPlace: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// One graded inspection of an authority's children's services.
public struct OfstedJudgement: Sendable, Equatable {
    /// DfE 3-digit code of the authority inspected (abolished councils keep their own).
    public var oldCode: String
    public var newCode: String
    public var name: String
    public var framework: OfstedFramework
    /// An ILACS short inspection (the judgements file's note `ILACS short`, the scraper's `short`).
    public var isShort: Bool
    /// Fieldwork dates as the source gives them (`YYYY-MM-DD`, or `YYYY-MM`), when it gives them.
    public var inspectionStart: String?
    public var inspectionEnd: String?
    /// Publication date of the report (the latest day it may have been, for month precision).
    public var published: DayStamp
    /// The date as the file gives it (`2018-01` when only the month is known).
    public var publishedText: String
    /// `day`, or the judgements file's `month…` wording for dates known only to the month.
    public var datePrecision: String
    public var grade: OfstedGrade
    /// Sub-judgements the report gives (an area left out was not graded, or not read).
    public var areas: [OfstedArea: OfstedGrade]
    public var urn: String?
    /// The judgements file's `source` and `note` columns: where the row's facts come from.
    public var source: String
    public var note: String
    /// Where this row was read, for messages.
    public var place: RecordPlace

    /// Line in the judgements file, for messages.
    public var line: Int { place.line ?? 0 }

    public init(oldCode: String, newCode: String = "", name: String, framework: OfstedFramework, isShort: Bool = false, inspectionStart: String? = nil,
                inspectionEnd: String? = nil, published: DayStamp, publishedText: String, datePrecision: String = "day",
                grade: OfstedGrade, areas: [OfstedArea: OfstedGrade] = [:], urn: String? = nil, source: String = "", note: String = "",
                place: RecordPlace) {
        self.oldCode = oldCode
        self.newCode = newCode
        self.name = name
        self.framework = framework
        self.isShort = isShort
        self.inspectionStart = inspectionStart
        self.inspectionEnd = inspectionEnd
        self.published = published
        self.publishedText = publishedText
        self.datePrecision = datePrecision
        self.grade = grade
        self.areas = areas
        self.urn = urn
        self.source = source
        self.note = note
        self.place = place
    }
}
