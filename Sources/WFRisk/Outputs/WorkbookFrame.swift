import CXLSXWriter
import Foundation
import WFRiskCore
import WFRiskIngest

/// The large workbook's fast path (runs above `settings.report.unit_pages_above` units, written in
/// libxlsxwriter's constant_memory mode). libxlsxwriter writes the workbook's *frame*: every part
/// of it, each sheet with its header row, widths, panes, filter and colour scales. wfrisk writes
/// the sheets' data rows and deflates them in pieces on `threads` workers, then puts the frame's
/// parts and the rows together into the zip.
///
/// Why: at 100x England's size the workbook is 552 MB of sheet XML. libxlsxwriter prints every
/// cell with `fprintf` and deflates every part on one thread at zlib's default level, fixed in
/// its packager: about 11.7 s, the write stage's long pole (perf, docs/performance.md).
///
/// What differs from `WorkbookWriter.writePlain` in constant_memory mode, the plain path its tests
/// compare it with (`WorkbookFrameTests`):
/// - the sheets' XML is the same byte for byte except some numbers' text: libxlsxwriter prints
///   the double at 16 significant digits (`%.16G`), so 90.29 is written 90.29000000000001; this
///   path writes the published text without trailing zeros (90.29), which reads as the same
///   number or a nearer one. A number not in plain decimal form (`1e3`, ` 7`) is printed as
///   libxlsxwriter prints it;
/// - the zip's deflate data (level 1, in pieces): the same bytes at every thread count.
///
/// The cells' style numbers are libxlsxwriter's own (`lxw_format_get_xf_index`), asked for in
/// the order libxlsxwriter's constant_memory mode asks: a row's cells when the next row starts,
/// each sheet's last row when the workbook is closed, after every sheet's other rows.
enum WorkbookFrame {
    /// zlib level 1: 3.3 times as fast as the default level 6 on this XML (314 against 95 MB/s),
    /// for a file 1.33 times as large (13.6 % of the XML against 10.2 %; python's zlib on the
    /// Indicators sheet of the 100x workload).
    static let level: Int32 = 1
    /// Rows are cut into pieces of about this many bytes of XML, each deflated on its own.
    static let pieceSize = 1 << 20

    /// The libxlsxwriter releases whose constant_memory rows this file writes as they do (their
    /// `_write_number_cell`, `_write_inline_string_cell`, `_write_row` and
    /// `lxw_worksheet_write_single_row` read alike). With another release loaded at run time the
    /// workbook is written by libxlsxwriter whole (`WorkbookWriter.writePlain`).
    static let checkedReleases: Set<String> = ["1.1.4"]
    static let matchesLoadedLibrary = checkedReleases.contains(String(cString: lxw_version()))

