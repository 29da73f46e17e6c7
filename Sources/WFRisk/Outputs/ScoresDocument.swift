import Foundation
import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskInspections
import WFRiskScoring

/// `scores.json`: the same rows as `scores.csv` with every contribution, the
/// standardisation references and run metadata that does not vary between identical runs.
/// Laid out in one place, `json`; docs/outputs.md describes every key.
struct ScoresDocument: Sendable {
    /// `metadata.schema_version`: raised whenever a key is renamed, removed or changes meaning.
    static let schemaVersion = "3"

    /// `metadata`: what produced the scores, from which inputs.
    struct Metadata: Sendable, Equatable {
        var schemaVersion = ScoresDocument.schemaVersion
        var wfriskVersion = WFRiskVersion.current
        var methodologyVersion = Scorer.methodologyVersion
        var scoringYear: Int
        /// The sources the scores drew on, sorted.
        var sources: [String]
        /// Inputs by file name and hash only (where the files sit must not change the scores
        /// file), sorted by kind, name and hash.
        var inputs: [InputFingerprint]
    }

    var metadata: Metadata
    var settings: ScoringSettings
    var table: ScoreTable

    init(table: ScoreTable, inputs: [InputFingerprint], settings: ScoringSettings) {
        let named = inputs.map { i -> InputFingerprint in
            var i = i
            i.path = (i.path as NSString).lastPathComponent
            return i
        }.sorted { ($0.kind, $0.path, $0.sha256) < ($1.kind, $1.path, $1.sha256) }
        metadata = Metadata(scoringYear: table.year, sources: table.sources.map(\.rawValue).sorted(), inputs: named)
        self.settings = settings
        self.table = table
    }

    /// The document as UTF-8 bytes.
    func renderedBytes() -> [UInt8] { json.renderedBytes() }

    /// Writes the document to `path` atomically, streaming it (units written a block at a time,
    /// on up to `threads` threads) through the direct writer, `render`.
    @discardableResult
    func write(to path: String, threads: Int = 1) throws -> WrittenFile {
        try FileOutput.writeAtomically(to: path) { write in try render(threads: threads, emit: write) }
    }

    /// The document: key order and the decimals of every number. The plain path: `render`
    /// writes the same bytes without building the tree.
    var json: JSONValue {
        .object(head + [("units", units)] + tail)
    }

    /// The document's keys before `units`.
    var head: [(String, JSONValue)] {
        let table = self.table
        let metadata: JSONValue = .object([
            ("schema_version", .string(self.metadata.schemaVersion)),
            ("wfrisk_version", .string(self.metadata.wfriskVersion)),
            ("methodology_version", .string(self.metadata.methodologyVersion)),
            ("scoring_year", .int(self.metadata.scoringYear)),
            ("sources", .array(self.metadata.sources.map { .string($0) })),
            ("inputs", .array(self.metadata.inputs.map { i in
                .object([("kind", .string(i.kind)), ("file", .string(i.path)), ("sha256", .string(i.sha256))])
            })),
        ])
        return [
            ("metadata", metadata),
            ("settings", settings.jsonValue),
            ("england_priors", .object(table.englandPriors.map { ($0.0, .double($0.1, decimals: 6)) })),
            ("standardisation", .array(table.references.map { r in
                .object([
                    ("indicator", .string(r.indicator.rawValue)), ("median", .double(r.median, decimals: 6)),
                    ("scale", .double(r.scale, decimals: 6)), ("scale_method", .string(r.scaleMethod)), ("count", .int(r.count)),
                ])
            })),
            ("shrinkage", .array(table.shrinkage.map { s in
                .object([
                    ("indicator", .string(s.indicator.rawValue)), ("method", .string(s.method)),
                    ("between_variance", .double(s.tau2, decimals: 6)), ("overdispersion_phi", .double(s.phi, decimals: 4)),
                    ("units", .int(s.units)), ("fallback_k", .double(s.k, decimals: 4)), ("england", .double(s.england, decimals: 6)),
                ])
            })),
            ("bands", .object(table.bandReferences.map { name, r in
                (name, .object([("median", .double(r.median, decimals: 6)), ("scale", .double(r.scale, decimals: 6)),
                                ("scale_method", .string(r.scaleMethod)),
                                ("thresholds", .object([("high", .double(Band.highFrom, decimals: 2)), ("elevated", .double(Band.elevatedFrom, decimals: 2)),
                                                        ("low", .double(Band.lowTo, decimals: 2))]))]))
            })),
        ]
    }

