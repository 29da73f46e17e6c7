import Foundation
import WFRiskCore
import WFRiskOfsted
import WFRiskIngest

/// The backtest's stdout table, its CSV files and JSON (columns: docs/validity.md).
package enum BacktestOutput {
    static func f(_ v: Double?, _ d: Int = 3) -> String { v.map { Decimals.format($0, d) } ?? "-" }
    static func ci(_ e: Estimate, _ d: Int = 2) -> String {
        "\(f(e.value, d)) [\(f(e.low, d)), \(f(e.high, d))]"
    }
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    /// The human-readable report.
    package static func table(_ r: BacktestReport) -> String {
        var out: [String] = []
        let c = r.config
        out.append("Backtest: census years \(c.years.lowerBound)-\(c.years.upperBound); next graded Ofsted judgement published within \(c.horizonMonths) months after 30 September")
        out.append("methodology \(r.methodologyVersion)\(r.settingsSource.isEmpty ? "" : ", settings of \(r.settingsSource)"); \(c.draws) bootstrap draws over authorities (seed \(c.seed)); \(Int((c.level * 100).rounded()))% intervals")
        out.append("judgements: \(r.ofstedFile) (latest published \(r.latestJudgement ?? "-"))")
        out.append("")
        out.append("year  units  scored  paired  no judgement in horizon")
        for y in r.years {
            out.append("\(y.year)  \(String(y.units).leftPadded(5))  \(String(y.scored).leftPadded(6))  \(String(y.paired).leftPadded(6))  \(String(y.noInspection).leftPadded(6))")
        }
        let scopes = uniqueScopes(r)
        for scope in scopes.reversed() {
            let rows = r.results.filter { $0.scope == scope }
            guard let first = rows.first else { continue }
            let pooled = scope.contains("-")
            let shown = pooled ? rows : rows.filter { $0.predictor.kind != .indicator || $0.predictor.name == bestName(r, scope) }
            out.append("")
            out.append("\(pooled ? "Pooled" : "Census") \(scope): \(first.aucInadequate.n) pairs with a score, \(first.aucInadequate.inadequate) next judgements inadequate\(pooled ? "" : " (scores and best single indicator)")")
            out.append(pad("predictor", 24) + pad("kind", 10) + "    n  " + pad("AUC inadequate", 21) + pad("AUC below good", 21) + "Spearman with grade")
            for row in shown {
                out.append(pad(row.predictor.name, 24) + pad(row.predictor.kind.rawValue, 10) + String(row.aucInadequate.n).leftPadded(5) + "  "
                           + pad(ci(row.aucInadequate), 21) + pad(ci(row.aucBelowGood), 21) + ci(row.spearman))
            }
        }
        out.append("")
        out.append("Overall score against the best single indicator (AUC inadequate, paired bootstrap):")
        out.append(pad("scope", 11) + pad("best indicator", 24) + pad("overall", 21) + pad("indicator", 21) + "difference")
        for p in r.paired {
            out.append(pad(p.scope, 11) + pad(p.indicator, 24) + pad(ci(p.compositeAUC), 21) + pad(ci(p.indicatorAUC), 21) + ci(p.difference))
        }
        out.append("")
        out.append("Share of next judgements inadequate, by band of the overall score:")
        out.append(pad("scope", 11) + r.bands.map(\.band).uniqued().map { pad($0, 26) }.joined())
        for scope in scopes {
            let cells = r.bands.filter { $0.scope == scope }.map { b in pad("\(b.inadequate)/\(b.pairs) = \(ci(b.share))", 26) }
            out.append(pad(scope, 11) + cells.joined())
        }
        if !r.leaveOneYearOut.isEmpty {
            out.append("")
            out.append("Leave one year out (best indicator chosen on the other years, both measured on the held-out year):")
            out.append(pad("held out", 10) + pad("overall, others", 21) + pad("best on others", 24) + pad("overall, held out", 21) + pad("indicator, held out", 21) + "difference")
            for l in r.leaveOneYearOut {
                out.append(pad(String(l.heldOut), 10) + pad(ci(l.overallOnOthers), 21) + pad(l.bestIndicator, 24) + pad(ci(l.comparison.compositeAUC), 21)
                           + pad(ci(l.comparison.indicatorAUC), 21) + ci(l.comparison.difference))
            }
        }
        for w in r.warnings { out.append("warning: \(w)") }
        return out.joined(separator: "\n") + "\n"
    }

    static func uniqueScopes(_ r: BacktestReport) -> [String] { r.results.map(\.scope).uniqued() }

    static func bestName(_ r: BacktestReport, _ scope: String) -> String? {
        r.paired.first { $0.scope == scope }?.indicator
    }

    /// `backtest.csv`: one row per scope, predictor and measure.
    package static func csv(_ r: BacktestReport) -> [UInt8] {
        var w = CSVWriter()
        w.writeRow(["scope", "predictor", "kind", "measure", "n", "n_inadequate", "value", "low", "high"])
        func row(_ scope: String, _ name: String, _ kind: String, _ measure: String, _ e: Estimate) {
            w.writeRow([.text(scope), .text(name), .text(kind), .text(measure), .number(String(e.n)), .number(String(e.inadequate)),
                        num(e.value), num(e.low), num(e.high)])
        }
        for x in r.results {
            row(x.scope, x.predictor.name, x.predictor.kind.rawValue, "auc_inadequate", x.aucInadequate)
            row(x.scope, x.predictor.name, x.predictor.kind.rawValue, "auc_below_good", x.aucBelowGood)
            row(x.scope, x.predictor.name, x.predictor.kind.rawValue, "spearman_grade", x.spearman)
        }
        for p in r.paired {
            row(p.scope, "\(p.composite) - \(p.indicator)", "paired_difference", "auc_inadequate_difference", p.difference)
        }
        for b in r.bands {
            row(b.scope, "band:\(b.band)", "band", "share_inadequate", b.share)
        }
        for l in r.leaveOneYearOut {
            row("held out \(l.heldOut)", "overall", "loyo", "auc_inadequate", l.comparison.compositeAUC)
            row("held out \(l.heldOut)", l.bestIndicator, "loyo", "auc_inadequate", l.comparison.indicatorAUC)
            row("held out \(l.heldOut)", "overall - \(l.bestIndicator)", "loyo", "auc_inadequate_difference", l.comparison.difference)
        }
        return w.bytes
    }

    static func num(_ v: Double?) -> CSVCell { v.map { .number(Decimals.format($0, 4)) } ?? .empty }

    /// `backtest_pairs.csv`: every unit and census year paired, with its outcome and predictors,
    /// so any figure can be recomputed.
    static func pairsCSV(_ r: BacktestReport) -> [UInt8] {
        let names = Backtest.predictors(in: r.pairs).map(\.name)
        var w = CSVWriter()
        w.writeRow(["census_year", "old_la_code", "la_name", "band", "next_grade", "next_published", "next_authority", "next_relation",
                    "in_force_grade", "in_force_published"] + names)
        for p in r.pairs {
            w.writeRow([.number(String(p.year)), .text(p.code), .text(p.name), p.band.map(CSVCell.text) ?? .empty,
                        .text(p.outcome.judgement.grade.rawValue), .text(p.outcome.judgement.publishedText), .text(p.outcome.judgement.name),
                        .text(p.outcome.relation.rawValue), p.inForce.map { .text($0.judgement.grade.rawValue) } ?? .empty,
                        p.inForce.map { .text($0.judgement.publishedText) } ?? .empty] + names.map { num(p.values[$0]) })
        }
        return w.bytes
    }

    package static func json(_ r: BacktestReport) -> JSONValue {
        func est(_ e: Estimate) -> JSONValue {
            .object([("value", .double(e.value, decimals: 4)), ("low", .double(e.low, decimals: 4)), ("high", .double(e.high, decimals: 4)),
                     ("n", .int(e.n)), ("n_inadequate", .int(e.inadequate))])
        }
        func pd(_ p: PairedDifference) -> JSONValue {
            .object([("scope", .string(p.scope)), ("composite", .string(p.composite)), ("indicator", .string(p.indicator)),
                     ("composite_auc", est(p.compositeAUC)), ("indicator_auc", est(p.indicatorAUC)), ("difference", est(p.difference))])
        }
        let c = r.config
        return .object([
            ("methodology_version", .string(r.methodologyVersion)),
            ("settings_from", .string(r.settingsSource)),
            ("ofsted_file", .string(r.ofstedFile)),
            ("latest_judgement", .optionalString(r.latestJudgement)),
            ("years", .string("\(c.years.lowerBound)-\(c.years.upperBound)")),
            ("horizon_months", .int(c.horizonMonths)),
            ("draws", .int(c.draws)), ("seed", .int(Int(c.seed))), ("level", .double(c.level, decimals: 2)),
            ("census_years", .array(r.years.map { y in
                .object([("year", .int(y.year)), ("units", .int(y.units)), ("scored", .int(y.scored)), ("paired", .int(y.paired)),
                         ("no_judgement_in_horizon", .int(y.noInspection))])
            })),
            ("results", .array(r.results.map { x in
                .object([("scope", .string(x.scope)), ("predictor", .string(x.predictor.name)), ("kind", .string(x.predictor.kind.rawValue)),
                         ("auc_inadequate", est(x.aucInadequate)), ("auc_below_good", est(x.aucBelowGood)), ("spearman_grade", est(x.spearman))])
            })),
            ("overall_vs_best_indicator", .array(r.paired.map(pd))),
            ("bands", .array(r.bands.map { b in
                .object([("scope", .string(b.scope)), ("band", .string(b.band)), ("pairs", .int(b.pairs)), ("inadequate", .int(b.inadequate)),
                         ("share", est(b.share))])
            })),
            ("leave_one_year_out", .array(r.leaveOneYearOut.map { l in
                .object([("held_out", .int(l.heldOut)), ("chosen_on", .array(l.chosenOn.map { .int($0) })),
                         ("best_indicator_on_others", .string(l.bestIndicator)), ("overall_on_others", est(l.overallOnOthers)),
                         ("held_out_comparison", pd(l.comparison))])
            })),
            ("warnings", .array(r.warnings.map { .string($0) })),
        ])
    }

    /// Writes `backtest.csv`, `backtest_pairs.csv` and `backtest.json` into `directory`; returns their paths.
    package static func write(_ r: BacktestReport, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, [UInt8])] = [("backtest.csv", csv(r)), ("backtest_pairs.csv", pairsCSV(r)), ("backtest.json", json(r).renderedBytes())]
        return try files.map { name, bytes in
            let path = (directory as NSString).appendingPathComponent(name)
            try FileOutput.writeAtomically(bytes, to: path)
            return path
        }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
