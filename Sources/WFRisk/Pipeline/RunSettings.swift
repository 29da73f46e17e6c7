import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskInspections
import WFRiskScoring

/// Scoring settings plus the reading rules a pipeline file may extend.
public struct RunSettings: Sendable, Equatable {
    public var scoring: ScoringSettings
    var columnAliases: [String: [String]]
    var suppressionMarkers: [String]
    /// Two workforce files giving different values for one row: the newer release wins, or stop.
    public var overlappingReleases: ReleaseOverlap = .newest
    /// A published figure that disagrees with its own counts stops the run instead of being a
    /// warning (`TidyFileReader.strict`).
    public var strict = false
    /// `report.unit_pages_above`: up to this many units report.html is one page; above it, a
    /// national view linking to pages of units in `report/` (`ScoresReport`). Its value is in
    /// default_settings.yml; a settings file without it keeps the one page.
    public var reportUnitPagesAbove = Int.max
    /// `report.units_per_page`: how many units' sections each page in `report/` holds. Its value
    /// (50) is in default_settings.yml, under every pipeline's settings; settings read without
    /// those defaults and without it give a page per unit.
    public var reportUnitsPerPage = 1

    public static func == (a: RunSettings, b: RunSettings) -> Bool {
        a.scoring == b.scoring && a.columnAliases == b.columnAliases && a.suppressionMarkers == b.suppressionMarkers
            && a.overlappingReleases == b.overlappingReleases && a.strict == b.strict
            && a.reportUnitPagesAbove == b.reportUnitPagesAbove && a.reportUnitsPerPage == b.reportUnitsPerPage
    }

    /// `Resources/default_settings.yml`.
    public static func defaults() throws -> RunSettings {
        let path = try ReferenceFiles.path("default_settings.yml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var settings = RunSettings(
            scoring: ScoringSettings(priorFTE: 0, priorChildren: 0, zClamp: 1, minCoverage: 0, trendYears: 1, smallUnitFTE: 0,
                                     weights: [:], blend: [:],
                                     inspections: InspectionSettings(windowMonths: 0, halfLifeMonths: 1, judgementConcern: [:])),
            columnAliases: [:], suppressionMarkers: [])
        try settings.apply(ConfigNode.parse(file: path, text: text))
        return settings
    }

    /// Overrides values from a `settings:` node, key by key.
    package mutating func apply(_ node: ConfigNode) throws {
        if node.isNull { return }
        for (key, value) in try node.mapping(allowed: ["scoring", "inspections", "uncertainty", "column_aliases", "suppression_markers", "overlapping_releases", "strict", "report"]) {
            switch key {
            case "scoring": try applyScoring(value)
            case "uncertainty":
                for (k, v) in try value.mapping(allowed: ["draws", "seed", "weight_spread"]) {
                    switch k {
                    case "draws": scoring.uncertainty.draws = try v.rangedInt()
                    case "seed": scoring.uncertainty.seed = try v.rangedInt()
                    default: scoring.uncertainty.weightSpread = try v.ranged()
                    }
                }
            case "inspections": try applyInspections(value)
            case "report":
                for (k, v) in try value.mapping(allowed: ["unit_pages_above", "units_per_page"]) {
                    if k == "unit_pages_above" { reportUnitPagesAbove = try v.rangedInt() } else { reportUnitsPerPage = try v.rangedInt() }
                }
            case "column_aliases":
                if value.isNull { continue }
                let known = ColumnAliases.identityColumns + Measure.allCases.map(\.rawValue)
                for (canonical, list) in try value.mapping(allowed: known) {
                    columnAliases[canonical, default: []].append(contentsOf: try list.strings())
                }
            case "suppression_markers":
                if value.isNull { continue }
                suppressionMarkers.append(contentsOf: try value.strings())
            case "overlapping_releases":
                let text = try value.string()
                guard let policy = ReleaseOverlap(rawValue: text) else {
                    throw value.error("unknown overlapping_releases '\(text)'; expected one of: \(ReleaseOverlap.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                overlappingReleases = policy
            case "strict":
                switch try value.string() {
                case "true": strict = true
                case "false": strict = false
                case let other: throw value.error("strict must be true or false, got '\(other)'")
                }
            default: break
            }
        }
    }

    private mutating func applyScoring(_ node: ConfigNode) throws {
        let keys = ["year", "history", "prior_fte", "prior_children", "z_clamp", "min_coverage", "trend_years", "small_unit_fte", "blend", "weights"]
        for (key, value) in try node.mapping(allowed: keys) {
            switch key {
            case "year":
                let text = try value.string()
                if text == "latest" || text.isEmpty { scoring.year = nil } else { scoring.year = try value.rangedInt() }
            case "history":
                let text = try value.string()
                guard let window = text.isEmpty ? .all : HistoryWindow(text) else {
                    throw value.error("expected `all`, `last N` (N from 1 to 100) or a range of years such as 2019-2023, got '\(text)'")
                }
                scoring.history = window
            case "prior_fte": scoring.priorFTE = try value.ranged()
            case "prior_children": scoring.priorChildren = try value.ranged()
            case "z_clamp": scoring.zClamp = try value.ranged()
            case "min_coverage": scoring.minCoverage = try value.ranged()
            case "trend_years": scoring.trendYears = try value.rangedInt()
            case "small_unit_fte": scoring.smallUnitFTE = try value.ranged()
            case "blend":
                for (k, v) in try value.mapping(allowed: ScoreKind.allCases.map(\.rawValue)) {
                    scoring.blend[ScoreKind(rawValue: k)!] = try v.ranged()
                }
                if scoring.blend.values.reduce(0, +) <= 0 { throw value.error("blend weights must not all be 0") }
            case "weights":
                for (kindName, list) in try value.mapping(allowed: ScoreKind.allCases.map(\.rawValue)) {
                    let kind = ScoreKind(rawValue: kindName)!
                    for (name, w) in try list.mapping(allowed: Indicator.indicators(for: kind).map(\.rawValue)) {
                        scoring.weights[Indicator(rawValue: name)!] = try w.ranged()
                    }
                }
            default: break
            }
        }
    }

    private mutating func applyInspections(_ node: ConfigNode) throws {
        for (key, value) in try node.mapping(allowed: ["window_months", "half_life_months", "judgement_concern"]) {
            switch key {
            case "window_months":
                scoring.inspections.windowMonths = try value.rangedInt()
            case "half_life_months":
                scoring.inspections.halfLifeMonths = try value.ranged()
            case "judgement_concern":
                let judgements = ["outstanding", "good", "requires_improvement", "inadequate"]
                for (j, v) in try value.mapping(allowed: judgements) {
                    scoring.inspections.judgementConcern[j] = try v.ranged()
                }
            default: break
            }
        }
    }

    /// Column aliases as (canonical, alias) pairs.
    package var aliasPairs: [(canonical: String, alias: String)] {
        columnAliases.keys.sorted().flatMap { k in columnAliases[k]!.map { (canonical: k, alias: $0) } }
    }
}
