import CLibCSV

/// One cell of output: numbers are written as given; text from inputs is made safe
/// for spreadsheets (a leading `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so
/// Excel does not evaluate it as a formula).
package enum CSVCell: Equatable, Sendable {
    case text(String)
    case number(String)
    case empty

    var rendered: String {
        switch self {
        case .empty: return ""
        case .number(let s): return s
        case .text(let s):
            if let first = s.unicodeScalars.first, CSVCell.formulaLeads.contains(first) {
                return "'" + s
            }
            return s
        }
    }

    static let formulaLeads: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
}

/// Builds CSV text through libcsv's quoting (`csv_write`), in memory, so callers can
/// publish the finished bytes atomically.
package struct CSVWriter {
    package private(set) var bytes: [UInt8] = []

    /// - Parameter byteOrderMark: start with a UTF-8 BOM so Excel reads the file as UTF-8.
    package init(byteOrderMark: Bool = false) {
        if byteOrderMark { bytes = [0xEF, 0xBB, 0xBF] }
    }

    package mutating func writeRow(_ cells: [CSVCell]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            appendField(cell.rendered)
        }
        bytes.append(0x0A)
    }

    /// Writes a row of plain text cells (headers, reference files).
    package mutating func writeRow(_ fields: [String]) {
        writeRow(fields.map { CSVCell.text($0) })
    }

    private mutating func appendField(_ value: String) {
        var utf8 = Array(value.utf8)
        guard CSVWriter.needsQuoting(utf8) else {
            bytes.append(contentsOf: utf8)
            return
        }
        // csv_write quotes the field and doubles embedded quotes.
        let capacity = utf8.count * 2 + 2
        var out = [UInt8](repeating: 0, count: capacity)
        let written = utf8.withUnsafeMutableBytes { src in
            out.withUnsafeMutableBytes { dst in
                csv_write(dst.baseAddress, capacity, src.baseAddress, src.count)
            }
        }
        bytes.append(contentsOf: out[0..<written])
        utf8.removeAll()
    }

    static func needsQuoting(_ utf8: [UInt8]) -> Bool {
        if let first = utf8.first, first == 0x20 { return true }
        if let last = utf8.last, last == 0x20 { return true }
        return utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }
}
