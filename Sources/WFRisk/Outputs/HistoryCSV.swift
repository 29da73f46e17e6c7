import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// `history.csv`: one row per current reporting unit and scored year (docs/outputs.md), the
/// unit's own scores or, across a boundary change, its predecessor's with how they compare.
enum HistoryCSV {
    static let header = [
        "time_period", "new_la_code", "old_la_code", "la_name", "source_old_la_code", "source_la_name", "comparability",
        "overall_score", "overall_rank", "ranked_units", "instability_score", "instability_rank",
        "caseload_risk_score", "caseload_risk_rank", "band", "quartile", "coverage", "status", "note",
    ]

    /// The file's bytes, built whole (the plain path of `write`).
    static func render(_ rows: [HistoryRow]) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(header.map { .text($0) })
        for row in cells(rows) { writer.writeRow(row) }
        return writer.bytes
    }

    /// Writes the file a block at a time, its rows made on up to `threads` workers (`CSVOutput`).
    static func write(_ rows: [HistoryRow], to path: String, threads: Int = 1, perBlock: Int = CSVOutput.itemsPerBlock,
                      block: Int = CSVOutput.block) throws -> WrittenFile {
        try CSVOutput.write(to: path, header: header, items: rows.count, threads: threads, perBlock: perBlock, block: block) { i, out in
            row(rows[i], into: &out)
        }
    }

    /// The rows as cells, all at once (`render`'s plain path; the workbook's History sheet and
    /// the file are made from `cells(_:)` a row at a time).
    static func cells(_ rows: [HistoryRow]) -> [[CSVCell]] { rows.map { cells($0) } }

    /// One row's cells.
    static func cells(_ r: HistoryRow) -> [CSVCell] { CSVCellRows.one { row(r, into: &$0) } }

    /// One row, field by field.
    static func row<Sink: CSVRowSink>(_ r: HistoryRow, into out: inout Sink) {
        let d = Ranking.scoreDecimals
        let s = r.source
        out.number(String(r.year)); out.text(r.unit.newCode); out.text(r.unit.oldCode); out.text(r.unit.name)
        out.text(s?.oldCode); out.text(s?.name); out.text(r.comparability.rawValue)
        out.number(s?.overall, d); out.int(s?.overallRank); out.number(String(r.rankedCount))
        out.number(s?.instability, d); out.int(s?.instabilityRank)
        out.number(s?.caseloadRisk, d); out.int(s?.caseloadRiskRank)
        out.text(s?.band); out.int(s?.quartile); out.number(s?.coverage, 2)
        out.text(r.status.rawValue); out.text(r.note)
        out.endRow()
    }
}
