import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskScoring

/// `scores.csv`: one row per reporting unit, ranked units first by overall rank, then
/// unranked units by code with the reason. What a first look needs; every indicator's detail is
/// in `indicators.csv`, the years in `history.csv`. Column order is stable (docs/outputs.md).
enum ScoresCSV {
    static let leadingColumns = [
        "overall_rank", "time_period", "new_la_code", "old_la_code", "la_name", "region_name", "overall_score",
        "instability_score", "instability_rank", "caseload_risk_score", "caseload_risk_rank", "band", "coverage",
    ]
    /// How sure, what changed, what drives it, in words.
    static let readingColumns = [
        "quartile", "overall_rank_low", "overall_rank_high", "p_high_band",
        "previous_overall_rank", "overall_rank_change", "overall_score_change", "change_note",
        "main_drivers", "summary", "instability_band", "caseload_risk_band",
        "instability_sig_worse_england", "caseload_risk_sig_worse_england", "overall_sig_worse_england",
    ]
    static let comparedMeasures = Comparison.measures.map(\.rawValue)

    static var header: [String] {
        var h = leadingColumns + readingColumns
        h += ["region_code", "instability_coverage", "caseload_risk_coverage"]
        for m in comparedMeasures { h += [m, "\(m)_england", "\(m)_region", "\(m)_sn_median"] }
        h += ["inspection_latest_date", "inspection_judgement", "inspection_evidence",
              "ofsted_judgement_in_force", "ofsted_judgement_date", "ofsted_judgement_authority",
              "status", "exclusion_reason", "notes",
              // Last, so a scores.csv copied out of its run folder still says what made it (`wfrisk diff`).
              "methodology_version"]
        return h
    }

    /// The file's bytes, built whole (the plain path of `write`).
    static func render(_ table: ScoreTable) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(header)
        for u in table.units { writer.writeRow(row(u)) }
        return writer.bytes
    }

    /// Writes the file a block at a time, its rows made on up to `threads` workers (`CSVOutput`).
    static func write(_ table: ScoreTable, to path: String, threads: Int = 1, perBlock: Int = CSVOutput.itemsPerBlock,
                      block: Int = CSVOutput.block) throws -> WrittenFile {
        try CSVOutput.write(to: path, header: header, items: table.units.count, threads: threads, perBlock: perBlock, block: block) { i, row in
            row(self.row(table.units[i]))
        }
    }

    static func number(_ v: Double?, _ decimals: Int) -> CSVCell {
        v.map { .number(Decimals.format($0, decimals)) } ?? .empty
    }

    static func int(_ v: Int?) -> CSVCell { v.map { .number(String($0)) } ?? .empty }

    static func text(_ v: String?) -> CSVCell { v.map { .text($0) } ?? .empty }

    static func row(_ u: UnitScore) -> [CSVCell] {
        let d = Ranking.scoreDecimals
        var cells: [CSVCell] = [
            int(u.overallRank), .number(String(u.year)), .text(u.newCode), .text(u.oldCode), .text(u.name), .text(u.regionName),
            number(u.overall, d), number(u.instability.value, d), int(u.instability.rank),
            number(u.caseloadRisk.value, d), int(u.caseloadRisk.rank), text(u.band), number(u.coverage, 2),
        ]
        let c = u.change
        cells += [
            int(u.quartile), int(u.uncertainty?.rankLow), int(u.uncertainty?.rankHigh), number(u.uncertainty?.pHighBand, 2),
            int(c?.previousRank), c?.rankChange.map { .number(String($0)) } ?? .empty, number(c?.scoreChange, d), text(c?.note),
            text(u.mainDrivers), text(u.summary), text(u.instability.band?.rawValue), text(u.caseloadRisk.band?.rawValue),
            int(u.instability.significantlyWorse), int(u.caseloadRisk.significantlyWorse),
            int(u.instability.significantlyWorse + u.caseloadRisk.significantlyWorse),
        ]
        cells += [.text(u.regionCode), number(u.instability.coverage, 2), number(u.caseloadRisk.coverage, 2)]
        for m in comparedMeasures {
            let c = u.comparisons.first { $0.measure == m }
            cells += [number(c?.value, 2), number(c?.england, 2), number(c?.region, 2), number(c?.neighboursMedian, 2)]
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
            .text(Scorer.methodologyVersion),
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
