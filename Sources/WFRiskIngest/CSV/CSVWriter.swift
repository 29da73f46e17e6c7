import CLibCSV
import WFRiskCore

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

/// Where a table's rows go, field by field: straight into a CSV file's bytes (`CSVWriter`), or
/// into rows of cells (`CSVCellRows`: the workbook's sheets, and the plain path the tests compare
/// the bytes with). A table's columns are written once, against this, for both.
package protocol CSVRowSink {
    /// Text from inputs or words: made safe for spreadsheets, as `CSVCell.text`.
    mutating func text(_ value: String)
    /// A number already written out, as `CSVCell.number`.
    mutating func number(_ value: String)
    /// An empty field.
    mutating func empty()
    /// `value` with `decimals` places (`Decimals.format`), or an empty field.
    mutating func number(_ value: Double?, _ decimals: Int)
    /// Ends the row.
    mutating func endRow()
}

extension CSVRowSink {
    /// Text, or an empty field.
    package mutating func text(_ value: String?) {
        if let value { text(value) } else { empty() }
    }

    /// A whole number, or an empty field.
    package mutating func int(_ value: Int?) {
        if let value { number(String(value)) } else { empty() }
    }

    /// One cell.
    package mutating func cell(_ cell: CSVCell) {
        switch cell {
        case .text(let s): text(s)
        case .number(let s): number(s)
        case .empty: empty()
        }
    }
}

/// Rows of cells, made through `CSVRowSink`.
package struct CSVCellRows: CSVRowSink {
    private var rows: [[CSVCell]] = []
    private var current: [CSVCell] = []

    package init() {}

    package mutating func text(_ value: String) { current.append(.text(value)) }
    package mutating func number(_ value: String) { current.append(.number(value)) }
    package mutating func empty() { current.append(.empty) }
    package mutating func number(_ value: Double?, _ decimals: Int) {
        current.append(value.map { .number(Decimals.format($0, decimals)) } ?? .empty)
    }
    package mutating func endRow() {
        rows.append(current)
        current.removeAll(keepingCapacity: true)
    }

    /// The one row `write` makes, as cells.
    package static func one(_ write: (inout CSVCellRows) -> Void) -> [CSVCell] {
        var rows = CSVCellRows()
        write(&rows)
        return rows.take()[0]
    }

    /// The rows so far, handed over and forgotten.
    package mutating func take() -> [[CSVCell]] {
        defer { rows.removeAll(keepingCapacity: true) }
        return rows
    }
}

/// Builds CSV text through libcsv's quoting (`csv_write`), in memory, so callers can
/// publish the finished bytes atomically.
package struct CSVWriter: CSVRowSink {
    package private(set) var bytes: [UInt8] = []
    /// Fields written in the current row (a comma goes before each but the first).
    private var fields = 0

    /// - Parameter byteOrderMark: start with a UTF-8 BOM so Excel reads the file as UTF-8.
    package init(byteOrderMark: Bool = false) {
        if byteOrderMark { bytes = [0xEF, 0xBB, 0xBF] }
    }

    /// Appends one row. Why not `plainRow` (below, the version the tests compare it with): the
    /// outputs write millions of cells on the benchmark (history.csv, indicators.csv), and
    /// copying each cell into an array of bytes and hashing its first scalar was most of the
    /// writer's time; here a cell's UTF-8 is read in place and a formula lead, always ASCII, is
    /// found from the first byte.
    package mutating func writeRow(_ cells: [CSVCell]) {
        assert(fields == 0, "a row of cells written after a row left unended")
        for cell in cells { self.cell(cell) }
        endRow()
    }

    // MARK: Field by field (`CSVRowSink`)
    //
    // Why: the tables' rows were made as arrays of cells, each number a string, and then
    // written; at 100x the cells' making and freeing was about half of the CSV files' time
    // (perf, docs/performance.md "Issue 25, session 26"). Written field by field, a number goes
    // straight into the bytes and a text is read where it is. `writeRow` (a row of cells) is
    // these same calls, and `plainRow` the plain path both are compared with.

    private mutating func separate() {
        if fields > 0 { bytes.append(0x2C) }
        fields += 1
    }

    package mutating func text(_ value: String) {
        separate()
        var s = value
        if let first = s.utf8.first, CSVWriter.formulaLeadBytes.contains(first) {
            var guarded = "'" + s
            appendField(&guarded)
        } else {
            appendField(&s)
        }
    }

    package mutating func number(_ value: String) {
        separate()
        var s = value
        appendField(&s)
    }

    package mutating func empty() { separate() }

    package mutating func number(_ value: Double?, _ decimals: Int) {
        separate()
        // Digits, a point and a sign never need quoting.
        if let value { Decimals.append(value, decimals, to: &bytes) }
    }

    package mutating func endRow() {
        bytes.append(0x0A)
        fields = 0
    }

    /// Forgets the bytes so far, keeping their buffer: for writing a table to its file a block
    /// at a time (`CSVOutput`), each block written before the next is made.
    package mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends rows another writer made (without its byte-order mark): for rows made in blocks
    /// on several threads and joined in order (`CSVOutput`).
    package mutating func append(_ rows: [UInt8]) {
        assert(fields == 0, "rows appended after a row left unended")
        bytes.append(contentsOf: rows)
    }

    /// Writes a row of plain text cells (headers, reference files).
    package mutating func writeRow(_ fields: [String]) {
        writeRow(fields.map { CSVCell.text($0) })
    }

    static let formulaLeadBytes: [UInt8] = CSVCell.formulaLeads.map { UInt8($0.value) }

    private mutating func appendField(_ value: inout String) {
        value.withUTF8 { CSVWriter.appendQuoted($0, to: &bytes) }
    }

    /// Appends a field's UTF-8 as it is, or quoted by libcsv (`csv_write` doubles embedded
    /// quotes) when it needs quoting.
    static func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard needsQuoting(utf8) else {
            bytes.append(contentsOf: utf8)
            return
        }
        let capacity = utf8.count * 2 + 2
        var out = [UInt8](repeating: 0, count: capacity)
        let written = out.withUnsafeMutableBytes { dst in
            csv_write(dst.baseAddress, capacity, utf8.baseAddress, utf8.count)
        }
        bytes.append(contentsOf: out[0..<written])
    }

    static func needsQuoting(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = utf8.first, first == 0x20 { return true }
        if let last = utf8.last, last == 0x20 { return true }
        return utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Plain path: each cell rendered (`CSVCell.rendered`), copied out, then quoted as above.
    static func plainRow(_ cells: [CSVCell]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x2C) }
            let utf8 = Array(cell.rendered.utf8)
            utf8.withUnsafeBufferPointer { appendQuoted($0, to: &out) }
        }
        out.append(0x0A)
        return out
    }
}
