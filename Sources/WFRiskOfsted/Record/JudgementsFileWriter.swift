import Foundation
import WFRiskCore
import WFRiskIngest

/// Writes a history in the judgements file's layout (`../shared/data/ofsted/README.md`), the
/// layout every source is read into: `wfrisk ofsted history … --out FILE`. Rows in code order,
/// then by publication; a joint return's members each have their row.
package enum JudgementsFileWriter {
    package static func render(_ history: OfstedHistory) -> [UInt8] {
        var w = CSVWriter()
        w.writeRow(JudgementsFileSource.columns)
        let rows = history.all.sorted { ($0.newCode, $0.published, $0.oldCode) < ($1.newCode, $1.published, $1.oldCode) }
        for j in rows {
            var cells = [j.newCode, j.oldCode, j.name, j.framework.rawValue, j.inspectionStart ?? "", j.inspectionEnd ?? "",
                         j.publishedText, j.datePrecision, j.grade.words]
            cells += OfstedArea.allCases.map { j.areas[$0]?.words ?? "" }
            cells += [j.urn ?? "", j.source, j.note]
            w.writeRow(cells)
        }
        return w.bytes
    }
}
