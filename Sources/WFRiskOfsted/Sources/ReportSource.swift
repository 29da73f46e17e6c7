import Foundation
import WFRiskCore

/// Ofsted's report PDFs as a record: a folder read recursively (the scraper's
/// `<urn>_<authority>/<title> - <date>.pdf` layout, or any other), or one PDF. Each graded report
/// gives one judgement; a letter, an ungraded report or an unreadable file is passed over with
/// its reason.
enum ReportSource {
    static func read(path: String, isFolder: Bool, reader: any ReportJudgementReader, registry: AuthorityRegistry, today: DayStamp)
        -> (judgements: [OfstedJudgement], passedOver: [OfstedPassedOver], problems: [InputProblem], files: [String: Int]) {
        let files = isFolder ? pdfs(in: path) : [path]
        var out: [OfstedJudgement] = []
        var passed: [OfstedPassedOver] = []
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
    static func pdfs(in folder: String) -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let rel = walk.nextObject() as? String {
            if rel.lowercased().hasSuffix(".pdf") { out.append((folder as NSString).appendingPathComponent(rel)) }
        }
        return out.sorted()
    }
}
