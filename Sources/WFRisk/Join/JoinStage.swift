import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskInspections
import WFRiskOfsted
import WFRiskScoring

/// What the join stage hands to scoring: one year's scoring input with its inspection evidence
/// and Ofsted judgements, the figure table every scored year reads, and the earlier years
/// history.csv scores with their own inspection evidence.
struct JoinedInputs: Sendable {
    var input: ScoringInput
    var figures: FigureTable
    /// Earlier years scored for history.csv (the scoring year itself excluded).
    var historyYears: [Int]
    /// Inspection evidence per history year; nil when the run has no inspection texts.
    var historyEvidence: [Int: [ReportingUnit: InspectionEvidence]]?
    /// Texts read but not usable for the scoring year (undated, or outside the window), as warnings.
    var unusedInspections: [String]
    /// The Ofsted record ends too long before the census to say what is in force.
    var ofstedWarnings: [String] = []

    /// What the run reads of the join after its last stage that scores (the warnings), without
    /// the ingested records, the figure table and the evidence: kept once `uncertainty` has
    /// finished (`Stage.keepAfterUse`), so they are freed before the write stage.
    var keptAfterScoring: JoinedInputs {
        var kept = self
        kept.input.workforce = input.workforce.withoutRecords()
        kept.input.inspections = nil
        kept.figures = FigureTable(TidyDataset())
        kept.historyEvidence = nil
        return kept
    }

    /// Counts recorded for the stage in the manifest.
    var counts: [String: Int] {
        ["units_with_inspection_evidence": input.inspections?.count ?? 0,
         "authorities_with_ofsted_judgements": input.judgements?.byCode.count ?? 0,
         "history_years": historyYears.count]
    }
}

/// The join stage: brings the ingested workforce and demand data, the inspection texts and the
/// Ofsted judgements together per reporting unit, for the scoring year and each history year.
enum JoinStage {
    /// - Parameters:
    ///   - documents: the inspection texts read, or nil when the run has no inspection input.
    ///   - ofsted: Ofsted's record, if the run has one: the judgement in force beside the scores,
    ///     and each text's judgement and visit type at its date (the record wins over prose).
    static func run(references: RunReferences, workforce: TidyDataset, demand: TidyDataset?,
                           documents: [InspectionDocument]?, ofsted: OfstedHistory?, settings: ScoringSettings, threads: Int = 1) throws -> JoinedInputs {
        // Scoring reads the workforce through the figure table, and of the dataset only its years,
        // files and each year's local authorities, and of those only who they are: the record
        // table (every row by key, about 100 MB at 20,000 authorities × 13 years) and the rows'
        // values (74 MB) are not kept for it, so they are freed once the ingest stage's value is
        // (`Stage.keepAfterUse`) instead of living through scoring.
        let figures = FigureTable(workforce, identitiesOnly: true, threads: threads)
        var input = ScoringInput(workforce: workforce.withoutRecords(localAuthorities: figures.records), demand: demand,
                                 registry: references.registry, neighbours: references.neighbours, settings: settings)
        let year = settings.year ?? workforce.latestYear ?? 0
        var unused: [String] = []
        if let documents {
            input.inspections = evidence(documents, workforce: workforce, registry: references.registry, year: year, settings: settings, ofsted: ofsted)
            // Texts that were read but cannot count for this year: say so, since coverage falls without them.
            for d in documents where !d.primary.isEmpty {
                switch InspectionJoin.use(of: d, scoringYear: year, settings: settings.inspections) {
                case .used: break
                case .undated: unused.append("inspection text \(d.file) not used: it has no date (add `date` in front matter or a .meta.yml sidecar)")
                case .outsideWindow(let date):
                    unused.append("inspection text \(d.file) not used: dated \(date), outside the \(settings.inspections.windowMonths)-month window before 30 September \(year)")
                }
            }
        }
        var ofstedWarnings: [String] = []
        if let ofsted {
            // The judgement in force is shown beside the scores; `inForce` sees only judgements
            // published by the scoring year's census.
            input.judgements = ofsted
            if let stale = ofsted.staleness(forCensus: year) { ofstedWarnings.append(stale) }
        }
        // History years: the same scoring on each earlier year the data and settings allow.
        let historyYears = ScoreSeries.years(figures: figures, scoringYear: year, window: settings.history).filter { $0 != year }
        // Each year's evidence is independent of the others': the years side by side.
        let historyEvidence = documents.map { documents in
            Dictionary(uniqueKeysWithValues: Parallel.map(historyYears, threads: threads) { y in
                (y, evidence(documents, workforce: workforce, registry: references.registry, year: y, settings: settings, ofsted: ofsted, quotes: false))
            })
        }
        return JoinedInputs(input: input, figures: figures, historyYears: historyYears, historyEvidence: historyEvidence,
                            unusedInspections: unused, ofstedWarnings: ofstedWarnings)
    }

    /// Inspection evidence for the local-authority units the workforce data has in `year`; with
    /// Ofsted's record, each text's judgement and visit type from the record as known at that
    /// year's census (the look-ahead guard: a judgement published after it never informs it).
    static func evidence(_ documents: [InspectionDocument], workforce: TidyDataset, registry: AuthorityRegistry, year: Int,
                         settings: ScoringSettings, ofsted: OfstedHistory? = nil, quotes: Bool = true) -> [ReportingUnit: InspectionEvidence] {
        let known = ofsted?.known(at: .census(year))
        let documents = known.map { history in documents.map { $0.applyingRecord(history) } } ?? documents
        return InspectionJoin.evidence(documents: documents, units: Array(workforce.localAuthorities(in: year).keys),
                                registry: registry, scoringYear: year, settings: settings.inspections, quotes: quotes)
    }
}
