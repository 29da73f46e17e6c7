import WFRiskCore
import WFRiskOfsted

/// The closed vocabularies of the `wfrisk extract --json` contract (README "Inspection texts").
/// Raw values are the contract's strings; the lexicon's group names must be among them.

/// A workforce theme a sentence can raise.
public enum Theme: String, CaseIterable, Sendable, Codable {
    case turnover, agency
    case vacanciesRecruitment = "vacancies_recruitment"
    case caseload, stability, supervision, training, morale, absence

    /// Themes where more is worse ("high turnover" is a concern); for the others more is better.
    var higherIsWorse: Bool {
        switch self {
        case .turnover, .agency, .vacanciesRecruitment, .caseload, .absence: true
        case .stability, .supervision, .training, .morale: false
        }
    }
}

/// The direction a signal points.
public enum Polarity: String, CaseIterable, Sendable, Codable {
    case concern, positive, mixed

    /// -1 for all positive, +1 for all concern, 0 for mixed (the inspection component's scale).
    public var concernValue: Double {
        switch self {
        case .concern: 1
        case .positive: -1
        case .mixed: 0
        }
    }
}

/// What a text does with an authority: reports on it, or only names it.
enum AuthorityRole: String, CaseIterable, Sendable, Codable {
    case primary, mentioned
}

/// Ofsted's overall judgement of a council's children's services: the grade the backtest reads
/// from Ofsted's own data (`OfstedGrade`), one concept defined once.
public typealias Judgement = OfstedGrade

/// What a document is (the extract contract's `document_kind`): Ofsted's own report or visit
/// letter, read structurally (`OfstedReportReader`), or another text about an authority's
/// children's services (news, minutes: `article`), or neither (`other`).
public enum DocumentKind: String, CaseIterable, Sendable, Codable {
    case ofstedReport = "ofsted_report"
    case ofstedLetter = "ofsted_letter"
    case article, other
}
