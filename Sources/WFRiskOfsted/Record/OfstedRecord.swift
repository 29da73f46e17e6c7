import Foundation
import WFRiskCore
import WFRiskIngest

/// Ofsted's record read from any of its sources — the judgements file, the scraper's CSV, a
/// folder of report PDFs — or several together, merged into one history. The same inspection
/// from two places must agree on every grade both give, else an error names both places.
public struct OfstedRecord: Sendable {
    public var history: OfstedHistory
    /// Each path given, what it was read as and what it gave (the manifest's input counts).
    public var sources: [OfstedSourceSummary]
    /// Rows and files that gave no judgement, with the reason (logged, and listed in the manifest).
    public var passedOver: [OfstedPassedOver]
    /// Inspections found in more than one place (agreeing), kept once.
    public var merged: Int

    /// Reads every path and merges them in order (the first place an inspection is read gives its
    /// fields; later ones fill what it lacks). `reports` reads report PDFs; without it a PDF input
    /// is an error saying so. `today` bounds publication dates (tests pass a fixed day).
    public static func load(paths: [String], registry: AuthorityRegistry, reports: (any ReportJudgementReader)? = nil,
                            today: DayStamp = .today()) throws -> OfstedRecord {
        guard !paths.isEmpty else { throw WFRiskError.usage("no Ofsted record given") }
        var all: [OfstedJudgement] = []
        var sources: [OfstedSourceSummary] = []
        var passed: [OfstedPassedOver] = []
        var problems: [InputProblem] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                problems.append(InputProblem(file: path, message: "Ofsted record not found"))
                continue
            }
            if isDir.boolValue || path.lowercased().hasSuffix(".pdf") {
                guard let reports else {
                    problems.append(InputProblem(file: path, message: "PDF folders need a reader of Ofsted's report PDFs (a ReportJudgementReader), which this caller did not give; give the judgements file or the scraper's CSV"))
                    continue
                }
                let read = ReportSource.read(path: path, isFolder: isDir.boolValue, reader: reports, registry: registry, today: today)
                all += read.judgements
                passed += read.passedOver
                problems += read.problems
                sources.append(OfstedSourceSummary(path: path, kind: .reports, judgements: read.judgements.count, files: read.files))
                continue
            }
            let table = try KeyedCSV.input(path: path)
            switch OfstedSourceKind.csvKind(header: table.header) {
            case .judgementsFile:
                let read = JudgementsFileSource.read(table, registry: registry, today: today)
                all += read.judgements
                problems += read.problems
                sources.append(OfstedSourceSummary(path: path, kind: .judgementsFile, judgements: read.judgements.count, files: [path: table.rows.count]))
            case .scraperCSV:
                let read = ScraperCSVSource.read(table, registry: registry, today: today)
                all += read.judgements
                passed += read.passedOver
                problems += read.problems
                sources.append(OfstedSourceSummary(path: path, kind: .scraperCSV, judgements: read.judgements.count, files: [path: table.rows.count]))
            case .reports, nil:
                problems.append(InputProblem(file: path, line: 1, message: """
                    not an Ofsted record: a judgements file needs the columns \(OfstedSourceKind.judgementsColumns.joined(separator: ", ")); \
                    the scraper's CSV \(OfstedSourceKind.scraperColumns.joined(separator: ", ")); the file has: \(table.header.joined(separator: ", "))
                    """))
            }
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        let merge = try merged(all)
        passed += merge.repeats
        return OfstedRecord(history: OfstedHistory(judgements: merge.judgements, file: paths.joined(separator: " + ")),
                            sources: sources, passedOver: passed, merged: merge.repeats.count)
    }

    /// The report PDFs a folder source reads (every `.pdf` below it, in path order).
    public static func reportFiles(in folder: String) -> [String] { ReportSource.pdfs(in: folder) }

    /// The passed-over rows and files as warnings: each PDF on its own line with its reason;
    /// CSV rows grouped by file and reason, with their line numbers.
    public var passedOverSummary: [String] {
        var out: [String] = []
        var groups: [(key: String, lines: [Int])] = []
        for p in passedOver {
            guard let line = p.place.line else { out.append("Ofsted record: passed over \(p)"); continue }
            let key = "\(p.place.file): \(p.summaryReason)"
            if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].lines.append(line) } else { groups.append((key, [line])) }
        }
        for g in groups {
            out.append("Ofsted record: passed over \(g.lines.count) row(s) of \(g.key) (lines \(g.lines.map(String.init).joined(separator: ", ")))")
        }
        return out
    }

    /// Whether `a` and `b` are the same inspection: one authority, and the same fieldwork start
    /// (when both give it) or the same publication day.
    static func sameInspection(_ a: OfstedJudgement, _ b: OfstedJudgement) -> Bool {
        guard a.oldCode == b.oldCode else { return false }
        if let s = a.inspectionStart, let t = b.inspectionStart, s == t { return true }
        return a.published == b.published
    }

    /// One judgement per inspection. Two readings of one inspection that differ in a grade both
    /// give are an error naming both places; agreeing ones are kept once (the first), its
    /// missing fields filled from the other, and the repeat noted.
    static func merged(_ judgements: [OfstedJudgement]) throws -> (judgements: [OfstedJudgement], repeats: [OfstedPassedOver]) {
        var kept: [String: [OfstedJudgement]] = [:]
        var order: [String] = []
        var repeats: [OfstedPassedOver] = []
        var problems: [InputProblem] = []
        for j in judgements {
            if kept[j.oldCode] == nil { order.append(j.oldCode) }
            var list = kept[j.oldCode, default: []]
            guard let i = list.firstIndex(where: { sameInspection($0, j) }) else {
                list.append(j)
                kept[j.oldCode] = list
                continue
            }
            let first = list[i]
            var differences: [(field: String, values: String)] = []
            if first.grade != j.grade { differences.append(("overall_effectiveness", "\(first.grade.words) vs \(j.grade.words)")) }
            for area in OfstedArea.allCases {
                if let x = first.areas[area], let y = j.areas[area], x != y { differences.append((area.rawValue, "\(x.words) vs \(y.words)")) }
            }
            if first.framework != j.framework { differences.append(("framework", "\(first.framework.rawValue) vs \(j.framework.rawValue)")) }
            if !differences.isEmpty {
                // The field named is the one (or ones) that differ.
                problems.append(InputProblem(file: j.place.file, line: j.place.line, field: differences.map(\.field).joined(separator: ", "), message: """
                    \(j.name) (\(j.oldCode)), inspection published \(j.publishedText): \(differences.map { "\($0.field) \($0.values)" }.joined(separator: "; ")) \
                    — the same inspection is read differently at \(first.place) and \(j.place)
                    """))
                continue
            }
            var merged = first
            for area in OfstedArea.allCases where merged.areas[area] == nil { merged.areas[area] = j.areas[area] }
            merged.inspectionStart = merged.inspectionStart ?? j.inspectionStart
            merged.inspectionEnd = merged.inspectionEnd ?? j.inspectionEnd
            merged.urn = merged.urn ?? j.urn
            list[i] = merged
            kept[j.oldCode] = list
            repeats.append(OfstedPassedOver(place: j.place, reason: "the same inspection as \(first.place) (agreeing): kept once",
                                            summaryReason: "inspections also read from another place, agreeing: kept once"))
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        return (order.flatMap { kept[$0]! }, repeats)
    }
}