    /// The document's keys after `units`.
    var tail: [(String, JSONValue)] {
        [
            ("excluded", .array(table.units.filter { !$0.isRanked }.map { u in
                .object([("old_la_code", .string(u.oldCode)), ("la_name", .string(u.name)), ("reason", .optionalString(u.exclusionReason))])
            })),
            ("warnings", .array(table.warnings.map { .string($0) })),
        ]
    }

    /// `units`: one object per unit, each built as it is rendered.
    var units: JSONValue {
        let d = Ranking.scoreDecimals
        let allUnits = table.units
        return JSONValue.generated(allUnits.count) { i in
            let u = allUnits[i]
            let quartile: JSONValue = u.quartile.map(JSONValue.int) ?? .null
            let low: JSONValue = u.uncertainty.map { .int($0.rankLow) } ?? .null
            let high: JSONValue = u.uncertainty.map { .int($0.rankHigh) } ?? .null
            return .object([
                ("overall_rank", u.overallRank.map(JSONValue.int) ?? .null),
                ("time_period", .int(u.year)),
                ("new_la_code", .string(u.newCode)),
                ("old_la_code", .string(u.oldCode)),
                ("la_name", .string(u.name)),
                ("region_code", .string(u.regionCode)),
                ("region_name", .string(u.regionName)),
                ("overall_score", .double(u.overall, decimals: d)),
                ("band", .optionalString(u.band)),
                ("band_distance", .double(u.bandDistance, decimals: 4)),
                ("quartile", quartile),
                ("overall_rank_low", low),
                ("overall_rank_high", high),
                ("p_high_band", .double(u.uncertainty?.pHighBand, decimals: 4)),
                ("change", Self.change(u.change)),
                ("main_drivers", .optionalString(u.mainDrivers)),
                ("summary", .optionalString(u.summary)),
                ("statistical_neighbours", Self.neighbours(u.neighbours)),
                ("coverage", .double(u.coverage, decimals: 2)),
                ("status", .string(u.isRanked ? "ranked" : "excluded")),
                ("exclusion_reason", .optionalString(u.exclusionReason)),
                ("instability", Self.component(u.instability)),
                ("caseload_risk", Self.component(u.caseloadRisk)),
                ("comparisons", .array(u.comparisons.map { c in
                    .object([
                        ("measure", .string(c.measure)), ("value", .double(c.value, decimals: 2)),
                        ("england", .double(c.england, decimals: 2)), ("region", .double(c.region, decimals: 2)),
                        ("statistical_neighbours_median", .double(c.neighboursMedian, decimals: 2)),
                        ("statistical_neighbours_count", .int(c.neighboursCount)),
                    ])
                })),
                ("inspection", Self.inspection(u.inspection)),
                ("ofsted_judgement_in_force", Self.judgement(u.judgementInForce)),
                ("notes", .array(u.notes.map { .string($0) })),
            ])
        }
    }

    /// What readers of a written scores.json need from its metadata, by the keys `json` writes.
    struct Header: Decodable {
        var schemaVersion: String?
        var methodologyVersion: String?

        private enum DocumentKeys: String, CodingKey { case metadata }
        private enum MetadataKeys: String, CodingKey { case schemaVersion = "schema_version", methodologyVersion = "methodology_version" }

        init(from decoder: Decoder) throws {
            let metadata = try decoder.container(keyedBy: DocumentKeys.self).nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata)
            // Each field alone: a document of another version still yields what it has.
            schemaVersion = try? metadata.decodeIfPresent(String.self, forKey: .schemaVersion)
            methodologyVersion = try? metadata.decodeIfPresent(String.self, forKey: .methodologyVersion)
        }

