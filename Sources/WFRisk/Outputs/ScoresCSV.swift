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
        try CSVOutput.write(to: path, header: header, items: table.units.count, threads: threads, perBlock: perBlock, block: block) { i, out in
            row(table.units[i], into: &out)
        }
    }

    /// One unit's row as cells (the workbook's Scores sheet, and `render`'s plain path).
    static func row(_ u: UnitScore) -> [CSVCell] { CSVCellRows.one { row(u, into: &$0) } }

    /// One unit's row, field by field.
    static func row<Sink: CSVRowSink>(_ u: UnitScore, into out: inout Sink) {
        let d = Ranking.scoreDecimals
        out.int(u.overallRank); out.number(String(u.year)); out.text(u.newCode); out.text(u.oldCode); out.text(u.name); out.text(u.regionName)
        out.number(u.overall, d); out.number(u.instability.value, d); out.int(u.instability.rank)
        out.number(u.caseloadRisk.value, d); out.int(u.caseloadRisk.rank); out.text(u.band); out.number(u.coverage, 2)
        let c = u.change
        out.int(u.quartile); out.int(u.uncertainty?.rankLow); out.int(u.uncertainty?.rankHigh); out.number(u.uncertainty?.pHighBand, 2)
        out.int(c?.previousRank); out.int(c?.rankChange); out.number(c?.scoreChange, d); out.text(c?.note)
        out.text(u.mainDrivers); out.text(u.summary); out.text(u.instability.band?.rawValue); out.text(u.caseloadRisk.band?.rawValue)
        out.int(u.instability.significantlyWorse); out.int(u.caseloadRisk.significantlyWorse)
        out.int(u.instability.significantlyWorse + u.caseloadRisk.significantlyWorse)
        out.text(u.regionCode); out.number(u.instability.coverage, 2); out.number(u.caseloadRisk.coverage, 2)
        for m in comparedMeasures {
            let c = u.comparisons.first { $0.measure == m }
            out.number(c?.value, 2); out.number(c?.england, 2); out.number(c?.region, 2); out.number(c?.neighboursMedian, 2)
        }
        out.text(u.inspection?.latestDate)
        out.text(u.inspection?.judgement)
        out.text(u.inspection?.quotes.first.map { shorten("\($0.theme) \($0.polarity): \"\($0.text)\"", 200) })
        for cell in judgementCells(u.judgementInForce) { out.cell(cell) }
        out.text(u.isRanked ? "ranked" : "excluded")
        out.text(u.exclusionReason)
        out.text(u.notes.joined(separator: "; "))
        out.text(Scorer.methodologyVersion)
        out.endRow()
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
