import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

@Suite struct CSVReaderTests {
    func parse(_ bytes: [UInt8]) throws -> [(Int, [String])] {
        let path = Fixtures.temporaryDirectory() + "/t.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try CSVReader.readAll(path: path).map { ($0.line, $0.fields) }
    }

    @Test func stripsBOMAndHandlesCRLFAndQuotedCommas() throws {
        let rows = try parse(Array("\u{FEFF}a,b\r\n1,\"Kingston upon Hull, City of\"\r\n\r\n2,x\r\n".utf8))
        #expect(rows.map(\.1) == [["a", "b"], ["1", "Kingston upon Hull, City of"], ["2", "x"]])
        #expect(rows.map(\.0) == [1, 2, 4])
    }

    @Test func countsLinesThroughQuotedNewlines() throws {
        let rows = try parse(Array("h1,h2\n\"multi\nline\",1\nnext,2\n".utf8))
        #expect(rows.count == 3)
        #expect(rows[1].1[0] == "multi\nline")
        #expect(rows[2].0 == 4)
    }

    @Test func unterminatedQuoteIsAnErrorWithItsLine() throws {
        #expect {
            _ = try parse(Array("a,b\n1,2\n3,\"open\n".utf8))
        } throws: { error in
            guard let e = error as? CSVError else { return false }
            return e.line == 3 && e.message.contains("not closed")
        }
    }

    @Test func utf16IsRejectedWithAClearMessage() throws {
        #expect(throws: CSVError.self) { _ = try parse([0xFF, 0xFE, 0x61, 0x00]) }
    }

    @Test func latin1CellsDecode() throws {
        let rows = try parse([0x61, 0x0A, 0x43, 0x61, 0x66, 0xE9, 0x0A])
        #expect(rows[1].1 == ["Café"])
    }
}

@Suite struct CSVWriterTests {
    @Test func roundTripsArbitraryFieldsThroughLibcsv() throws {
        var rng = SeededRandom(seed: 7)
        let alphabet: [Character] = ["a", "Z", ",", "\"", "\n", " ", "é", "’", "1", "\r\n", "="]
        var rows: [[String]] = []
        for _ in 0..<200 {
            rows.append((0..<4).map { _ in String((0..<Int(rng.next() % 8)).map { _ in rng.pick(alphabet) }) })
        }
        var writer = CSVWriter()
        for r in rows { writer.writeRow(r.map { CSVCell.number($0) }) }
        let path = Fixtures.temporaryDirectory() + "/rt.csv"
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        // Rows that are a single empty field read back as blank lines, which the reader skips.
        let expected = rows.filter { !($0.count == 1 && $0[0].isEmpty) }
        let back = try CSVReader.readAll(path: path).map(\.fields)
        #expect(back == expected)
    }

    @Test func neutralisesFormulaLeadsInTextOnly() {
        var writer = CSVWriter()
        writer.writeRow([.text("=HYPERLINK(\"x\")"), .text("@SUM"), .number("-1.50"), .text("Hull, City of")])
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == "\"'=HYPERLINK(\"\"x\"\")\",'@SUM,-1.50,\"Hull, City of\"\n")
    }
}

@Suite struct NumberParsingTests {
    func cell(_ text: String) -> Double? { DecimalNumber.parse(text, grouping: true, percent: true) }

    @Test(arguments: [("15.9", 15.9), ("337055", 337055.0), ("-2.5", -2.5), ("1,234", 1234.0), ("12.5%", 12.5), (" 7 ", 7.0), ("3e2", 300.0),
                      ("1,234,567.25", 1234567.25), (".5", 0.5), ("1234567890123456789", 1234567890123456789.0), ("-1.5E-3", -0.0015)])
    func parsesNumbers(text: String, value: Double) {
        #expect(cell(text) == value)
    }

