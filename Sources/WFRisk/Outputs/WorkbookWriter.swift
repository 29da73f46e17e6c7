import CXLSXWriter
import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskInspections

/// One sheet of a workbook: a header row and rows of cells. Numbers arrive formatted at their
/// published decimals (as in the CSV files) and are written as numbers with that many decimals;
/// text is always written as a string, never as a formula.
struct WorkbookSheet: Sendable {
    var name: String
    var header: [String]
    /// How many rows `eachRow` gives.
    let rowCount: Int
    /// Gives each row in turn. Why not an array for every sheet: the two large sheets (Indicators,
    /// History) are made a row at a time as they are written; held whole as cells they added
    /// about 300 MB to the 100x run's peak. `rows` collects them (the tests' plain path).
    let eachRow: @Sendable (_ body: ([CSVCell]) throws -> Void) throws -> Void
    /// Columns kept in view when scrolling right (the header row is always frozen).
    var frozenColumns = 0
    /// Columns shaded by a colour scale (low values light, high values dark orange).
    var colourScaleColumns: [String] = []
    /// Long-text columns: wider, wrapped.
    var wrappedColumns: [String] = []

    init(name: String, header: [String], rows: [[CSVCell]]) {
        self.init(name: name, header: header, count: rows.count) { body in for row in rows { try body(row) } }
    }

    /// A sheet of `count` rows made as it is written.
    init(name: String, header: [String], count: Int, eachRow: @escaping @Sendable (_ body: ([CSVCell]) throws -> Void) throws -> Void) {
        self.name = name
        self.header = header
        rowCount = count
        self.eachRow = eachRow
    }

    /// Every row, collected.
    var rows: [[CSVCell]] {
        get throws {
            var out: [[CSVCell]] = []
            out.reserveCapacity(rowCount)
            try eachRow { out.append($0) }
            return out
        }
    }
}

extension LinkedLibrary {
    /// The libxlsxwriter loaded at run time, as it reports itself, and its file.
    package static let libxlsxwriter = LinkedLibrary(name: "libxlsxwriter", version: String(cString: lxw_version())
        + (loadedFile(soname: "libxlsxwriter.so").map { ", loaded from \($0)" } ?? ""))
}

/// Writes `.xlsx` files through libxlsxwriter. Output is byte-identical for identical sheets:
/// libxlsxwriter stamps zip entries with a fixed 1980 date, and the document's created date
/// (its only clock reading) is set by the caller.
enum WorkbookWriter {
    /// Properties stored in `docProps/core.xml`.
    struct Properties: Sendable {
        var title: String
        var subject: String
        var comments: String
        /// Seconds since 1970 for the created and modified dates (fixed so bytes do not vary).
        var created: Int
        /// libxlsxwriter's constant_memory mode: each row goes to a temporary file as it is
        /// written instead of staying in memory until the close, and text is stored in its cell
        /// (inline strings) instead of a shared-string table, so the bytes differ from the default
        /// mode's. Used for runs above `settings.report.unit_pages_above` units (docs/outputs.md).
        var constantMemory = false

        init(title: String, subject: String, comments: String, created: Int) {
            self.title = title
            self.subject = subject
            self.comments = comments
            self.created = created
        }
    }

    /// Light-to-dark scale for score columns; black text stays readable on every step (tested).
    static let colourScale: (low: UInt32, middle: UInt32, high: UInt32) = (0xFFFFFF, 0xFDD0A2, 0xF4915B)
    static let headerFill: UInt32 = 0xE8EDF2
    static let maxTextLength = 32_767
    /// Excel's rows in a sheet, the header's included.
    static let maxRows = 1_048_576

    /// The workbook as bytes (written to a private temporary file, read back, removed).
    static func render(_ sheets: [WorkbookSheet], properties: Properties, threads: Int = 1) throws -> [UInt8] {
        let temp = NSTemporaryDirectory() + "wfrisk-\(getpid())-\(UUID().uuidString).xlsx"
        defer { unlink(temp) }
        try write(sheets, properties: properties, to: temp, threads: threads)
        guard let data = FileManager.default.contents(atPath: temp) else {
            throw WFRiskError.runtime("cannot read back the workbook written to \(temp)")
        }
        return [UInt8](data)
    }

    /// Writes the workbook atomically to `path`: libxlsxwriter writes the temporary file beside
    /// it, so the workbook is never held whole in memory (`render` is the in-memory path).
    @discardableResult
    static func writeAtomically(_ sheets: [WorkbookSheet], properties: Properties, to path: String, threads: Int = 1) throws -> WrittenFile {
        try FileOutput.writeAtomically(to: path) { temp in try write(sheets, properties: properties, to: temp, threads: threads) }
    }