    /// `pieceSize`: the tests' small pieces reach batches and piece ends that large sheets do.
    static func write(_ sheets: [WorkbookSheet], properties: WorkbookWriter.Properties, to path: String, threads: Int,
                      pieceSize: Int = WorkbookFrame.pieceSize) throws {
        let framePath = path + ".frame", spoolPath = path + ".rows"
        defer { unlink(framePath) }
        // The spool has no name once open: a run stopped by a crash or a kill leaves nothing behind.
        guard FileManager.default.createFile(atPath: spoolPath, contents: nil), let spool = FileHandle(forUpdatingAtPath: spoolPath) else {
            unlink(spoolPath)
            throw WFRiskError.runtime("cannot create \(spoolPath)")
        }
        unlink(spoolPath)
        defer { try? spool.close() }
        var rows: [SheetRows] = []
        do {
            var options = lxw_workbook_options()
            options.constant_memory = 1
            guard let workbook = workbook_new_opt(framePath, &options) else {
                throw WFRiskError.runtime("libxlsxwriter could not start a workbook at \(framePath)")
            }
            var closed = false
            defer { if !closed { _ = workbook_close(workbook) } }
            try WorkbookWriter.setProperties(workbook, properties)
            let formats = WorkbookWriter.Formats(workbook)
            var spooled = 0
            var sheetsMade: [(UnsafeMutablePointer<lxw_worksheet>, WorkbookSheet)] = []
            for sheet in sheets {
                let ws = try WorkbookWriter.addSheet(sheet, to: workbook, formats: formats)
                var made = SheetRows(sheet, formats: formats)
                try made.make(threads: threads, pieceSize: pieceSize) { piece in
                    try spool.write(contentsOf: piece.data)
                    spooled += piece.data.count
                    return spooled - piece.data.count
                }
                rows.append(made)
                sheetsMade.append((ws, sheet))
            }
            // libxlsxwriter asks for the last row's styles as it closes the workbook, sheet by sheet.
            for i in rows.indices { try rows[i].writeLastRow() }
            for (i, (ws, sheet)) in sheetsMade.enumerated() { try WorkbookWriter.finish(ws, sheet, widths: rows[i].widths, wrapped: rows[i].wrapped) }
            closed = true
            try WorkbookWriter.check(workbook_close(workbook), "closing the workbook")
        }
        guard let frameBytes = FileManager.default.contents(atPath: framePath) else {
            throw WFRiskError.runtime("cannot read back the workbook's parts at \(framePath)")
        }
        unlink(framePath)
        let frame = try ZipArchive([UInt8](frameBytes))
        var replaced = 0
        try frame.write(to: path) { entry in
            guard entry.name.hasPrefix("xl/worksheets/sheet"), entry.name.hasSuffix(".xml"),
                  let n = Int(entry.name.dropFirst("xl/worksheets/sheet".count).dropLast(4)), rows.indices.contains(n - 1) else { return nil }
            replaced += 1
            return try rows[n - 1].entry(frame: frame.data(entry), spool: spool)
        }
        // Every sheet's rows went in (libxlsxwriter names sheet k `xl/worksheets/sheet<k>.xml`).
        guard replaced == rows.count else {
            throw WFRiskError.runtime("the workbook frame held \(replaced) of its \(rows.count) sheets where wfrisk looks for them")
        }
    }

    /// A piece of deflate data and what it inflates to.
    struct Piece: Sendable {
        var data: [UInt8]
        var crc: UInt32
        var size: Int

        init(_ xml: [UInt8], last: Bool) throws {
            data = try xml.withUnsafeBytes { try Zlib.deflate($0, level: WorkbookFrame.level, last: last) }
            crc = xml.withUnsafeBytes { Zlib.crc32($0) }
            size = xml.count
        }
    }
}

/// One sheet's data rows as XML, as libxlsxwriter's constant_memory mode writes them.
struct SheetRows {
    let sheet: WorkbookSheet
    private let formats: WorkbookWriter.Formats
    /// By column: whether it wraps (`WorkbookWriter.wrappedColumns`).
    let wrapped: [Bool]
    private let columns: [[UInt8]]
    var widths: [Double]
    /// The deflated pieces of every row but the last, in order: where each sits in the spool, its
    /// length there, and its CRC-32 and length inflated.
    private(set) var pieces: [(offset: Int, length: Int, crc: UInt32, size: Int)] = []
    /// The last row with a cell (0: the header), kept until the close.
    private var pending: (row: Int, cells: [CSVCell])?
    private(set) var lastRow = 0
    private var lastRowXML: [UInt8] = []

    init(_ sheet: WorkbookSheet, formats: WorkbookWriter.Formats) {
        self.sheet = sheet
        self.formats = formats
        wrapped = WorkbookWriter.wrappedColumns(sheet)
        widths = WorkbookWriter.headerWidths(sheet)
        columns = sheet.header.indices.map { Array(WorkbookFrame.columnName($0).utf8) }
        pending = (0, sheet.header.map { .text($0) })
    }

