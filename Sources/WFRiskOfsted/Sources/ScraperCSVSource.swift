import Foundation
import WFRiskCore
import WFRiskIngest

/// The CSV of the local-authority analysts' network scraper (github data-to-insight/
/// ofsted-ilacs-scrape-tool), read as it is: the authority by its lower-case name, publication
/// dates `dd/mm/yy`, fieldwork dates `dd/mm/yyyy`, the framework as `standard` or `short` (ILACS;
/// empty for older reports), grade words with `data_unreadable` where the scraper could not read
/// a grade (every SIF report) and `inspection_pre_dates_judgement` for care leavers before 2023.
enum ScraperCSVSource {
    static let columns = ["urn", "local_authority", "publication_date", "inspection_framework", "inspection_start_date",
                          "inspection_end_date", "overall_effectiveness_grade", "impact_of_leaders_grade",
                          "help_and_protection_grade", "in_care_grade", "care_leavers_grade"]
    /// The scraper's column for each sub-judgement.
    static let areaColumns: [(OfstedArea, String)] = [(.leadership, "impact_of_leaders_grade"), (.helpAndProtection, "help_and_protection_grade"),
                                                      (.childrenInCare, "in_care_grade"), (.careLeavers, "care_leavers_grade")]
    /// The scraper's words for a grade it has not got.
    static let absent: Set<String> = ["data_unreadable", "inspection_pre_dates_judgement"]

    static func read(_ table: KeyedCSV, registry: AuthorityRegistry, today: DayStamp)
        -> (judgements: [OfstedJudgement], passedOver: [OfstedPassedOver], problems: [InputProblem]) {
        var checks = RowChecks(file: table.path, registry: registry, today: today)
        var out: [OfstedJudgement] = []
        var passed: [OfstedPassedOver] = []
        for row in table.rows {
            let v = row.values, line = row.line
            func cell(_ k: String) -> String { v[k] ?? "" }
            let overall = cell("overall_effectiveness_grade")
            if overall.isEmpty || absent.contains(overall.lowercased()) {
                // Every SIF and older report (the scraper reads no grades from them), and the odd
                // ILACS report whose overall grade it missed.
                let why = cell("inspection_framework").isEmpty ? "the scraper reads no grades from SIF and older reports"
                    : "the scraper did not read this ILACS report's overall grade"
                passed.append(OfstedPassedOver(place: RecordPlace(file: table.path, line: line),
                                               reason: "no overall grade ('\(overall)'): \(why) (\(cell("pdf_filename")))",
                                               summaryReason: "no overall grade (\(why))"))
                continue
            }
            let before = checks.problems.count
            let published = checks.published(cell("publication_date"), dayMonthYear(cell("publication_date")), line: line, field: "publication_date")
            var start: DayStamp?, end: DayStamp?
            for (field, slot) in [("inspection_start_date", 0), ("inspection_end_date", 1)] where !cell(field).isEmpty {
                guard let d = dayMonthYear(cell(field)) else { checks.fail(line, field, "'\(cell(field))' is not a date (dd/mm/yy or dd/mm/yyyy)"); continue }
                if slot == 0 { start = d } else { end = d }
            }
            let authority = registry.authority(named: cell("local_authority"), year: published?.year)
            if authority == nil {
                checks.fail(line, "local_authority", "'\(cell("local_authority"))' is not an authority name the registry knows (add an alias)")
            }
            // `standard`, `short` or another ILACS wording ("inspection duration longer than standard framework").
            let frameworkWord = cell("inspection_framework").trimmingCharacters(in: .whitespaces)
            if frameworkWord.isEmpty {
                checks.fail(line, "inspection_framework", "empty beside a grade: cannot tell an ILACS inspection from a SIF one")
            }
            let grade = checks.grade(overall, line: line, field: "overall_effectiveness_grade")
            var areas: [OfstedArea: OfstedGrade] = [:]
            for (area, column) in areaColumns {
                // "to requires improvement": the scraper kept the "to" of "from good to requires improvement".
                var text = cell(column)
                if text.lowercased().hasPrefix("to ") { text = String(text.dropFirst(3)) }
                if let g = checks.area(text, absent: absent, line: line, field: column), let g { areas[area] = g }
            }
            guard checks.problems.count == before, let authority, let published, let grade else { continue }
            out.append(OfstedJudgement(
                oldCode: authority.oldCode, newCode: authority.newCode, name: authority.name, framework: .ilacs,
                isShort: frameworkWord.lowercased() == "short", inspectionStart: start?.description, inspectionEnd: end?.description,
                published: published, publishedText: published.description, grade: grade, areas: areas, urn: cell("urn").nilIfEmpty,
                source: "\((table.path as NSString).lastPathComponent):\(line) \(cell("pdf_filename"))", note: "ILACS \(frameworkWord)",
                place: RecordPlace(file: table.path, line: line)))
        }
        return (out, passed, checks.problems)
    }

    /// `dd/mm/yy` (years 2000-2099) or `dd/mm/yyyy`.
    static func dayMonthYear(_ text: String) -> DayStamp? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts[2].count == 2 || parts[2].count == 4, let d = Int(parts[0]), let m = Int(parts[1]), var y = Int(parts[2]) else { return nil }
        if parts[2].count == 2 { y += 2000 }
        return DayStamp(iso: String(format: "%04d-%02d-%02d", y, m, d))
    }
}
