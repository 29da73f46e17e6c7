import Foundation
import WFRiskCore
import WFRiskIngest

/// This project's judgements file (schema: `../shared/data/ofsted/README.md`; written by
/// `wfrisk ofsted history`): one row per graded inspection, read through libcsv.
enum JudgementsFileSource {
    static let columns = ["new_la_code", "old_la_code", "la_name", "framework", "inspection_date", "inspection_end_date",
                          "publication_date", "date_precision", "overall_effectiveness"] + OfstedArea.allCases.map(\.rawValue)
                          + ["ofsted_urn", "source", "note"]

    static func read(_ table: KeyedCSV, registry: AuthorityRegistry, today: DayStamp) -> (judgements: [OfstedJudgement], problems: [InputProblem]) {
        var checks = RowChecks(file: table.path, registry: registry, today: today)
        var out: [OfstedJudgement] = []
        for row in table.rows {
            let v = row.values, line = row.line
            func cell(_ k: String) -> String { v[k] ?? "" }
            // The authority: the DfE code (or joint form), else the ONS code; a name beside them must agree.
            var authorities: [Authority]?
            if !cell("old_la_code").isEmpty {
                authorities = checks.codes(cell("old_la_code"), line: line, field: "old_la_code")
                // The ONS code beside it must not be another council's (one the registry does not
                // know, such as a recode newer than the registry, cannot disagree).
                let byNew = AuthorityRegistry.splitCombined(cell("new_la_code")).compactMap { registry.authority(newCode: $0) }
                if let a = authorities, !byNew.isEmpty, Set(byNew.map(\.oldCode)) != Set(a.map(\.oldCode)) {
                    checks.fail(line, "new_la_code", "'\(cell("new_la_code"))' is \(byNew.map(\.name).joined(separator: " / ")), but old_la_code '\(cell("old_la_code"))' is \(a.map(\.name).joined(separator: " / "))")
                    authorities = nil
                }
            } else if !cell("new_la_code").isEmpty {
                authorities = checks.codes(cell("new_la_code"), line: line, field: "new_la_code")
            } else {
                checks.fail(line, "old_la_code", "empty code (and no new_la_code)")
            }
            let before = checks.problems.count
            if let a = authorities { checks.checkName(cell("la_name"), of: a, line: line, field: "la_name") }
            let framework = OfstedFramework(rawValue: cell("framework").lowercased())
            if framework == nil {
                checks.fail(line, "framework", "'\(cell("framework"))' is not sif or ilacs")
            }
            let published = checks.published(cell("publication_date"), DayStamp(iso: cell("publication_date")), line: line, field: "publication_date")
            for field in ["inspection_date", "inspection_end_date"] where !cell(field).isEmpty && DayStamp(iso: cell(field)) == nil {
                checks.fail(line, field, "'\(cell(field))' is not a date (YYYY-MM-DD or YYYY-MM)")
            }
            let grade = checks.grade(cell("overall_effectiveness"), line: line, field: "overall_effectiveness")
            var areas: [OfstedArea: OfstedGrade] = [:]
            for area in OfstedArea.allCases {
                if let g = checks.area(cell(area.rawValue), line: line, field: area.rawValue), let g { areas[area] = g }
            }
            guard checks.problems.count == before, let authorities, let framework, let published, let grade else { continue }
            for a in authorities {
                out.append(OfstedJudgement(
                    oldCode: a.oldCode, newCode: authorities.count == 1 && !cell("new_la_code").isEmpty ? cell("new_la_code") : a.newCode,
                    name: authorities.count == 1 && !cell("la_name").isEmpty ? cell("la_name") : a.name,
                    framework: framework, isShort: cell("note").lowercased().contains("short"),
                    inspectionStart: cell("inspection_date").nilIfEmpty, inspectionEnd: cell("inspection_end_date").nilIfEmpty,
                    published: published, publishedText: cell("publication_date"),
                    datePrecision: cell("date_precision").nilIfEmpty ?? (cell("publication_date").count == 7 ? "month" : "day"),
                    grade: grade, areas: areas, urn: cell("ofsted_urn").nilIfEmpty, source: cell("source"), note: cell("note"),
                    place: RecordPlace(file: table.path, line: line)))
            }
        }
        return (out, checks.problems)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
