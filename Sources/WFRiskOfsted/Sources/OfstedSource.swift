import Foundation
import WFRiskCore
import WFRiskIngest

/// The forms in which Ofsted's record reaches wfrisk (`--ofsted`, `inputs.ofsted`), each told
/// from the path itself: a folder (or a `.pdf`) is Ofsted's report PDFs; a CSV is told by its header.
public enum OfstedSourceKind: String, Sendable, CaseIterable {
    /// This project's judgements file (`../shared/data/ofsted/README.md`): one row per graded inspection.
    case judgementsFile = "judgements_file"
    /// The analysts' network scraper's CSV as it writes it (`dd/mm/yy` dates, its grade words).
    case scraperCSV = "scraper_csv"
    /// Ofsted's report PDFs, in a folder (read recursively) or one by one.
    case reports

    /// Columns that tell each CSV layout.
    static let judgementsColumns = ["old_la_code", "publication_date", "overall_effectiveness"]
    static let scraperColumns = ["urn", "local_authority", "publication_date", "overall_effectiveness_grade"]

    /// The kind of `header`'s CSV; nil when it is neither layout.
    static func csvKind(header: [String]) -> OfstedSourceKind? {
        if judgementsColumns.allSatisfy(header.contains) { return .judgementsFile }
        if scraperColumns.allSatisfy(header.contains) { return .scraperCSV }
        return nil
    }
}

/// What one report PDF says, as far as the record is concerned.
public enum ReportJudgement: Sendable, Equatable {
    /// A graded inspection report: its judgement (authority, dates, framework, grades).
    case graded(OfstedJudgement)
    /// A report or letter with no overall grade (monitoring or focused visit, an older framework):
    /// nothing for the record, with the reason.
    case ungraded(String)
    /// A file that cannot be read (not a PDF, encrypted, no text layer, …), with the reason.
    case unreadable(String)
}

/// The reader of report PDFs the PDF source uses. The record does not read PDFs itself: the text
/// layer and the report's structure belong to the inspection-text steps, which provide this.
public protocol ReportJudgementReader: Sendable {
    func read(report path: String, registry: AuthorityRegistry) -> ReportJudgement
}

/// One input read: its path, what it was read as, the judgements it gave and, for a folder, the
/// files below it (each with its count), for the manifest.
public struct OfstedSourceSummary: Sendable, Equatable {
    public var path: String
    public var kind: OfstedSourceKind
    public var judgements: Int
    /// The files read (the CSV itself, or each PDF of a folder) with the judgements each gave.
    public var files: [String: Int]
}

/// A row or file that gave no judgement, with the reason: logged and listed in the manifest.
public struct OfstedPassedOver: Sendable, Equatable, CustomStringConvertible {
    public var place: RecordPlace
    public var reason: String
    /// The reason without the row's own particulars, to group rows passed over for one reason.
    public var summaryReason: String

    public init(place: RecordPlace, reason: String, summaryReason: String? = nil) {
        self.place = place
        self.reason = reason
        self.summaryReason = summaryReason ?? reason
    }

    public var description: String { "\(place): \(reason)" }
}