    /// Makes the rows, hands each piece to `spool` as it is deflated (in order).
    /// `spool` returns where it put the piece's data.
    mutating func make(threads: Int, pieceSize: Int, spool: (WorkbookFrame.Piece) throws -> Int) throws {
        var xml = RowBytes(capacity: pieceSize + 64 * 1024)
        var batch: [[UInt8]] = []
        func flush() throws {
            // Each batch is deflated at once; the pieces' bytes do not depend on `threads`.
            let made = try Parallel.map(batch, threads: threads) { try WorkbookFrame.Piece($0, last: false) }
            batch.removeAll(keepingCapacity: true)
            for p in made { pieces.append((try spool(p), p.data.count, p.crc, p.size)) }
        }
        var r = -1
        try sheet.eachRow { row in
            r += 1
            try WorkbookWriter.checkWidth(row, of: sheet, row: r + 2)
            guard row.contains(where: { if case .empty = $0 { false } else { true } }) else { return }
            if let (previous, cells) = pending { try write(cells, row: previous, into: &xml) }
            pending = (r + 1, row)
            if xml.count >= pieceSize {
                batch.append(xml.array)
                xml.removeAll()
                if batch.count >= 2 * max(threads, 1) { try flush() }
            }
        }
        guard r + 1 == sheet.rowCount else {
            throw WFRiskError.runtime("sheet \(sheet.name): \(r + 1) rows written, \(sheet.rowCount) expected")
        }
        if xml.count > 0 { batch.append(xml.array) }
        try flush()
    }

    /// The last row: its styles asked for now, as libxlsxwriter does at the close.
    mutating func writeLastRow() throws {
        guard let (row, cells) = pending else { return }
        var xml = RowBytes(capacity: 4096)
        try write(cells, row: row, into: &xml)
        lastRow = row
        lastRowXML = xml.array
        pending = nil
    }