        /// The header of the scores.json at `path`; nil when it is missing or has no metadata object.
        static func load(path: String) -> Header? {
            FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Header.self, from: $0) }
        }
    }

    static func change(_ change: YearChange?) -> JSONValue {
        guard let c = change else { return .null }
        let previous: JSONValue = c.previousRank.map(JSONValue.int) ?? .null
        let rankChange: JSONValue = c.rankChange.map(JSONValue.int) ?? .null
        return .object([("previous_overall_rank", previous), ("overall_rank_change", rankChange),
                        ("overall_score_change", .double(c.scoreChange, decimals: Ranking.scoreDecimals)), ("note", .optionalString(c.note))])
    }

    static func neighbours(_ list: [NeighbourRef]) -> JSONValue {
        .array(list.map { n in
            .object([("old_la_code", .string(n.oldCode)), ("new_la_code", .string(n.newCode)), ("la_name", .string(n.name))])
        })
    }

    static func component(_ c: ComponentScore) -> JSONValue {
        .object([
            ("score", .double(c.value, decimals: Ranking.scoreDecimals)),
            ("rank", c.rank.map(JSONValue.int) ?? .null),
            ("band", .optionalString(c.band?.rawValue)),
            ("coverage", .double(c.coverage, decimals: 2)),
            ("significantly_worse_than_england", .int(c.significantlyWorse)),
            ("indicators", .array(c.indicators.map { i in
                .object([
                    ("indicator", .string(i.indicator.rawValue)),
                    ("value", .double(i.value, decimals: 4)),
                    ("adjusted", .double(i.adjusted, decimals: 4)),
                    ("z", .double(i.z, decimals: 4)),
                    ("weight", .double(i.weight, decimals: 4)),
                    ("contribution", .double(i.contribution, decimals: 4)),
                    ("rank", i.rank.map(JSONValue.int) ?? .null),
                    ("band", .optionalString(i.z.map { Band.of(distance: $0).rawValue })),
                    ("sampling_sd", .double(i.sd, decimals: 4)),
                    ("denominator", .double(i.denominator, decimals: 4)),
                    ("reliability", .double(i.reliability, decimals: 4)),
                    ("interval_method", .optionalString(i.intervalMethod?.rawValue)),
                    ("ci95_low", .double(i.ci95?.low, decimals: 4)), ("ci95_high", .double(i.ci95?.high, decimals: 4)),
                    ("ci998_low", .double(i.ci998?.low, decimals: 4)), ("ci998_high", .double(i.ci998?.high, decimals: 4)),
                    ("vs_england", .optionalString(i.vsEngland?.rawValue)),
                    ("vs_england_998", .optionalString(i.vsEngland998?.rawValue)),
                    ("note", .optionalString(i.note)),
                ])
            })),
        ])
    }

    static func judgement(_ j: LinkedJudgement?) -> JSONValue {
        guard let j else { return .null }
        return .object([("grade", .string(j.judgement.grade.rawValue)), ("published", .string(j.judgement.publishedText)),
                        ("authority", .string(j.judgement.name)), ("old_la_code", .string(j.judgement.oldCode)),
                        ("relation", .string(j.relation.rawValue)), ("framework", .string(j.judgement.framework.rawValue))])
    }

    static func inspection(_ e: InspectionEvidence?) -> JSONValue {
        guard let e else { return .null }
        return .object([
            ("latest_date", .optionalString(e.latestDate)),
            ("judgement", .optionalString(e.judgement)),
            ("instability_concern", .double(e.instabilityConcern, decimals: 4)),
            ("caseload_concern", .double(e.caseloadConcern, decimals: 4)),
            ("evidence", .array(e.quotes.map { q in
                .object([("file", .string(q.file)), ("date", .optionalString(q.date)), ("theme", .string(q.theme)),
                         ("polarity", .string(q.polarity)), ("evidence", .string(q.text))])
            })),
        ])
    }
}

extension ScoringSettings {
    /// The settings as `scores.json` and `manifest.json` record them.
    package var jsonValue: JSONValue {
        let s = self
        return .object([
            ("year", s.year.map(JSONValue.int) ?? .string("latest")),
            ("prior_fte", .double(s.priorFTE, decimals: 4)),
            ("prior_children", .double(s.priorChildren, decimals: 4)),
            ("z_clamp", .double(s.zClamp, decimals: 4)),
            ("min_coverage", .double(s.minCoverage, decimals: 4)),
            ("trend_years", .int(s.trendYears)),
            ("small_unit_fte", .double(s.smallUnitFTE, decimals: 4)),
            ("blend", .object(ScoreKind.allCases.map { ($0.rawValue, .double(s.blend[$0] ?? 0, decimals: 4)) })),
            ("weights", .object(ScoreKind.allCases.map { kind in
                (kind.rawValue, .object(Indicator.indicators(for: kind).map { ($0.rawValue, .double(s.weight($0), decimals: 4)) }))
            })),
            ("history", .string(s.history.text)),
            ("uncertainty", .object([("draws", .int(s.uncertainty.draws)), ("seed", .int(s.uncertainty.seed)),
                                     ("weight_spread", .double(s.uncertainty.weightSpread, decimals: 4))])),
            ("inspections", .object([
                ("window_months", .int(s.inspections.windowMonths)),
                ("half_life_months", .double(s.inspections.halfLifeMonths, decimals: 4)),
                ("judgement_concern", .object(s.inspections.judgementConcern.keys.sorted().map { ($0, .double(s.inspections.judgementConcern[$0]!, decimals: 4)) })),
            ])),
        ])
    }
}