    /// A workbook in constant_memory mode takes the fast path (`WorkbookFrame`: wfrisk writes the
    /// rows, deflated on `threads` workers) when the loaded libxlsxwriter is one whose rows it was
    /// checked against; any other is written by libxlsxwriter whole.
    static func write(_ sheets: [WorkbookSheet], properties: Properties, to path: String, threads: Int = 1) throws {
        for sheet in sheets where sheet.rowCount >= maxRows {
            throw WFRiskError.runtime("sheet \(sheet.name) would have \(sheet.rowCount) rows below its header; Excel holds "
                                      + "\(maxRows - 1). Leave xlsx out of outputs.formats for a run this large: the csv and json files hold every row")
        }
        if properties.constantMemory && sheets.allSatisfy({ !$0.header.isEmpty }) && WorkbookFrame.matchesLoadedLibrary {
            try WorkbookFrame.write(sheets, properties: properties, to: path, threads: threads)
        } else {
            try writePlain(sheets, properties: properties, to: path)
        }
    }

    /// The whole workbook through libxlsxwriter: the plain path `WorkbookFrame` is compared with.
    static func writePlain(_ sheets: [WorkbookSheet], properties: Properties, to path: String) throws {
        var options = lxw_workbook_options()
        options.constant_memory = properties.constantMemory ? 1 : 0
        guard let workbook = workbook_new_opt(path, &options) else { throw WFRiskError.runtime("libxlsxwriter could not start a workbook at \(path)") }
        var closed = false
        defer { if !closed { _ = workbook_close(workbook) } }
        try setProperties(workbook, properties)
        let formats = Formats(workbook)
        for sheet in sheets { try write(sheet, into: workbook, formats: formats) }
        closed = true
        try check(workbook_close(workbook), "closing the workbook")
    }

    static func setProperties(_ workbook: UnsafeMutablePointer<lxw_workbook>, _ p: Properties) throws {
        try p.title.withCString { title in
            try p.subject.withCString { subject in
                try p.comments.withCString { comments in
                    try "wfrisk".withCString { author in
                        var props = lxw_doc_properties()
                        props.title = UnsafeMutablePointer(mutating: title)
                        props.subject = UnsafeMutablePointer(mutating: subject)
                        props.comments = UnsafeMutablePointer(mutating: comments)
                        props.author = UnsafeMutablePointer(mutating: author)
                        props.created = time_t(p.created)
                        try check(workbook_set_properties(workbook, &props), "setting document properties")
                    }
                }
            }
        }
    }

    /// Cell formats, one per kind, made once per workbook.
    final class Formats {
        let header: UnsafeMutablePointer<lxw_format>
        let text: UnsafeMutablePointer<lxw_format>
        let wrapped: UnsafeMutablePointer<lxw_format>
        /// By decimals: asked for at every number cell, so an array, not a dictionary.
        private var numbers: [UnsafeMutablePointer<lxw_format>?] = []
        private let workbook: UnsafeMutablePointer<lxw_workbook>