    /// One row's XML (none for the header, which libxlsxwriter writes), each cell's width noted.
    private mutating func write(_ cells: [CSVCell], row: Int, into xml: inout RowBytes) throws {
        if row == 0 {
            // The header: libxlsxwriter writes it; its style is asked for here, in turn.
            _ = lxw_format_get_xf_index(formats.header)
            return
        }
        let number = Array(String(row + 1).utf8)
        xml.append(literal: "<row r=\"")
        xml.append(bytes: number)
        xml.append(literal: "\">")
        for (c, cell) in cells.enumerated() {
            switch cell {
            case .empty:
                continue
            case .number(let s):
                guard let (v, decimals, length) = WorkbookWriter.numberCell(s) else {
                    throw WorkbookWriter.notANumber(s, sheet: sheet, row: row + 1, column: c)
                }
                widths[c] = max(widths[c], Double(length) + 2)
                cellStart(c, number, lxw_format_get_xf_index(formats.number(decimals: decimals)), into: &xml)
                xml.append(literal: "\"><v>")
                Self.numberText(s, v, into: &xml)
                xml.append(literal: "</v></c>")
            case .text(let s):
                let (text, length) = WorkbookWriter.cellText(s)
                widths[c] = max(widths[c], Double(length) + 2)
                cellStart(c, number, lxw_format_get_xf_index(wrapped[c] ? formats.wrapped : formats.text), into: &xml)
                var cleaned = text
                cleaned.withUTF8 { t in
                    guard let first = t.first, let last = t.last else {
                        // Empty text: libxlsxwriter writes a blank cell with its format.
                        xml.append(literal: "\"/>")
                        return
                    }
                    if Self.isSpace(first) || Self.isSpace(last) {
                        xml.append(literal: "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
                    } else {
                        xml.append(literal: "\" t=\"inlineStr\"><is><t>")
                    }
                    Self.escape(t, into: &xml)
                    xml.append(literal: "</t></is></c>")
                }
            }
        }
        xml.append(literal: "</row>")
    }

    /// `<c r="B7" s="3` (the cell's reference and style, its quote left open).
    private func cellStart(_ column: Int, _ row: [UInt8], _ style: Int32, into xml: inout RowBytes) {
        xml.append(literal: "<c r=\"")
        columns.withUnsafeBufferPointer { xml.append(bytes: $0[column]) }
        xml.append(bytes: row)
        // libxlsxwriter leaves out the default style's number, 0 (no wfrisk format is the default).
        guard style != 0 else { return }
        xml.append(literal: "\" s=\"")
        if (1..<100).contains(style) {
            // A workbook has a handful of styles: one or two digits, written without a String.
            if style >= 10 { xml.append(UInt8(ascii: "0") + UInt8(style / 10)) }
            xml.append(UInt8(ascii: "0") + UInt8(style % 10))
        } else {
            xml.append(bytes: Array(String(style).utf8))
        }
    }

    /// The sheet's zip entry: the frame's sheet XML with the rows put in and its dimension set.
    func entry(frame xml: [UInt8], spool: FileHandle) throws -> ZipArchive.Replacement {
        guard let end = xml.firstRange(of: Array("</sheetData>".utf8))?.lowerBound,
              let dimension = xml.firstRange(of: Array("<dimension ref=\"".utf8))?.lowerBound,
              let dimensionEnd = xml[dimension...].firstRange(of: Array("\"/>".utf8))?.lowerBound else {
            throw WFRiskError.runtime("the workbook frame's sheet \(sheet.name) has no sheetData or dimension")
        }
        // libxlsxwriter's dimension spans every cell written and the filter (the frame's), so the
        // rows' is the frame's widened to the last row (their columns are the header's).
        let start = dimension + "<dimension ref=\"".utf8.count
        guard let frameRange = WorkbookFrame.cellRange(xml[start..<dimensionEnd]) else {
            throw WFRiskError.runtime("the workbook frame's sheet \(sheet.name) has a dimension wfrisk cannot read")
        }
        var range = frameRange
        range.last.row = max(range.last.row, lastRow)
        range.first.row = min(range.first.row, lastRow)
        let head = Array(xml[..<start]) + Array(WorkbookFrame.cellRange(range).utf8) + Array(xml[dimensionEnd..<end])
        let first = try WorkbookFrame.Piece(head, last: false), last = try WorkbookFrame.Piece(lastRowXML + Array(xml[end...]), last: true)
        var crc = first.crc, size = first.size, compressed = first.data.count
        for p in pieces + [(0, last.data.count, last.crc, last.size)] {
            crc = Zlib.crc32(combining: crc, p.crc, secondLength: p.size)
            size += p.size
            compressed += p.length
        }
        let pieces = self.pieces
        return ZipArchive.Replacement(crc: crc, size: size, compressedSize: compressed) { sink in
            try sink(first.data)
            for p in pieces {
                try spool.seek(toOffset: UInt64(p.offset))
                guard let data = try spool.read(upToCount: p.length), data.count == p.length else {
                    throw WFRiskError.runtime("the workbook's spooled rows of \(sheet.name) were cut short")
                }
                try sink([UInt8](data))
            }
            try sink(last.data)
        }
    }

    /// A number's text in its cell: the published text when it is plain decimal (`-12.50`,
    /// written `-12.5`), which reads as the number itself; otherwise libxlsxwriter's `%.16G` of
    /// its value.
    static func numberText(_ s: String, _ value: Double, into xml: inout RowBytes) {
        var s = s
        let plain = s.withUTF8 { b -> Bool in
            var i = b.first == UInt8(ascii: "-") ? 1 : 0
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            // At least one digit, no leading zero but a lone one.
            guard i > start, b[start] != 0x30 || i == start + 1 else { return false }
            var digits = i - start, end = i
            if i < b.count {
                guard b[i] == UInt8(ascii: "."), i + 1 < b.count else { return false }
                i += 1
                let fraction = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                guard i == b.count else { return false }
                digits += i - fraction
                // Without the fraction's trailing zeros (and a point left last), as `%.16G` writes it.
                end = i
                while b[end - 1] == 0x30 { end -= 1 }
                if end == fraction { end -= 1 }
            }
            // At most 15 digits: what Excel keeps of a number.
            guard digits <= 15 else { return false }
            xml.append(UnsafeBufferPointer(rebasing: b[..<end]))
            return true
        }
        if plain { return }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let n = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, "%.16G", $0) }
            buffer.withMemoryRebound(to: UInt8.self) { xml.append(UnsafeBufferPointer(rebasing: $0[..<Int(max(0, min(n, 63)))])) }
        }
    }

    /// libxlsxwriter's text escape: `&`, `<` and `>`.
    static func escape(_ text: UnsafeBufferPointer<UInt8>, into xml: inout RowBytes) {
        var from = 0
        for (i, b) in text.enumerated() where b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") {
            xml.append(UnsafeBufferPointer(rebasing: text[from..<i]))
            switch b {
            case UInt8(ascii: "&"): xml.append(literal: "&amp;")
            case UInt8(ascii: "<"): xml.append(literal: "&lt;")
            default: xml.append(literal: "&gt;")
            }
            from = i + 1
        }
        xml.append(UnsafeBufferPointer(rebasing: text[from...]))
    }

    /// C's `isspace` in the C locale, which libxlsxwriter asks of a text's first and last byte.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

}

