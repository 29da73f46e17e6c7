import Foundation
import WFRiskCore
import WFRiskOfsted

/// A run's, a backtest's and `wfrisk ofsted history`'s Ofsted record, read from the paths given
/// (`--ofsted`, `inputs.ofsted`) with the report reader of the inspection-text steps.
package enum OfstedInput {
    package static func load(_ paths: [String], registry: AuthorityRegistry) throws -> OfstedRecord {
        try OfstedRecord.load(paths: paths, registry: registry, reports: reportReader)
    }

    /// The reader of Ofsted report PDFs: none yet (issue 23 items 1-3 bring it), so a PDF input
    /// is refused with that reason.
    static let reportReader: (any ReportJudgementReader)? = nil

    /// The files an Ofsted input stands for in the manifest: a CSV itself, a folder's PDFs.
    package static func files(_ path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return [path] }
        return OfstedRecord.reportFiles(in: path)
    }
}