        init(_ workbook: UnsafeMutablePointer<lxw_workbook>) {
            self.workbook = workbook
            header = workbook_add_format(workbook)
            format_set_bold(header)
            format_set_bg_color(header, WorkbookWriter.headerFill)
            format_set_bottom(header, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(header)
            format_set_align(header, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
            // "@": cells stay text if a user edits them, so codes such as 314 keep their form.
            text = workbook_add_format(workbook)
            format_set_num_format(text, "@")
            wrapped = workbook_add_format(workbook)
            format_set_num_format(wrapped, "@")
            format_set_text_wrap(wrapped)
            format_set_align(wrapped, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        }

        /// "0", "0.0", "0.00", … for a number written with `decimals` decimals.
        func number(decimals: Int) -> UnsafeMutablePointer<lxw_format> {
            if decimals < numbers.count, let f = numbers[decimals] { return f }
            let f = workbook_add_format(workbook)!
            format_set_num_format(f, decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals))
            if decimals >= numbers.count { numbers += Array(repeating: nil, count: decimals + 1 - numbers.count) }
            numbers[decimals] = f
            return f
        }
    }

    private static func write(_ sheet: WorkbookSheet, into workbook: UnsafeMutablePointer<lxw_workbook>, formats: Formats) throws {
        let ws = try addSheet(sheet, to: workbook, formats: formats)
        let wrapped = wrappedColumns(sheet)
        var widths = headerWidths(sheet)
        var r = -1
        try sheet.eachRow { row in
            r += 1
            try checkWidth(row, of: sheet, row: r + 2)
            let rowIndex = lxw_row_t(r + 1)
            for (c, cell) in row.enumerated() {
                let col = lxw_col_t(c)
                switch cell {
                case .empty:
                    continue
                case .number(let s):
                    guard let (v, decimals, length) = numberCell(s) else { throw notANumber(s, sheet: sheet, row: r + 2, column: c) }
                    try check(worksheet_write_number(ws, rowIndex, col, v, formats.number(decimals: decimals)), "writing \(sheet.name)")
                    widths[c] = max(widths[c], Double(length) + 2)
                case .text(let s):
                    let (text, length) = cellText(s)
                    // Through `withCString`: a native string lends its bytes (a short one is copied
                    // onto the stack), where passing the `String` itself made a heap copy of every cell.
                    let format = wrapped[c] ? formats.wrapped : formats.text
                    try check(text.withCString { worksheet_write_string(ws, rowIndex, col, $0, format) }, "writing \(sheet.name)")
                    widths[c] = max(widths[c], Double(length) + 2)
                }
            }
        }
        guard r + 1 == sheet.rowCount else {
            throw WFRiskError.runtime("sheet \(sheet.name): \(r + 1) rows written, \(sheet.rowCount) expected")
        }
        try finish(ws, sheet, widths: widths, wrapped: wrapped)
    }

    /// A new sheet with its header row written.
    static func addSheet(_ sheet: WorkbookSheet, to workbook: UnsafeMutablePointer<lxw_workbook>, formats: Formats) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard let ws = workbook_add_worksheet(workbook, sheet.name) else {
            throw WFRiskError.runtime("libxlsxwriter could not add the sheet '\(sheet.name)'")
        }
        for (c, name) in sheet.header.enumerated() {
            try check(worksheet_write_string(ws, 0, lxw_col_t(c), cleanText(name), formats.header), "writing the \(sheet.name) header")
        }
        return ws
    }

    /// By column: a wrapped column's name marks its first column (as the colour scale's does).
    static func wrappedColumns(_ sheet: WorkbookSheet) -> [Bool] {
        var wrapped = [Bool](repeating: false, count: sheet.header.count)
        for name in sheet.wrappedColumns { if let c = sheet.header.firstIndex(of: name) { wrapped[c] = true } }
        return wrapped
    }

    /// Each column's width before its cells widen it.
    static func headerWidths(_ sheet: WorkbookSheet) -> [Double] { sheet.header.map { min(max(Double($0.count) * 0.8, 8), 28) } }

    /// A number cell whose text is not a number (`row` counted from 1, the header's included).
    static func notANumber(_ text: String, sheet: WorkbookSheet, row: Int, column: Int) -> WFRiskError {
        .runtime("sheet \(sheet.name), row \(row), column \(sheet.header[column]): '\(text)' is not a number")
    }

    /// A row has no more cells than the header has columns.
    static func checkWidth(_ row: [CSVCell], of sheet: WorkbookSheet, row number: Int) throws {
        guard row.count <= sheet.header.count else {
            throw WFRiskError.runtime("sheet \(sheet.name), row \(number): \(row.count) cells under \(sheet.header.count) column names")
        }
    }