extension WorkbookFrame {
    /// A spreadsheet column's letters (0 → A, 25 → Z, 26 → AA), as libxlsxwriter writes them.
    static func columnName(_ index: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 16) { buffer in
            lxw_col_to_name(buffer.baseAddress, lxw_col_t(index), 0)
            return String(cString: buffer.baseAddress!)
        }
    }

    /// A range as libxlsxwriter writes it (`A1:C9`, or `B2` for one cell): its own function.
    static func cellRange(_ r: (first: (row: Int, column: Int), last: (row: Int, column: Int))) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            lxw_rowcol_to_range(buffer.baseAddress, lxw_row_t(r.first.row), lxw_col_t(r.first.column),
                                lxw_row_t(r.last.row), lxw_col_t(r.last.column))
            return String(cString: buffer.baseAddress!)
        }
    }

    /// `A1:C9` or `B2` read back.
    static func cellRange(_ text: ArraySlice<UInt8>) -> (first: (row: Int, column: Int), last: (row: Int, column: Int))? {
        func cell(_ t: ArraySlice<UInt8>) -> (row: Int, column: Int)? {
            guard let digit = t.firstIndex(where: { (0x30...0x39).contains($0) }), digit > t.startIndex,
                  t[..<digit].allSatisfy({ (0x41...0x5A).contains($0) }), let row = Int(String(decoding: t[digit...], as: UTF8.self)), row >= 1
            else { return nil }
            let column = t[..<digit].reduce(0) { $0 * 26 + Int($1 - 0x40) } - 1
            return (row - 1, column)
        }
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = cell(parts[0]), let last = cell(parts[parts.count - 1]) else { return nil }
        return (first, last)
    }
}

/// The rows' XML as it is made. Why not `[UInt8]`: rows are made of many short pieces (five or so
/// a cell), and each `Array.append(contentsOf:)` did its own uniqueness, capacity and count
/// bookkeeping; with the pieces first kept as `static let` arrays (each append retaining one and
/// checking its lazy global) that was most of the large workbook's row-writing samples (`perf`,
/// docs/performance.md "Issue 25, session 25"). Here an append is a capacity check and a copy,
/// and a literal's bytes are static.
struct RowBytes: ~Copyable {
    // Not copyable: its memory is its own, freed with it, and no copy can write into a buffer
    // another holds.
    private var pointer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// The bytes so far, copied out.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    mutating func removeAll() { count = 0 }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (pointer + count).initialize(from: from, count: bytes.count)
        count += bytes.count
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        (pointer + count).initialize(to: byte)
        count += 1
    }

    /// Appends a literal's UTF-8 bytes.
    @inline(__always) mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    @inline(__always) mutating func append(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Memory for at least `needed` bytes (twice the old at least), the bytes so far copied in.
    private mutating func grow(to needed: Int) {
        let bigger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        moved.initialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = moved
        capacity = bigger
    }
}
