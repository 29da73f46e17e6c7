import Foundation
import WFRiskCore

/// Recognises files that are not comma-separated text before they are parsed as CSV, so the error
/// says what the file is (a gzip archive, an Excel workbook, UTF-16 text, a semicolon- or
/// tab-separated export) instead of a puzzling "missing column(s)" or syntax error.
package enum FileShape {
    /// What is wrong with the file's shape, or nil when it looks like comma-separated text.
    package static func problem(path: String) -> InputProblem? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 64 << 10)) ?? Data())
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        func problem(_ message: String) -> InputProblem { InputProblem(file: path, line: 1, message: message) }
        if starts([0x1F, 0x8B]) {
            return problem("this is a gzip-compressed file, not CSV text: decompress it first (gunzip \(path))")
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            return problem("this is a ZIP archive (an Excel .xlsx workbook or a zipped download), not CSV text: export the sheet as CSV (UTF-8), or unzip it")
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) {
            return problem("this is an old Excel .xls workbook, not CSV text: save the sheet as CSV (UTF-8)")
        }
        if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
            return problem("this text is UTF-16 (Excel's \"Unicode text\"), not UTF-8 CSV: save it as CSV UTF-8 (comma delimited)")
        }
        // The header line: the first line, after an optional UTF-8 byte-order mark.
        var start = starts([0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < head.count && (head[start] == 0x0A || head[start] == 0x0D) { start += 1 }
        let end = head[start...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? head.count
        let line = head[start..<end]
        guard !line.contains(UInt8(ascii: ",")) else { return nil }
        let semicolons = line.filter { $0 == UInt8(ascii: ";") }.count, tabs = line.filter { $0 == 0x09 }.count
        if semicolons > 0 && semicolons >= tabs {
            return problem("the header has no commas but \(semicolons) semicolon(s): this is a semicolon-separated export (a spreadsheet set to a European locale); wfrisk reads comma-separated CSV as DfE publishes it: export with commas (CSV UTF-8 (comma delimited))")
        }
        if tabs > 0 {
            return problem("the header has no commas but \(tabs) tab(s): this is a tab-separated file (Excel's \"Text (tab delimited)\"); wfrisk reads comma-separated CSV as DfE publishes it: export as CSV UTF-8 (comma delimited)")
        }
        return nil
    }

    /// The hint for a data row of a single field: a title, note or footer line that spreadsheet exports add.
    package static func singleFieldHint(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(59)) + "…" : text
        return "a line of one field ('\(shown)') is a title, note or footer line such as Excel and DfE downloads add (\"Source: …\"), not a data row: delete it"
    }
}
