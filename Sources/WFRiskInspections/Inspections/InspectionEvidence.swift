/// What a unit's recent inspection texts say about its workforce, condensed into
/// the values the inspection indicators standardise, with the quotes behind them.
public struct InspectionEvidence: Sendable, Equatable {
    /// Recency-weighted concern for the instability themes (turnover, agency, vacancies, stability),
    /// from -1 (all positive) to +1 (all concern), plus the judgement in force.
    public var instabilityConcern: Double?
    /// The same for caseload.
    public var caseloadConcern: Double?
    /// Date (ISO) of the newest text used.
    public var latestDate: String?
    public var judgement: String?
    public var quotes: [EvidenceQuote]

    public init(instabilityConcern: Double?, caseloadConcern: Double?, latestDate: String?, judgement: String?, quotes: [EvidenceQuote]) {
        self.instabilityConcern = instabilityConcern
        self.caseloadConcern = caseloadConcern
        self.latestDate = latestDate
        self.judgement = judgement
        self.quotes = quotes
    }
}

/// One sentence of evidence and where it came from.
public struct EvidenceQuote: Sendable, Equatable {
    public var file: String
    public var date: String?
    public var theme: String
    public var polarity: String
    public var text: String

    public init(file: String, date: String?, theme: String, polarity: String, text: String) {
        self.file = file
        self.date = date
        self.theme = theme
        self.polarity = polarity
        self.text = text
    }
}