    /// The sheet's widths, frozen panes, filter and colour scales, set once its rows are written
    /// (`wrapped`: the sheet's `wrappedColumns`, as its rows were written with).
    static func finish(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ sheet: WorkbookSheet, widths: [Double], wrapped: [Bool]) throws {
        for c in sheet.header.indices {
            let width = wrapped[c] ? 80 : min(widths[c], 50)
            try check(worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), width, nil), "setting widths in \(sheet.name)")
        }
        worksheet_freeze_panes(ws, 1, lxw_col_t(sheet.frozenColumns))
        if !sheet.header.isEmpty {
            try check(worksheet_autofilter(ws, 0, 0, lxw_row_t(max(sheet.rowCount, 1)), lxw_col_t(sheet.header.count - 1)),
                      "setting the filter in \(sheet.name)")
        }
        for name in sheet.colourScaleColumns {
            guard let c = sheet.header.firstIndex(of: name), sheet.rowCount > 0 else { continue }
            var scale = lxw_conditional_format()
            scale.type = UInt8(LXW_CONDITIONAL_3_COLOR_SCALE.rawValue)
            scale.min_color = colourScale.low
            scale.mid_color = colourScale.middle
            scale.max_color = colourScale.high
            try check(worksheet_conditional_format_range(ws, 1, lxw_col_t(c), lxw_row_t(sheet.rowCount), lxw_col_t(c), &scale),
                      "colouring \(name) in \(sheet.name)")
        }
    }

    /// A number cell's value, its decimals (the digits after its point: the cell's format) and
    /// its length in characters (the column width); nil when it is not a number.
    /// Why a fast path: text that parses as a number is ASCII (`DecimalNumber` accepts only
    /// digits, sign, point, exponent, spaces and tabs), so its decimals and length are counts of
    /// its bytes; finding the point and counting characters through `String`'s character view were
    /// a fifth of the workbook's own time at 100x. `plainNumberCell` is the version
    /// `WriteFastPathTests` compares it with.
    static func numberCell(_ s: String) -> (value: Double, decimals: Int, length: Int)? {
        var s = s
        return s.withUTF8 { bytes in
            guard let v = DecimalNumber.parse(bytes) else { return nil }
            let decimals = bytes.firstIndex(of: UInt8(ascii: ".")).map { bytes.count - $0 - 1 } ?? 0
            return (v, decimals, bytes.count)
        }
    }

    /// `numberCell` over `String`'s characters.
    static func plainNumberCell(_ s: String) -> (value: Double, decimals: Int, length: Int)? {
        guard let v = DecimalNumber.parse(s) else { return nil }
        let decimals = s.firstIndex(of: ".").map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
        return (v, decimals, s.count)
    }

    /// `cleanText(s)` and its length in characters, for the column width.
    /// Why a fast path: almost every cell is short printable ASCII, which `cleanText` returns
    /// unchanged (nothing to drop, no `_xHHHH_`, under the length limit) and whose characters are
    /// its bytes; checking that over the bytes skips rebuilding the string scalar by scalar and
    /// counting its grapheme clusters, which were most of the workbook's own (Swift) time. An
    /// underscore keeps the text on the fast path unless an `x` or `X` follows it (the indicator
    /// names in every Indicators row have underscores).
    /// `WriteFastPathTests` pins it to `cleanText` and `count` over random texts.
    static func cellText(_ s: String) -> (text: String, length: Int) {
        let n = s.utf8.count
        if n <= maxTextLength {
            func plain(_ bytes: some Sequence<UInt8>) -> Bool {
                var underscore = false
                for b in bytes {
                    if underscore && (b == UInt8(ascii: "x") || b == UInt8(ascii: "X")) || b < 0x20 || b >= 0x7F { return false }
                    underscore = b == UInt8(ascii: "_")
                }
                return true
            }
            if s.utf8.withContiguousStorageIfAvailable(plain) ?? plain(s.utf8) { return (s, n) }
        }
        let text = cleanText(s)
        return (text, text.count)
    }

    /// Text as a cell can hold it: XML-illegal control characters dropped; `_xHHHH_` escaped; at
    /// most 32,767 code points (libxlsxwriter and Excel count code points, not the characters a
    /// reader sees: a name of thousands of combining marks is one `Character`), cut on a character boundary.
    static func cleanText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars where scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" {
            if scalar.value == 0xFFFE || scalar.value == 0xFFFF || (0x7F...0x9F).contains(scalar.value) { continue }
            out.append(scalar)
        }
        let text = escapeOOXMLCodes(String(out))
        guard text.unicodeScalars.count > maxTextLength else { return text }
        var kept = "", scalars = 0
        for character in text {
            let n = character.unicodeScalars.count
            // A character longer than the limit on its own (a base and thousands of marks) keeps its base only.
            if scalars + n > maxTextLength - 1 {
                if kept.isEmpty, let base = character.unicodeScalars.first { kept.unicodeScalars.append(base) }
                break
            }
            kept.append(character)
            scalars += n
        }
        return kept + "…"
    }

    /// Excel reads `_xHHHH_` in a cell's text as the character U+HHHH (ECMA-376 Part 1, §22.9.2.19
    /// ST_Xstring); such a sequence typed in the data is written with its underscore escaped as
    /// `_x005F_`, so the cell reads back as typed. libxlsxwriter writes text as given.
    static func escapeOOXMLCodes(_ s: String) -> String {
        let b = Array(s.utf8)
        guard b.count >= 7, b.contains(UInt8(ascii: "_")) else { return s }
        func isHex(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 14)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "_"), i + 6 < b.count, b[i + 1] == UInt8(ascii: "x") || b[i + 1] == UInt8(ascii: "X"),
               (i + 2...i + 5).allSatisfy({ isHex(b[$0]) }), b[i + 6] == UInt8(ascii: "_") {
                out += Array("_x005F".utf8)
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `doing` is worded only on failure (it was being built for every cell).
    static func check(_ error: lxw_error, _ doing: @autoclosure () -> String) throws {
        guard error != LXW_NO_ERROR else { return }
        throw WFRiskError.runtime("libxlsxwriter failed \(doing()): \(String(cString: lxw_strerror(error)))")
    }
}
