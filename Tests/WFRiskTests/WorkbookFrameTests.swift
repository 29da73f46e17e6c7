import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRisk

/// The large workbook's fast path (`WorkbookFrame`: libxlsxwriter writes the frame, wfrisk the
/// rows, deflated in pieces) pinned to the plain path, libxlsxwriter writing the whole workbook in
/// the same constant_memory mode.
@Suite struct WorkbookFrameTests {
    static let properties: WorkbookWriter.Properties = {
        var p = WorkbookWriter.Properties(title: "t & <u>", subject: "s", comments: "c", created: 1_696_032_000)
        p.constantMemory = true
        return p
    }()

    /// Text with what the sheet XML escapes or marks: markup, ampersands, spaces and line ends at
    /// either end, tabs, `_x0041_`, non-ASCII, control characters (dropped), and empty text (a
    /// blank cell with its format).
    static func text(_ rng: inout SeededRandom) -> String {
        let pieces = ["a", "Brent", " ", "\n", "\t", "\r", "&", "<b>", ">", "\"", "'", "_x0041_", "é", "e\u{301}", "👩‍👧", "\u{01}", "0.5", "Hull, City of"]
        return (0..<Int(rng.next() % 7)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    /// Numbers as the CSV files publish them, and forms that are numbers but not plain decimals.
    static func number(_ rng: inout SeededRandom) -> String {
        let odd = ["0", "-0", "0.000", "12.50", "2.5", "7.25", "90.29", "1e3", "1.5E-3", " 7", "7\t", "+2", "007", ".5", "3.", "-0.10",
                   "123456789012345", "1234567890123456", "0.1234567890123456", "99999999999999999999"]
        if rng.next() % 4 == 0 { return odd[Int(rng.next() % UInt64(odd.count))] }
        return Decimals.format((rng.unit() - 0.5) * pow(10, Double(rng.next() % 7)), Int(rng.next() % 5))
    }

    /// Sheets with every kind of cell, rows with no cell (at the end too), a sheet without rows,
    /// and formats first used only in a sheet's last row: libxlsxwriter numbers those styles at
    /// the close, after every later sheet's.
    static func sheets(seed: UInt64, rows: Int) -> [WorkbookSheet] {
        var rng = SeededRandom(seed: seed)
        func sheet(_ name: String, columns: Int, rows n: Int, lastRowDecimals: Int?, ownDecimals: Int? = nil) -> WorkbookSheet {
            let header = (0..<columns).map { c in c == 1 ? "" : "col_\(c) & <\(name)>" }
            var body: [[CSVCell]] = (0..<n).map { r in
                if r % 17 == 5 { return Array(repeating: CSVCell.empty, count: Int(rng.next() % UInt64(columns + 1))) }
                return (0..<Int(1 + rng.next() % UInt64(columns))).map { c -> CSVCell in
                    switch rng.next() % 4 {
                    case 0: .empty
                    case 1: .text(text(&rng))
                    default: .number(c == 0 ? String(r) : number(&rng))
                    }
                }
            }
            // A format no other sheet's rows use, first used in this sheet's first row.
            if let d = ownDecimals, !body.isEmpty { body[0] = [.number("3." + String(repeating: "1", count: d))] }
            if let d = lastRowDecimals, !body.isEmpty {
                body[body.count - 1] = [.text("last"), .number("1." + String(repeating: "5", count: d))]
                body.append([.empty, .empty])
            }
            var s = WorkbookSheet(name: name, header: header, rows: body)
            s.frozenColumns = 1
            s.colourScaleColumns = ["col_2 & <\(name)>"]
            s.wrappedColumns = ["col_3 & <\(name)>"]
            return s
        }
        return [sheet("First", columns: 6, rows: rows, lastRowDecimals: 9),
                sheet("Second", columns: 30, rows: rows / 2, lastRowDecimals: 8, ownDecimals: 6),
                sheet("Empty", columns: 3, rows: 0, lastRowDecimals: nil),
                sheet("Third", columns: 4, rows: 3, lastRowDecimals: nil)]
    }

    /// The workbook's bytes; the fast path leaves no file of its own beside it, written or refused.
    static func write(_ sheets: [WorkbookSheet], framed: Bool, threads: Int = 1, pieceSize: Int = 2_000) throws -> [UInt8] {
        let dir = Fixtures.temporaryDirectory(), path = dir + "/w.xlsx"
        defer {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            #expect(left.allSatisfy { $0 == "w.xlsx" }, "left beside the workbook: \(left)")
        }
        if framed {
            #expect(WorkbookFrame.matchesLoadedLibrary, "the loaded libxlsxwriter is not one the fast path was checked against")
            try WorkbookFrame.write(sheets, properties: properties, to: path, threads: threads, pieceSize: pieceSize)
        } else {
            try WorkbookWriter.writePlain(sheets, properties: properties, to: path)
        }
        return [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }

    /// Each entry's bytes, read through the zip's own sizes and CRC-32s (checked).
    static func entries(_ bytes: [UInt8]) throws -> [(String, [UInt8])] {
        let zip = try ZipArchive(bytes)
        return try zip.entries.map { ($0.name, try zip.data($0)) }
    }

    /// Every part is libxlsxwriter's byte for byte, but a number's text, which is the published
    /// text without trailing zeros where libxlsxwriter prints `%.16G`: the same value, never
    /// longer. The pieces' boundaries and the number of threads change nothing.
    @Test func framedWorkbookIsLibxlsxwritersButForNumbersSpelling() throws {
        for seed in [UInt64(3), 41] {
            let sheets = Self.sheets(seed: seed, rows: 400)
            let plain = try Self.entries(Self.write(sheets, framed: false))
            let framedBytes = try Self.write(sheets, framed: true)
            let framed = try Self.entries(framedBytes)
            #expect(plain.map(\.0) == framed.map(\.0))
            var spelled = 0, numbers = 0
            for ((name, a), (_, b)) in zip(plain, framed) {
                guard name.hasPrefix("xl/worksheets/") else {
                    #expect(a == b, "\(name)")
                    continue
                }
                let x = Self.split(a), y = Self.split(b)
                let differing = x.other.indices.first { $0 < y.other.count && x.other[$0] != y.other[$0] }
                #expect(differing == nil && x.other.count == y.other.count,
                        "\(name): the XML around the numbers differs: \(differing.map { "\(x.other[$0].prefix(300)) against \(y.other[$0].prefix(300))" } ?? "")")
                #expect(x.numbers.count == y.numbers.count, "\(name)")
                for (u, v) in zip(x.numbers, y.numbers) {
                    numbers += 1
                    if u == v { continue }
                    spelled += 1
                    let p = try #require(Double(u)), q = try #require(Double(v))
                    #expect(abs(p - q) <= abs(p) * 4e-16 && v.count < u.count, "\(name): \(u) against \(v)")
                }
            }
            #expect(numbers > 1_000 && spelled > 0, "the sheets should hold numbers libxlsxwriter spells otherwise")
            // Pieces of another size and two threads: the same workbook, byte for byte.
            #expect(try Self.write(sheets, framed: true, threads: 2) == framedBytes)
            #expect(try Self.entries(Self.write(sheets, framed: true, threads: 2, pieceSize: 1 << 20)).map(\.1) == framed.map(\.1))
        }
    }

    /// The text between a sheet's `<v>` elements, and the numbers in them.
    static func split(_ xml: [UInt8]) -> (other: [String], numbers: [String]) {
        let parts = String(decoding: xml, as: UTF8.self).components(separatedBy: "<v>")
        var other = [parts[0]], numbers: [String] = []
        for p in parts.dropFirst() {
            let end = p.range(of: "</v>")!
            numbers.append(String(p[..<end.lowerBound]))
            other.append(String(p[end.upperBound...]))
        }
        return (other, numbers)
    }

    /// A bad number is refused as the plain path refuses it, wherever the row is (the last row
    /// is written at the close), and a sheet beyond Excel's rows is refused before anything is written.
    @Test func badSheetsAreRefusedAsThePlainPathRefusesThem() throws {
        for position in ["first", "last"] {
            var sheets = Self.sheets(seed: 7, rows: 30)
            var rows = try sheets[0].rows
            rows[position == "first" ? 0 : rows.count - 2] = [.number("12"), .number("twelve")]
            sheets[0] = WorkbookSheet(name: sheets[0].name, header: sheets[0].header, rows: rows)
            var messages: [String] = []
            for framed in [false, true] {
                do {
                    _ = try Self.write(sheets, framed: framed)
                    Issue.record("\(position) row: a bad number was written")
                } catch { messages.append("\(error)") }
            }
            #expect(messages.count == 2 && messages[0] == messages[1] && messages[0].contains("'twelve' is not a number"), "\(messages)")
        }
        let huge = WorkbookSheet(name: "Huge", header: ["a"], count: WorkbookWriter.maxRows) { _ in Issue.record("rows were made") }
        #expect(throws: WFRiskError.self) {
            try WorkbookWriter.write([huge], properties: Self.properties, to: Fixtures.temporaryDirectory() + "/h.xlsx")
        }
    }

    /// Pieces deflated each on its own and joined are one deflate stream of the pieces joined, and
    /// the CRC-32s combine into the whole's.
    @Test func deflatePiecesJoinIntoOneStream() throws {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<40 {
            let pieces: [[UInt8]] = (0..<Int(1 + rng.next() % 6)).map { _ in
                let n = [0, 1, 100, 5_000, 70_000][Int(rng.next() % 5)]
                let alphabet = Int(1 + rng.next() % 255)
                return (0..<n).map { _ in UInt8(rng.next() % UInt64(alphabet)) }
            }
            var joined: [UInt8] = [], crc = Zlib.crc32(UnsafeRawBufferPointer(start: nil, count: 0))
            for (i, p) in pieces.enumerated() {
                joined += try p.withUnsafeBytes { try Zlib.deflate($0, level: WorkbookFrame.level, last: i == pieces.count - 1) }
                crc = Zlib.crc32(combining: crc, p.withUnsafeBytes { Zlib.crc32($0) }, secondLength: p.count)
            }
            let whole = pieces.flatMap { $0 }
            #expect(try joined.withUnsafeBytes { try Zlib.inflate($0, size: whole.count) } == whole)
            #expect(crc == whole.withUnsafeBytes { Zlib.crc32($0) })
            #expect(throws: WFRiskError.self) { try joined.withUnsafeBytes { try Zlib.inflate($0, size: whole.count + 1) } }
        }
    }

    @Test func cellReferencesReadBackAsWritten() {
        #expect(WorkbookFrame.columnName(0) == "A" && WorkbookFrame.columnName(25) == "Z" && WorkbookFrame.columnName(26) == "AA"
                && WorkbookFrame.columnName(16_383) == "XFD")
        var rng = SeededRandom(seed: 5)
        for _ in 0..<500 {
            let a = (row: Int(rng.next() % 1_048_576), column: Int(rng.next() % 16_384))
            let b = rng.next() % 3 == 0 ? a : (row: Int(rng.next() % 1_048_576), column: Int(rng.next() % 16_384))
            let text = WorkbookFrame.cellRange((a, b))
            let back = WorkbookFrame.cellRange(ArraySlice(text.utf8))
            #expect(back.map { [$0.first.row, $0.first.column, $0.last.row, $0.last.column] } == [a.row, a.column, b.row, b.column], "\(text)")
        }
        #expect(WorkbookFrame.cellRange(ArraySlice("A0".utf8)) == nil && WorkbookFrame.cellRange(ArraySlice("1A".utf8)) == nil)
    }
}
