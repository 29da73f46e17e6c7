/// `scores.csv`: one row per reporting unit, ranked units first by overall rank, then
/// unranked units by code with the reason. Column order is stable (docs/outputs.md).
public enum ScoresCSV {
    public static let leadingColumns = [
        "overall_rank", "time_period", "new_la_code", "old_la_code", "la_name", "region_name", "overall_score",
        "instability_score", "instability_rank", "caseload_risk_score", "caseload_risk_rank", "band", "coverage",
    ]
    public static let comparedMeasures = Comparison.measures.map(\.rawValue)

    public static var header: [String] {
        var h = leadingColumns
        h += ["region_code", "instability_coverage", "caseload_risk_coverage"]
        for i in Indicator.allCases { h += [i.rawValue, "\(i.rawValue)_adjusted", "\(i.rawValue)_contribution"] }
        for m in comparedMeasures { h += ["\(m)_england", "\(m)_region", "\(m)_sn_mean"] }
        h += ["inspection_latest_date", "inspection_judgement", "inspection_evidence",
              "ofsted_judgement_in_force", "ofsted_judgement_date", "ofsted_judgement_authority",
              "status", "exclusion_reason", "notes"]
        return h
    }

    public static func render(_ table: ScoreTable) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(header)
        for u in table.units { writer.writeRow(row(u)) }
        return writer.bytes
    }

    static func number(_ v: Double?, _ decimals: Int) -> CSVCell {
        v.map { .number(Decimals.format($0, decimals)) } ?? .empty
    }

    static func int(_ v: Int?) -> CSVCell { v.map { .number(String($0)) } ?? .empty }

    static func row(_ u: UnitScore) -> [CSVCell] {
        let d = Ranking.scoreDecimals
        var cells: [CSVCell] = [
            int(u.overallRank), .number(String(u.year)), .text(u.newCode), .text(u.oldCode), .text(u.name), .text(u.regionName),
            number(u.overall, d), number(u.instability.value, d), int(u.instability.rank),
            number(u.caseloadRisk.value, d), int(u.caseloadRisk.rank), u.band.map { .text($0) } ?? .empty, number(u.coverage, 2),
            .text(u.regionCode), number(u.instability.coverage, 2), number(u.caseloadRisk.coverage, 2),
        ]
        let results = Dictionary(uniqueKeysWithValues: (u.instability.indicators + u.caseloadRisk.indicators).map { ($0.indicator, $0) })
        for i in Indicator.allCases {
            let r = results[i]
            cells += [number(r?.value, i.decimals), number(r?.adjusted, i.decimals), number(r?.contribution, 2)]
        }
        for m in comparedMeasures {
            let c = u.comparisons.first { $0.measure == m }
            cells += [number(c?.england, 2), number(c?.region, 2), number(c?.neighboursMean, 2)]
        }
        let evidence = u.inspection?.quotes.first.map { "\($0.theme) \($0.polarity): \"\($0.text)\"" }
        cells += [
            u.inspection?.latestDate.map { .text($0) } ?? .empty,
            u.inspection?.judgement.map { .text($0) } ?? .empty,
            evidence.map { .text(shorten($0, 200)) } ?? .empty,
        ]
        cells += judgementCells(u.judgementInForce)
        cells += [
            .text(u.isRanked ? "ranked" : "excluded"),
            u.exclusionReason.map { .text($0) } ?? .empty,
            .text(u.notes.joined(separator: "; ")),
        ]
        return cells
    }

    /// Grade, publication date and the authority judged (with how it relates to the unit).
    static func judgementCells(_ j: LinkedJudgement?) -> [CSVCell] {
        guard let j else { return [.empty, .empty, .empty] }
        return [.text(j.judgement.grade.rawValue), .text(j.judgement.publishedText), .text(j.source)]
    }

    static func shorten(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}
