import WFRiskCore

/// The allowed range of every numeric pipeline setting and command-line number, by key path as
/// written in a pipeline file (`*` for any indicator, score or judgement name). A value outside
/// its range is a usage error naming file, line and key (exit 2), so no setting can hang a run
/// (`trend_years: 4000000000`), overflow (`year: -9223372036854775808`) or publish nonsense.
/// docs/pipelines.md lists the same table; a test checks they agree and that each bound is enforced.
package enum SettingRanges {
    package struct Range: Sendable {
        package let key: String
        package let lower: Double
        package let upper: Double
        package let why: String

        package func contains(_ v: Double) -> Bool { v.isFinite && v >= lower && v <= upper }
        package var text: String { "\(Decimals.trimmed(lower)) to \(Decimals.trimmed(upper))" }
    }

    package static let all: [Range] = [
        Range(key: "settings.scoring.year", lower: 2000, upper: 2100, why: "a DfE reporting year, or `latest`"),
        Range(key: "settings.scoring.prior_fte", lower: 0, upper: 10_000, why: "shrinkage strength in FTE; the largest authority has about 1,000"),
        Range(key: "settings.scoring.prior_children", lower: 0, upper: 10_000_000, why: "shrinkage strength in children"),
        Range(key: "settings.scoring.z_clamp", lower: 0.1, upper: 10, why: "clamp of robust z-scores"),
        Range(key: "settings.scoring.min_coverage", lower: 0, upper: 1, why: "a share"),
        Range(key: "settings.scoring.trend_years", lower: 2, upper: 20, why: "years in the trend window; DfE publishes since 2017"),
        Range(key: "settings.scoring.small_unit_fte", lower: 0, upper: 10_000, why: "FTE below which a unit is flagged small"),
        Range(key: "settings.scoring.blend.*", lower: 0, upper: 100, why: "relative weights, not all 0"),
        Range(key: "settings.scoring.weights.*.*", lower: 0, upper: 100, why: "relative weights"),
        Range(key: "settings.inspections.window_months", lower: 1, upper: 240, why: "months before the scoring date"),
        Range(key: "settings.inspections.half_life_months", lower: 0.1, upper: 240, why: "months for a text's weight to halve"),
        Range(key: "settings.inspections.judgement_concern.*", lower: -1, upper: 1, why: "concern added by a judgement"),
        Range(key: "settings.uncertainty.draws", lower: 0, upper: 100_000, why: "simulated draws for rank intervals; 0 = none"),
        Range(key: "settings.uncertainty.seed", lower: 0, upper: 2_147_483_647, why: "seed of the draws"),
        Range(key: "settings.uncertainty.weight_spread", lower: 0, upper: 0.9, why: "relative perturbation of each weight"),
        Range(key: "settings.report.unit_pages_above", lower: 0, upper: 10_000_000, why: "units up to which report.html is one page; above, pages of units in report/"),
        Range(key: "settings.report.units_per_page", lower: 1, upper: 1000, why: "units' sections on each page in report/, about 40 KB each"),
        Range(key: "outputs.keep_runs", lower: 1, upper: 1000, why: "complete runs kept; `latest` is always kept"),
        Range(key: "outputs.keep_failed_runs", lower: 0, upper: 1000, why: "failed runs kept as evidence"),
        Range(key: "--year", lower: 2000, upper: 2100, why: "as settings.scoring.year"),
        Range(key: "--draws", lower: 0, upper: 100_000, why: "as settings.uncertainty.draws"),
        Range(key: "--threads", lower: 1, upper: 1024, why: "worker threads"),
        Range(key: "--tolerance", lower: 0, upper: 100, why: "points on a 0–100 score (old name of --score-tolerance)"),
        Range(key: "--score-tolerance", lower: 0, upper: 100, why: "points on a 0–100 score"),
        Range(key: "--coverage-tolerance", lower: 0, upper: 1, why: "a share"),
        Range(key: "--rank-tolerance", lower: 0, upper: 1000, why: "places"),
        Range(key: "--interval-tolerance", lower: 0, upper: 1000, why: "places"),
        Range(key: "--probability-tolerance", lower: 0, upper: 1, why: "a probability"),
    ]

    package static func range(_ key: String) -> Range {
        guard let r = all.first(where: { $0.key == key }) else { preconditionFailure("no range for \(key)") }
        return r
    }

    /// The range for a key path as found in a file (`settings.scoring.weights.instability.agency_rate_fte`).
    package static func range(forPath path: String) -> Range? {
        let parts = path.split(separator: ".")
        return all.first { r in
            let pattern = r.key.split(separator: ".")
            return pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    /// Checks a command-line number; the error names the option and its range.
    package static func check(_ value: Double, option: String) throws {
        let r = range(option)
        guard r.contains(value) else { throw WFRiskError.usage("\(option) must be from \(r.text), got \(Decimals.trimmed(value))") }
    }

    package static func check(_ value: Int, option: String) throws {
        let r = range(option)
        guard r.contains(Double(value)) else { throw WFRiskError.usage("\(option) must be from \(r.text), got \(value)") }
    }
}

extension ConfigNode {
    /// A number within the range documented for this node's key path (`SettingRanges`).
    func ranged() throws -> Double {
        let v = try double()
        guard let r = SettingRanges.range(forPath: rangePath) else { return v }
        guard r.contains(v) else { throw error("must be from \(r.text) (\(r.why)), got \(Decimals.trimmed(v))") }
        return v
    }

    /// A whole number within the range documented for this node's key path.
    func rangedInt() throws -> Int {
        guard case .scalar(let s) = node, let v = DecimalNumber.integer(s.string) else {
            if case .scalar(let s) = node, DecimalNumber.parse(s.string) != nil {
                if let r = SettingRanges.range(forPath: rangePath) {
                    throw error("expected a whole number from \(r.text), got '\(s.string)'")
                }
            }
            return try int()
        }
        if let r = SettingRanges.range(forPath: rangePath), !r.contains(Double(v)) {
            throw error("must be from \(r.text) (\(r.why)), got \(v)")
        }
        return v
    }

    /// Key path as written in a pipeline file: settings read from default_settings.yml lack the `settings.` prefix.
    var rangePath: String {
        path.hasPrefix("settings.") || path.hasPrefix("outputs.") ? path : "settings." + path
    }
}

extension Decimals {
    /// A bound or value as a person writes it: `2000`, `0.5`, `10000000`.
    package static func trimmed(_ v: Double) -> String {
        v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
}