    @Test(arguments: ["c", "x", "z", "low", ":", "", "1,23", "12a", "nan", "inf", "-inf", "infinity", "1e999", "1e", "e5", ".", "-", "1,,234", "1,234,",
                      "1 000", "1_000", "0x10", "0X4F", "0x1.1cp5", "-0x10", "0x", "0b101", "0o17", "12.5.1", "+-1", "1e5.5"])
    func rejectsNonNumbers(text: String) {
        #expect(cell(text) == nil)
        #expect(DecimalNumber.parse(text) == nil)
    }

    /// Issue 27: hex is not a number anywhere; decimal text of any finite double is, with its exact value.
    @Test func decimalTextOfEveryDoubleAndNoHex() {
        var rng = SeededRandom(seed: 27)
        for _ in 0..<2000 {
            let v = Double(bitPattern: rng.next())
            guard v.isFinite else { continue }
            #expect(DecimalNumber.parse("\(v)") == v, "\(v)")
            #expect(DecimalNumber.parse(String(format: "%a", v)) == nil, "\(String(format: "%a", v))")
            #expect(DecimalNumber.parse(String(format: "%.17g", v)) == v)
        }
        #expect(DecimalNumber.parse("1,234") == nil, "grouping only where asked for")
        #expect(DecimalNumber.parse("12%") == nil, "percent only where asked for")
        #expect(DecimalNumber.integer("0x10") == nil && DecimalNumber.integer("1e3") == nil && DecimalNumber.integer(" 17 ") == 17)
    }

    @Test func decimalsFormatRoundTrips() {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<1000 {
            let v = (rng.unit() - 0.5) * 2000
            let s = Decimals.format(v, 2)
            #expect(abs(Double(s)! - v) <= 0.005 + 1e-9)
            #expect(cell(s) == Double(s))
        }
        #expect(Decimals.format(-0.001, 2) == "0.00")
        #expect(Decimals.format(2.675, 2) == "2.68" || Decimals.format(2.675, 2) == "2.67")
    }

    /// Issue 27: `format` stopped the process (exit 132) for magnitudes above about 9.2e16 at 2
    /// decimals; every finite double is now written, and reads back within half a unit of its last decimal.
    @Test func decimalsFormatWritesEveryFiniteDouble() {
        var rng = SeededRandom(seed: 132)
        var values: [Double] = [9.3e16, -9.3e16, 1e17, 1.7976931348623157e308, -1.7976931348623157e308, Double.leastNonzeroMagnitude, 1e-300, 9.2e18, 123456789012345.678]
        for _ in 0..<2000 {
            let v = Double(bitPattern: rng.next())
            if v.isFinite { values.append(v) }
        }
        for v in values {
            for d in [0, 1, 2, 4] {
                let s = Decimals.format(v, d)
                guard let back = DecimalNumber.parse(s) else { Issue.record("\(v) with \(d) decimals: \(s) does not read back"); continue }
                #expect(abs(back - v) <= max(0.5 * pow(10, -Double(d)), abs(v) * 1e-15), "\(v) -> \(s)")
                #expect(!s.hasPrefix("-0") || s.contains(where: { $0 >= "1" && $0 <= "9" }), "no negative zero: \(s)")
            }
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256Digest.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest.hex(of: long) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The library file a run names in its manifest is the one mapped into the process, links
    /// resolved, for each library asked in turn (the map is read once).
    @Test func loadedLibrariesAreTheMappedFiles() {
        guard FileManager.default.fileExists(atPath: "/proc/self/maps") else { print("skipped: no /proc"); return }
        _ = LibcsvParser.self // libcsv is linked into this test process
        let csv = LinkedLibrary.loadedFile(soname: "libcsv.so")
        #expect(csv.map { FileManager.default.fileExists(atPath: $0) && ($0 as NSString).lastPathComponent.hasPrefix("libcsv.so") } == true, "\(csv ?? "nil")")
        #expect(LinkedLibrary.loadedFile(soname: "libc.so") != nil)
        #expect(LinkedLibrary.loadedFile(soname: "libnot-a-library.so") == nil)
    }
}
