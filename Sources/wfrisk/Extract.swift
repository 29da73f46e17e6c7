import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskOfsted
import WFRiskIngest
import WFRiskInspections

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read inspection texts and PDFs: authorities, visit type, date, judgement, workforce signals and figures.",
        discussion: """
        PATH may be a file (.txt, .md, .html, .pdf) or a folder. --json prints the documented
        contract (README "Inspection texts"). Ofsted's own reports and letters are read from their
        layout (authority, dates, framework, judgements). Unreadable files (PDFs included: empty,
        truncated, encrypted, no text layer, not a PDF) and texts about no English authority are
        reported on stderr and skipped; bad metadata exits 3. With --ofsted, Ofsted's record wins
        over the prose for each primary authority's judgement in force and visit type at the
        text's date, where the record covers that date.
        """)

    @Argument(help: "Files or folders.")
    var paths: [String]

    @Flag(help: "Print JSON (one array of documents).")
    var json = false

    @Option(help: "Authority reference CSV (same columns as the bundled authorities.csv; default: bundled).")
    var authorities: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, parsing: .upToNextOption, help: "Ofsted's record (judgements CSV, scraper CSV, report PDF folder, or several): each primary authority's judgement in force and visit type at the text's date come from it (`judgement_used`, `visit_type_used`); what the text said stays in `judgement` and `visit_type`.")
    var ofsted: [String] = []

    func run() throws {
        let expansion = try InspectionIngest.expandFolders(paths)
        let files = expansion.texts
        // A folder's files that are not texts, and a folder with none, are said, never silent.
        for line in expansion.folders.flatMap({ $0.warnings(whenEmpty: "nothing to extract") }) {
            StandardStream.error.say("wfrisk: \(line)\n")
        }
        let registry = try AuthorityRegistry.named(authorities: authorities, aliases: nil)
        var result = try InspectionIngest.read(files, registry: registry, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if !ofsted.isEmpty {
            let record = try OfstedInput.load(ofsted, registry: registry)
            for line in record.passedOverSummary { StandardStream.error.say("wfrisk: \(line)\n") }
            result.documents = result.documents.map { $0.applyingRecord(record.history) }
        }
        for s in result.skipped {
            StandardStream.error.say("wfrisk: skipped \(s.file): \(s.reason)\n")
        }
        if json {
            // Written in pieces, never as one string (issue 27: memory on a large text).
            try InspectionJSON.write(result.documents) { try StandardStream.output.write(Data($0)) }
        } else {
            for d in result.documents { print(InspectionJSON.text(d)) }
        }
    }
}
