import Foundation
import WFRiskCore
import WFRiskInspections
import WFRiskOfsted

/// A run's, a backtest's, `extract`'s and `wfrisk ofsted history`'s Ofsted record, read from the
/// paths given (`--ofsted`, `inputs.ofsted`), report PDFs through the text steps' report reader.
package enum OfstedInput {
    package static func load(_ paths: [String], registry: AuthorityRegistry) throws -> OfstedRecord {
        let pdfs = paths.contains { $0.lowercased().hasSuffix(".pdf") || isFolder($0) }
        let reports = pdfs ? ReportPDFJudgements(reader: try OfstedReportReader(registry: registry)) : nil
        return try OfstedRecord.load(paths: paths, registry: registry, reports: reports)
    }

    /// The files an Ofsted input stands for in the manifest: a CSV itself, a folder's PDFs.
    package static func files(_ path: String) -> [String] {
        isFolder(path) ? OfstedRecord.reportFiles(in: path) : [path]
    }

    static func isFolder(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// The record's reading of a report PDF from the text steps' structural reading
/// (`OfstedReportReader`): a graded SIF or ILACS report is a judgement; a letter, an
/// older-framework report or one without an overall grade gives none. The report does not state
/// its publication date; the file name does in the scraper's layout (`… - 07 january 2019.pdf`).
struct ReportPDFJudgements: ReportJudgementReader {
    let reader: OfstedReportReader

    func read(report path: String, registry: AuthorityRegistry) -> ReportJudgement {
        let reading: OfstedReportReading
        switch reader.read(path: path) {
        case .failure(let why): return .unreadable(why.description)
        case .success(nil): return .ungraded("not an Ofsted report or letter on one English authority")
        case .success(let r?): reading = r
        }
        guard reading.kind == .report else { return .ungraded("a visit letter (\(reading.visitType.rawValue)): not graded") }
        let framework: OfstedFramework
        switch reading.framework {
        case .sif?: framework = .sif
        case .ilacs?: framework = .ilacs
        case .older?, nil: return .ungraded("a report of a framework before the SIF, not graded on the SIF/ILACS scale")
        }
        guard let overall = reading.overall else { return .ungraded("the report gives no overall judgement") }
        guard let published = Self.publicationDate(fileName: (path as NSString).lastPathComponent) else {
            return .ungraded("no publication date in the file name (the scraper's '… - dd month yyyy.pdf'); the record needs it")
        }
        var areas: [OfstedArea: OfstedGrade] = [:]
        for (area, graded) in reading.subJudgements { areas[area] = graded.grade }
        let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        let urn = folder.prefix { $0.isASCII && $0.isNumber }
        return .graded(OfstedJudgement(
            oldCode: reading.authority.oldCode, newCode: reading.authority.newCode, name: reading.authority.name,
            framework: framework, isShort: reading.short,
            inspectionStart: reading.inspectionStart?.description, inspectionEnd: reading.inspectionEnd?.description,
            published: published, publishedText: published.description, grade: overall.grade, areas: areas,
            urn: urn.isEmpty ? nil : String(urn), source: path,
            note: framework == .sif ? "SIF; grades read from the report PDF" : (reading.short ? "ILACS short" : "ILACS standard"),
            place: RecordPlace(file: path)))
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// The date a scraper file name ends with: `… - 07 january 2019.pdf`.
    static func publicationDate(fileName: String) -> DayStamp? {
        let stem = (fileName as NSString).deletingPathExtension.lowercased()
        let words = stem.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).suffix(3).map(String.init)
        guard words.count == 3, let d = Int(words[0]), let m = months.firstIndex(of: words[1]), let y = Int(words[2]) else { return nil }
        return DayStamp(iso: String(format: "%04d-%02d-%02d", y, m + 1, d))
    }
}
