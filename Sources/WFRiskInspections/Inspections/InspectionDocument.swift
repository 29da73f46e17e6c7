import WFRiskCore
import WFRiskOfsted

/// What wfrisk reads from one inspection text. Its JSON form (`wfrisk extract --json`)
/// is a documented contract: see README "Inspection texts".
public struct InspectionDocument: Sendable, Equatable {
    /// Version of the JSON contract. 2: per-authority `visit_type`, `judgement` and `date`,
    /// and this field itself. 3: `document_kind`, and per authority the sub-judgements
    /// (with their evidence), the framework and the inspection's first and last day read from
    /// Ofsted's own report; what the run uses beside what the text says (`judgement_used`,
    /// `visit_type_used`, their `_from`, and `record`: Ofsted's record at the text's date).
    static let contractVersion = 3

    public var file: String
    /// An Ofsted report or letter, an article, or other.
    public var kind: DocumentKind = .other
    public var authorities: [AuthorityLink]
    /// The primary authorities' visit type when they agree, else nil.
    var visitType: VisitType?
    /// ISO date of the visit or publication.
    public var date: String?
    /// The primary authorities' judgement in force when they agree, else nil.
    public var judgement: Judgement?
    public var signals: [WorkforceSignal]
    public var numbers: [StatedFigure]

    public var primary: [AuthorityLink] { authorities.filter { $0.role == .primary } }

    /// The primaries' judgement and visit type as the run uses them (see `AuthorityLink`).
    public var judgementUsed: Judgement? { Self.agreed(primary.map(\.judgementUsed)) }
    var visitTypeUsed: VisitType? { Self.agreed(primary.map(\.visitTypeUsed)) }

    /// The record wins over prose: each primary authority's judgement in force and visit type at
    /// the text's date (the authority's own date, else the text's) from Ofsted's record, where the
    /// record covers that date. What the text said is kept beside it.
    package func applyingRecord(_ history: OfstedHistory) -> InspectionDocument {
        var d = self
        for i in d.authorities.indices where d.authorities[i].role == .primary {
            guard let text = d.authorities[i].date ?? d.date, let day = DayStamp(iso: text) else { continue }
            d.authorities[i].record = history.record(of: d.authorities[i].oldCode, on: day)
        }
        return d
    }

    /// The value all primaries that have one agree on, else nil.
    static func agreed<T: Equatable>(_ values: [T?]) -> T? {
        let known = values.compactMap { $0 }
        guard let first = known.first, known.allSatisfy({ $0 == first }) else { return nil }
        return first
    }
}

/// An authority the text is about (`primary`) or only names (`mentioned`), with the facts the
/// text gives for it (a round-up reports each council's own visit and judgement).
public struct AuthorityLink: Sendable, Equatable {
    public var newCode: String
    public var oldCode: String
    public var name: String
    var role: AuthorityRole
    /// The sentence (or metadata note) that links it.
    public var evidence: String
    var visitType: VisitType?
    public var judgement: Judgement?
    public var date: String?
    /// What Ofsted's record says of the authority at the text's date, when the run has a record
    /// and the date lies within it (`InspectionDocument.applyingRecord`).
    var record: RecordAtDate?

    /// The judgement in force the run uses: the record's when it has one, else the text's.
    public var judgementUsed: Judgement? { record?.inForce?.grade ?? judgement }
    /// The visit type the run uses: the record's when it tells one (a graded inspection, or a
    /// monitoring visit under an inadequate judgement), else the text's. A joint targeted area
    /// inspection the text names always stands: the record holds none, and any council may have
    /// one at any time, a week after its graded inspection too.
    var visitTypeUsed: VisitType? {
        guard let recorded = record?.visit, visitType != .jtai else { return visitType }
        return recorded
    }
    var judgementFrom: String { record?.inForce != nil ? "ofsted_record" : "text" }
    var visitTypeFrom: String { record?.visit != nil && visitTypeUsed == record?.visit ? "ofsted_record" : "text" }
    /// What Ofsted's own report or letter on this authority states (nil for other texts).
    public var report: OfstedReportReading? = nil
}

/// A workforce theme a sentence raises, with its direction and the sentence itself.
public struct WorkforceSignal: Sendable, Equatable {
    public var theme: Theme
    public var polarity: Polarity
    public var evidence: String
    /// Unicode-scalar offsets of the evidence in the decoded text.
    var start: Int
    var end: Int
    /// 3-digit code of the authority the sentence is about.
    public var laCode: String?
}

/// A figure the text states ("a vacancy rate of 34.7 per cent").
public struct StatedFigure: Sendable, Equatable {
    var measure: String
    var value: Double
    var unit: String
    var evidence: String
    /// The authority's 3-digit code, or `E92000001` for an England figure.
    var laCode: String?
}
