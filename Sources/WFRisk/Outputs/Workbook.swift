import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// `scores.xlsx`: the run's tables for Excel users. The *Scores* sheet holds exactly the
/// columns and values of `scores.csv`; the other sheets hold the per-indicator table, the
/// series, the inspection quotes, the excluded units and what the run was made from
/// (docs/outputs.md).
enum ScoresWorkbook {
    static let sheetNames = ["Scores", "Indicators", "History", "Evidence", "Excluded", "About"]

    @discardableResult
    static func write(_ data: ReportData, to path: String, threads: Int = 1) throws -> WrittenFile {
        try WorkbookWriter.writeAtomically(sheets(data), properties: properties(data), to: path, threads: threads)
    }

    static func render(_ data: ReportData) throws -> [UInt8] {
        try WorkbookWriter.render(sheets(data), properties: properties(data))
    }

    static func properties(_ data: ReportData) -> WorkbookWriter.Properties {
        var p = WorkbookWriter.Properties(
            title: (data.synthetic ? "SYNTHETIC DATA: " : "") + "wfrisk scores \(data.table.year)",
            subject: "Workforce risk of English local authorities' children's social care",
            comments: "Written by wfrisk \(WFRiskVersion.current), methodology \(Scorer.methodologyVersion). No cell is a formula.",
            created: data.censusDate)
        // A run too large for one report page is too large to hold the workbook's cells in memory.
        p.constantMemory = data.layout == .unitPages
        return p
    }

    static func sheets(_ data: ReportData) -> [WorkbookSheet] {
        [scores(data), indicators(data), history(data), evidence(data), excluded(data), about(data)]
    }

    /// The rows of `scores.csv`, cell for cell.
    static func scores(_ data: ReportData) -> WorkbookSheet {
        let header = ScoresCSV.header
        var sheet = WorkbookSheet(name: "Scores", header: header, rows: data.table.units.map(ScoresCSV.row))
        sheet.frozenColumns = (header.firstIndex(of: "la_name") ?? 0) + 1
        sheet.colourScaleColumns = ["overall_score", "instability_score", "caseload_risk_score"]
        return sheet
    }

    /// `indicators.csv`: one row per unit and indicator.
    static func indicators(_ data: ReportData) -> WorkbookSheet {
        let table = data.table
        var sheet = WorkbookSheet(name: "Indicators", header: IndicatorsCSV.header, count: IndicatorsCSV.rowCount(table)) { row in
            try IndicatorsCSV.forEachRow(table, row)
        }
        sheet.frozenColumns = 4
        sheet.colourScaleColumns = ["contribution"]
        return sheet
    }

    /// `history.csv`: one row per unit and scored year.
    static func history(_ data: ReportData) -> WorkbookSheet {
        let rows = data.historyRows
        var sheet = WorkbookSheet(name: "History", header: HistoryCSV.header, count: rows.count) { row in
            for r in rows { try row(HistoryCSV.cells(r)) }
        }
        sheet.frozenColumns = 4
        sheet.colourScaleColumns = ["overall_score"]
        return sheet
    }

    static let evidenceHeader = ["new_la_code", "old_la_code", "la_name", "date", "source_file", "theme", "polarity", "judgement", "evidence"]

    /// Every inspection quote behind a score, with the file and date it came from.
    static func evidence(_ data: ReportData) -> WorkbookSheet {
        var rows: [[CSVCell]] = []
        for u in data.table.units {
            guard let inspection = u.inspection else { continue }
            for q in inspection.quotes {
                rows.append([
                    .text(u.newCode), .text(u.oldCode), .text(u.name), q.date.map { .text($0) } ?? .empty, .text(q.file),
                    .text(q.theme), .text(q.polarity), inspection.judgement.map { .text($0) } ?? .empty, .text(q.text),
                ])
            }
        }
        var sheet = WorkbookSheet(name: "Evidence", header: evidenceHeader, rows: rows)
        sheet.frozenColumns = 3
        sheet.wrappedColumns = ["evidence"]
        return sheet
    }

    static let excludedHeader = ["new_la_code", "old_la_code", "la_name", "region_name", "exclusion_reason", "notes"]

    static func excluded(_ data: ReportData) -> WorkbookSheet {
        let rows: [[CSVCell]] = data.table.units.filter { !$0.isRanked }.map { u in
            [.text(u.newCode), .text(u.oldCode), .text(u.name), .text(u.regionName), .text(u.exclusionReason ?? ""),
             .text(u.notes.joined(separator: "; "))]
        }
        var sheet = WorkbookSheet(name: "Excluded", header: excludedHeader, rows: rows)
        sheet.wrappedColumns = ["exclusion_reason"]
        return sheet
    }

    static let aboutHeader = ["section", "item", "value", "detail"]

    /// What the workbook was made from: versions, the scoring year, inputs with their hashes, settings.
    static func about(_ data: ReportData) -> WorkbookSheet {
        var rows: [[CSVCell]] = data.synthetic
            ? [[.text("run"), .text("SYNTHETIC DATA"), .text("yes"), .text("inputs are marked synthetic: the scores are not real figures")]] : []
        rows += [
            [.text("run"), .text("wfrisk_version"), .text(WFRiskVersion.current), .text("")],
            [.text("run"), .text("methodology_version"), .text(Scorer.methodologyVersion), .text("docs/methodology.md")],
            [.text("run"), .text("scores_schema_version"), .text(ScoresDocument.schemaVersion), .text("docs/outputs.md")],
            [.text("run"), .text("scoring_year"), .number(String(data.table.year)), .text("year to 30 September")],
            [.text("run"), .text("units"), .number(String(data.table.units.count)),
             .text("\(data.rankedCount) ranked, \(data.table.units.count - data.rankedCount) excluded")],
            [.text("run"), .text("sources"), .text(data.table.sources.map(\.rawValue).sorted().joined(separator: ", ")), .text("")],
        ]
        for i in data.inputs {
            rows.append([.text("input"), .text(i.path), .text(i.sha256), .text(i.kind)])
        }
        for (key, value) in data.flatSettings {
            rows.append([.text("setting"), .text(key), value, .text("")])
        }
        for w in data.table.warnings {
            rows.append([.text("warning"), .text(""), .text(w), .text("")])
        }
        return WorkbookSheet(name: "About", header: aboutHeader, rows: rows)
    }
}
