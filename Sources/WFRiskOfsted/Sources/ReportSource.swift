import Foundation
import WFRiskCore

/// Ofsted's report PDFs as a record: a folder read recursively (the scraper's
/// `<urn>_<authority>/<title> - <date>.pdf` layout, or any other), or one PDF. Each graded report
/// gives one judgement; a letter, an ungraded report or an unreadable file is passed over with
/// its reason.
enum ReportSource {
    static func read(path: String, isFolder: Bool, reader: any ReportJudgementReader, registry: AuthorityRegistry, today: DayStamp)
        -> (judgements: [OfstedJudgement], passedOver: [OfstedPassedOver], problems: [InputProblem], files: [String: Int]) {
        let listing = isFolder ? contents(of: path) : (pdfs: [path], others: [])
        let files = listing.pdfs
        var out: [OfstedJudgement] = []
        // A folder's other files are said, never silent: a CSV record beside the reports (the
        // scraper keeps its CSV there) is read only when given by its own path.
        var passed = listing.others.map { file in
            OfstedPassedOver(place: RecordPlace(file: file), reason: file.lowercased().hasSuffix(".csv")
                ? "not a report PDF: a CSV in a folder of reports is not read; give a judgements file or the scraper's CSV by its own path"
                : "not a report PDF")
        }
        var problems: [InputProblem] = []
        var counts: [String: Int] = [:]
        if files.isEmpty { problems.append(InputProblem(file: path, message: "no .pdf file in the folder: not an Ofsted record")) }
        // Each report on its own: read side by side, taken in path order.
        let readings = Parallel.map(files, threads: ProcessInfo.processInfo.activeProcessorCount) { reader.read(report: $0, registry: registry) }
        for (file, reading) in zip(files, readings) {
            counts[file] = 0
            switch reading {
            case .graded(var j):
                guard j.published <= today else {
                    problems.append(InputProblem(file: file, field: "publication_date", message: "\(j.published) is after today (\(today))"))
                    continue
                }
                j.place = RecordPlace(file: file)
                out.append(j)
                counts[file] = 1
            case .ungraded(let reason):
                passed.append(OfstedPassedOver(place: RecordPlace(file: file), reason: "no graded judgement: \(reason)"))
            case .unreadable(let reason):
                passed.append(OfstedPassedOver(place: RecordPlace(file: file), reason: "unreadable: \(reason)"))
            }
        }
        return (out, passed, problems, counts)
    }

    /// Every `.pdf` below `folder`, in path order.
    static func pdfs(in folder: String) -> [String] { contents(of: folder).pdfs }

    /// The files below `folder`, in path order: the `.pdf`s, and every other file.
    static func contents(of folder: String) -> (pdfs: [String], others: [String]) {
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return ([], []) }
        var pdfs: [String] = [], others: [String] = []
        while let rel = walk.nextObject() as? String {
            let full = (folder as NSString).appendingPathComponent(rel)
            if rel.lowercased().hasSuffix(".pdf") { pdfs.append(full); continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { others.append(full) }
        }
        return (pdfs.sorted(), others.sorted())
    }
}
