/// What wfrisk reads from one inspection text. Its JSON form (`wfrisk extract --json`)
/// is a documented contract: see README "Inspection texts".
public struct InspectionDocument: Sendable, Equatable {
    public static let visitTypes = ["ilacs_full", "ilacs_short", "monitoring_visit", "focused_visit", "jtai", "sif", "other"]
    public static let judgements = ["outstanding", "good", "requires_improvement", "inadequate"]
    public static let themes = ["turnover", "agency", "vacancies_recruitment", "caseload", "stability", "supervision", "training", "morale", "absence"]

    public var file: String
    public var authorities: [AuthorityLink]
    public var visitType: String?
    /// ISO date of the visit or publication.
    public var date: String?
    public var judgement: String?
    public var signals: [WorkforceSignal]
    public var numbers: [StatedFigure]

    public var primary: [AuthorityLink] { authorities.filter { $0.role == "primary" } }
}

/// An authority the text is about (`primary`) or only names (`mentioned`).
public struct AuthorityLink: Sendable, Equatable {
    public var newCode: String
    public var oldCode: String
    public var name: String
    public var role: String
    /// The sentence (or metadata note) that links it.
    public var evidence: String
}

/// A workforce theme a sentence raises, with its direction and the sentence itself.
public struct WorkforceSignal: Sendable, Equatable {
    public var theme: String
    /// `concern`, `positive` or `mixed`.
    public var polarity: String
    public var evidence: String
    /// Unicode-scalar offsets of the evidence in the decoded text.
    public var start: Int
    public var end: Int
    /// 3-digit code of the authority the sentence is about.
    public var laCode: String?
}

/// A figure the text states ("a vacancy rate of 34.7 per cent").
public struct StatedFigure: Sendable, Equatable {
    public var measure: String
    public var value: Double
    public var unit: String
    public var evidence: String
    /// The authority's 3-digit code, or `E92000001` for an England figure.
    public var laCode: String?
}
