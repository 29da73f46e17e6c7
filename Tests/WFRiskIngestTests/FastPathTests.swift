import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

/// The ingest's shortcuts taken for speed (CSV split reads, `FastPaths/`, the year window) and
/// Core's byte-level writers (docs/performance.md) must give exactly what the plain paths give.
@Suite struct FastPathTests {
    /// Random CSV text with quoted commas, quotes and line breaks (LF and CRLF); in about half
    /// the files the last record has no line break (the parser delivers it only at the end).
    func randomCSV(_ rng: inout SeededRandom, rows: Int) -> String {
        let pieces = ["a", "Zz", ",", "\"\"", "\n", "\r\n", " ", "é", "1.5", "x"]
        var text = "h1,h2,h3\n"
        for row in 0..<rows {
            let fields = (0..<3).map { _ -> String in
                let body = (0..<Int(rng.next() % 5)).map { _ in rng.pick(pieces) }.joined()
                return body.contains(where: { ",\"\n\r".contains($0) }) ? "\"\(body)\"" : body
            }
            let unterminated = row == rows - 1 && rng.next() % 2 == 0
            text += fields.joined(separator: ",") + (unterminated ? "" : rng.next() % 3 == 0 ? "\r\n" : "\n")
        }
        return text
    }

    /// Collects every record's line and fields (a split read gives each part a copy).
    struct Collect: CSVSink, Sendable {
        var mask: [Bool]?
        var header: [String] = []
        var rows: [(Int, [String])] = []
        init(mask: [Bool]?) { self.mask = mask }
        mutating func header(_ record: CSVRecord) throws -> [Bool]? { header = record.strings; return mask }
        mutating func record(_ record: CSVRecord) throws { rows.append((record.line, record.strings)) }
    }

    @Test func parallelChunksReadExactlyWhatOneParserReads() throws {
        var rng = SeededRandom(seed: 11)
        for trial in 0..<20 {
            let path = Fixtures.temporaryDirectory() + "/p\(trial).csv"
            try randomCSV(&rng, rows: 50 + Int(rng.next() % 200)).write(toFile: path, atomically: true, encoding: .utf8)
            var sequential: [(Int, [String])] = []
            try CSVReader.read(path: path) { sequential.append(($0.line, $0.strings)) }
            #expect(sequential.count > 40)
            for parts in 1...5 {
                // All columns, then only the middle one: skipped fields arrive empty and their
                // line breaks still count. Parts read by fewer workers than parts too.
                for mask in [nil, [false, true, false]] as [[Bool]?] {
                    let (sinks, _) = try CSVSplitReader.read(path: path, parts: parts, threads: 1 + parts % 3, sink: Collect(mask: mask))
                    let header = sinks[0].header
                    let collected = sinks.map(\.rows)
                    let parallel = [(1, header)] + collected.flatMap { $0 }
                    let expected = sequential.enumerated().map { i, row in
                        i == 0 || mask == nil ? row.1 : row.1.enumerated().map { c, f in mask![c] ? f : "" }
                    }
                    #expect(parallel.map(\.0) == sequential.map(\.0), "line numbers, trial \(trial), \(parts) parts, mask \(String(describing: mask))")
                    #expect(parallel.map(\.1) == expected, "fields, trial \(trial), \(parts) parts, mask \(String(describing: mask))")
                    // The streamed reader skips the same columns.
                    var streamed = Collect(mask: mask)
                    try CSVReader.read(path: path, into: &streamed)
                    #expect([(1, streamed.header)].map(\.1) + streamed.rows.map(\.1) == expected, "streamed, trial \(trial), mask \(String(describing: mask))")
                    #expect([1] + streamed.rows.map(\.0) == sequential.map(\.0), "streamed lines, trial \(trial)")
                }
            }
        }
    }

    /// A record over `fields`, as a reader would pass it.
    func withRecord<T>(_ fields: [String], _ body: (CSVRecord) -> T) -> T {
        var bytes: [UInt8] = [0]
        var ends: [Int] = []
        for f in fields {
            bytes += Array(f.utf8)
            ends.append(bytes.count)
        }
        return bytes.withUnsafeBufferPointer { b in
            ends.withUnsafeBufferPointer { e in body(CSVRecord(line: 1, bytes: b.baseAddress!, start: 1, ends: e)) }
        }
    }

    /// The open-addressing geography table answers as a dictionary of key bytes does, through
    /// growth, by-year entries and keys that differ only in where one field ends.
    @Test func streamHashIsTheSameHoweverTheBytesArriveAndSeesAChange() {
        var rng = SeededRandom(seed: 31)
        for trial in 0..<300 {
            let bytes = (0..<Int(rng.next() % 100)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var streamed = StreamHash()
            var at = 0
            while at < bytes.count {
                let piece = min(bytes.count - at, Int(rng.next() % 12))
                bytes.withUnsafeBufferPointer { streamed.update(UnsafeBufferPointer(rebasing: $0[at..<(at + piece)])) }
                at += piece
            }
            #expect(streamed.finalize() == StreamHash.plain(bytes), "trial \(trial): \(bytes.count) bytes")
            guard !bytes.isEmpty else { continue }
            var changed = bytes
            changed[Int(rng.next() % UInt64(bytes.count))] ^= 1 << UInt8(rng.next() % 8)
            #expect(StreamHash.plain(changed) != StreamHash.plain(bytes), "trial \(trial): a flipped bit")
            #expect(StreamHash.plain(bytes + [0]) != StreamHash.plain(bytes), "trial \(trial): a byte appended")
        }
    }

    @Test func csvWriterWritesWhatThePlainRowWrites() {
        var rng = SeededRandom(seed: 32)
        let pieces = ["a", "=1+1", "+", "-3", "@x", "\t", "\r\n", "\r", " ", ",", "\"", "\n", "é", "1.50", "'", "日本", "x y"]
        for trial in 0..<500 {
            let cells: [CSVCell] = (0..<Int(rng.next() % 6)).map { _ in
                let text = (0..<Int(rng.next() % 4)).map { _ in rng.pick(pieces) }.joined()
                switch rng.next() % 3 {
                case 0: return .text(text)
                case 1: return .number(text)
                default: return .empty
                }
            }
            var writer = CSVWriter()
            writer.writeRow(cells)
            #expect(writer.bytes == CSVWriter.plainRow(cells), "trial \(trial): \(cells)")
        }
    }

    /// Rows written field by field (`CSVRowSink`: numbers straight into the bytes) against the
    /// same rows as cells (`CSVCellRows`, numbers through `Decimals.format`) and the plain row:
    /// texts, numbers, whole numbers and nothing, several rows running on in one writer.
    @Test func fieldByFieldRowsAreWhatTheirCellsWrite() {
        var rng = SeededRandom(seed: 33)
        let pieces = ["a", "=1+1", "+", "-3", "@x", "\t", "\r\n", " ", ",", "\"", "\n", "é", "1.50", "'", "x y"]
        for trial in 0..<300 {
            var writer = CSVWriter(byteOrderMark: rng.chance(0.5))
            var cells = CSVCellRows()
            var plain = writer.bytes
            for _ in 0..<Int(rng.next() % 4) {
                for _ in 0..<Int(rng.next() % 7) {
                    let text = (0..<Int(rng.next() % 4)).map { _ in rng.pick(pieces) }.joined()
                    let value = (rng.unit() - 0.5) * pow(10, Double(rng.next() % 9))
                    let decimals = Int(rng.next() % 5)
                    switch rng.next() % 6 {
                    case 0: writer.text(text); cells.text(text)
                    case 1:
                        let maybe: String? = rng.chance(0.5) ? text : nil
                        writer.text(maybe); cells.text(maybe)
                    case 2: writer.number(value, decimals); cells.number(value, decimals)
                    case 3: writer.number(nil, decimals); cells.number(nil, decimals)
                    case 4: writer.int(Int(value)); cells.int(Int(value))
                    default: writer.empty(); cells.empty()
                    }
                }
                writer.endRow()
                cells.endRow()
            }
            for row in cells.take() { plain += CSVWriter.plainRow(row) }
            #expect(writer.bytes == plain, "trial \(trial)")
        }
    }

    @Test func geographyTableFindsWhatADictionaryFinds() {
        var rng = SeededRandom(seed: 37)
        var fast = GeographyTable(), plain = PlainGeographyTable()
        let pieces = ["", "E06000001", "805", "Hartlepool", "Local authority", "North East", "8", "05", "314 / 318", "Café"]
        let columns = [0, 1, -1, 2]
        var hits = 0
        for step in 0..<20_000 {
            let fields = (0..<3).map { _ in rng.pick(pieces) + (rng.next() % 3 == 0 ? String(rng.next() % 1500) : "") }
            let year = 2015 + Int(rng.next() % 4)
            withRecord(fields) { record in
                fast.setKey(record, columns: columns)
                plain.setKey(record, columns: columns)
                let found = fast.find(year: year)
                #expect(found == plain.find(year: year), "step \(step): \(fields) in \(year)")
                if found == nil {
                    let g = Geography(level: .regional, levelText: "\(step)", unit: nil, regionCode: fields[0], regionName: "",
                                      old: fields[1], new: "", name: fields[2])
                    let only = rng.next() % 2 == 0 ? year : nil
                    #expect(fast.insert(g, year: only) == plain.insert(g, year: only))
                } else {
                    hits += 1
                }
            }
        }
        #expect(fast.entries == plain.entries)
        #expect(fast.entries.count > 2000 && hits > 2000, "\(fast.entries.count) entries, \(hits) hits")
    }

    /// Packed suppression-symbol keys give what decoding the cell and asking the markers gives.
    @Test func symbolCodesGiveWhatThePlainLookupGives() throws {
        let markers = try SuppressionMarkers.bundled(extra: ["n/a", "LONGSYMBOL"])
        var rng = SeededRandom(seed: 41)
        var fast = SymbolCodes()
        let pieces = ["x", "X", "c", "z", "u", ":", "..", "low", "LOW", "", " ", "\t", "12", "n/a", "N/A", "é", "longsymbol", "abcdefgh", "-"]
        for _ in 0..<5000 {
            let cell = (0..<Int(rng.next() % 3)).map { _ in rng.pick(pieces) }.joined()
            var bytes = Array(cell.utf8) + [0]
            let (a, b) = bytes.withUnsafeMutableBufferPointer { p -> (UInt8?, UInt8?) in
                let c = UnsafeBufferPointer(rebasing: p[0..<(p.count - 1)])
                return (fast.code(c, markers: markers), SymbolCodes.plainCode(c, markers: markers))
            }
            #expect(a == b, "'\(cell)'")
        }
    }

    @Test func decimalsWritesWhatStringArithmeticWrites() {
        // The plain formatting the byte-level one replaced.
        func plain(_ value: Double, _ decimals: Int) -> String {
            var scale = 1.0
            for _ in 0..<decimals { scale *= 10 }
            var scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
            if scaled == 0 { scaled = 0 }
            let digits = String(Int64(abs(scaled)))
            let sign = scaled < 0 ? "-" : ""
            guard decimals > 0 else { return sign + digits }
            let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
            return sign + padded.dropLast(decimals) + "." + padded.suffix(decimals)
        }
        var rng = SeededRandom(seed: 17)
        for trial in 0..<5000 {
            let magnitude = [0.001, 1, 100, 1e6, 1e9][trial % 5]
            let v = (rng.unit() - 0.5) * 2 * magnitude
            for d in 0...6 {
                #expect(Decimals.format(v, d) == plain(v, d), "\(v) with \(d) decimals")
                var appended: [UInt8] = [0x41]
                Decimals.append(v, d, to: &appended)
                #expect(appended == [0x41] + Array(plain(v, d).utf8), "appended: \(v) with \(d) decimals")
                // Trimmed (the report's coordinates): the plain text without an all-zero fraction,
                // for the value and for it made whole (so the fraction is zero half the time).
                for w in [v, v.rounded()] {
                    let p = plain(w, d), zeros = "." + String(repeating: "0", count: d)
                    let expected = d > 0 && p.hasSuffix(zeros) ? String(p.dropLast(d + 1)) : p
                    #expect(Decimals.compact(w, d) == expected, "trimmed: \(w) with \(d) decimals")
                }
            }
        }
        for v in [0.0, -0.0, 0.5, -0.5, 0.004999, 9.995, -9.995, 123456789.125, 1e300, -3e19] {
            for d in 0...4 {
                if abs(v) < 1e15 { #expect(Decimals.format(v, d) == plain(v, d), "\(v) with \(d) decimals") }
                var appended: [UInt8] = []
                Decimals.append(v, d, to: &appended)
                #expect(appended == Array(Decimals.format(v, d).utf8), "appended: \(v) with \(d) decimals")
                let whole = Decimals.format(v, d), zeros = "." + String(repeating: "0", count: d)
                #expect(Decimals.compact(v, d) == (d > 0 && whole.hasSuffix(zeros) ? String(whole.dropLast(d + 1)) : whole),
                        "trimmed: \(v) with \(d) decimals")
            }
        }
    }

    @Test func asciiNameNormalisationMatchesTheCharacterPath() {
        var rng = SeededRandom(seed: 23)
        let pieces = ["North", "east", " ", "  ", "&", "-", ",", "/", "St.", "Helens", "'", "\t", "City of", "7", "(", ")", "x&y", "Kingston upon Hull"]
        for _ in 0..<3000 {
            let name = (0..<Int(1 + rng.next() % 6)).map { _ in rng.pick(pieces) }.joined()
            #expect(AuthorityRegistry.normalizedASCIIName(name) == AuthorityRegistry.normalizedNameByCharacter(name), "'\(name)'")
        }
    }

    /// The year window the plain way: read everything, then keep the rows whose year is in it
    /// (for `.latest`, relative to the latest local-authority year, or any year without one).
    static func plainWindow(_ window: YearWindow, _ records: [TidyRecord]) -> [TidyRecord] {
        let la = records.filter { $0.level == .localAuthority }.map(\.year).max()
        let latest = la ?? records.map(\.year).max() ?? 0
        return records.filter { r in
            switch window {
            case .all: return true
            case .latest(let n): return r.year > latest - n
            case .range(let range): return range.contains(r.year)
            }
        }
    }

    /// Reading the latest years of a file split in parts or streamed, skipping rows by year (with or without a last
    /// record that leads the guess astray), keeps exactly what reading everything then pruning keeps.
    @Test func yearWindowReadsKeepWhatAFullReadKeeps() throws {
        var rng = SeededRandom(seed: 29)
        var full = try Fixtures.reader()
        full.splitFileBytes = Int.max
        var mapped = full
        mapped.splitFileBytes = 0
        for trial in 0..<15 {
            let rows = SyntheticData.rows(seed: UInt64(trial), years: 2010...2023)
            var lines = Fixtures.workforceCSV(rows).split(separator: "\n").map(String.init)
            let header = lines.removeFirst()
            switch trial % 5 {
            case 0: break // oldest first, national rows last
            case 1: lines.reverse() // newest first
            case 2: // any order
                for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            case 3: // a national row for a year no authority has yet, last: the guess is wrong
                lines.append("2031" + lines.last!.dropFirst(4))
            default: // newest first, with such a row first: the guess from the first record is wrong
                lines.reverse()
                lines.insert("2031" + lines.first!.dropFirst(4), at: 0)
            }
            let path = Fixtures.temporaryDirectory() + "/w\(trial).csv"
            try Fixtures.write(([header] + lines).joined(separator: "\n") + "\n", to: path)
            for window in [YearWindow.latest(3), .latest(1), .range(2015...2017)] {
                let expected = FastPathTests.plainWindow(window, try full.read(path: path, wanted: Measure.workforce, kind: "workforce").records)
                for threads in [1, 2, 3] {
                    let got = try mapped.read(path: path, wanted: Measure.workforce, kind: "workforce", years: window, threads: threads)
                    #expect(got.records.sorted { $0.key < $1.key } == expected.sorted { $0.key < $1.key }, "trial \(trial), \(window), \(threads) threads")
                    #expect(got.rowCount == lines.count, "trial \(trial)")
                    #expect(!got.records.isEmpty)
                }
            }
        }
    }

    /// The first data record, the hint's other end: after a BOM and the header, quoted line breaks
    /// and commas kept; nil when the head holds no whole data record.
    @Test func firstRecordIsTheFirstDataRecord() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.write("\u{FEFF}time_period,la_name,x\n2023,\"Bath, and\nNorth\",1\n2022,B,2\n", to: dir + "/a.csv")
        #expect(CSVSplitReader.firstRecord(path: dir + "/a.csv") == ["2023", "Bath, and\nNorth", "1"])
        try Fixtures.write("time_period,la_name,x\n", to: dir + "/b.csv")
        #expect(CSVSplitReader.firstRecord(path: dir + "/b.csv") == nil)
        try Fixtures.write("time_period,la_name,x\n2023,\"cut off", to: dir + "/c.csv")
        #expect(CSVSplitReader.firstRecord(path: dir + "/c.csv") == nil)
        #expect(CSVSplitReader.firstRecord(path: dir + "/missing.csv") == nil)
    }

    /// A workforce file given through a symbolic link is measured as the file it names, so it is
    /// read in parts as that file is (measured as the link, a few bytes, the 100x file was read on
    /// one thread: 2.4 s instead of 1.4 s), and gives the same records.
    @Test func aFileGivenThroughALinkIsMeasuredAndReadAsTheFileItNames() throws {
        let dir = Fixtures.temporaryDirectory()
        let target = dir + "/csww.csv", link = dir + "/current.csv"
        try Fixtures.write(Fixtures.workforceCSV(SyntheticData.rows(seed: 44)), to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let size = TidyFileReader.fileSize(target)
        #expect(size > 1_000)
        #expect(TidyFileReader.fileSize(link) == size, "a link is measured as its file")
        #expect(TidyFileReader.fileSize(dir + "/missing.csv") == 0)
        var reader = try Fixtures.reader()
        reader.splitFileBytes = size / 2
        #expect(TidyFileReader.readsInParts(size: TidyFileReader.fileSize(link), threads: 2, limit: reader.splitFileBytes))
        let direct = try reader.read(path: target, wanted: Measure.workforce, kind: "workforce", threads: 2)
        let linked = try reader.read(path: link, wanted: Measure.workforce, kind: "workforce", threads: 2)
        #expect(linked.records.map(\.values) == direct.records.map(\.values) && linked.records.count == direct.records.count)
    }

    /// A split read makes its parts' records at once, each straight into its place in one array
    /// (`TidySink.finish`, `Parallel.pieces`), and checks them in chunks at once: the same
    /// records in the same file order, with the same notes, counts-scored figures and warnings,
    /// as the streamed read on one thread. Some rows' published turnover disagrees with their
    /// counts (scored from the counts, noted) or passes 100 (a warning).
    @Test func splitReadsMakeAndCheckRecordsAsTheStreamedReadDoes() throws {
        func unlocated(_ warning: String) -> Substring { warning.drop { $0 != ":" }.dropFirst().drop { $0 != ":" } }
        var streamed = try Fixtures.reader()
        streamed.splitFileBytes = Int.max
        var split = streamed
        split.splitFileBytes = 0
        var rng = SeededRandom(seed: 41)
        for trial in 0..<4 {
            var rows = SyntheticData.rows(seed: UInt64(100 + trial), years: 1990...2023)
            // One authority under an ONS code the registry does not know (its old code and name
            // agree): warned once, at its first row, whichever parts it is in.
            for i in rows.indices where rows[i].code == "841" { rows[i].newCode = "E06999999" }
            for i in rows.indices where rng.next() % 5 == 0 {
                rows[i].turnoverOverride = rng.next() % 2 == 0 ? "140.0" : Decimals.format(100 * rows[i].leavers / rows[i].inpost + 3, 1)
            }
            if trial % 2 == 1 { rows.shuffle(using: &rng) }
            let path = Fixtures.temporaryDirectory() + "/s\(trial).csv"
            try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
            for window in [YearWindow.all, .latest(4)] {
                let plain = try streamed.read(path: path, wanted: Measure.workforce, kind: "workforce", years: window)
                #expect(plain.records.contains { !$0.notes.isEmpty }, "the trial must exercise the checks")
                #expect(plain.warnings.filter { $0.contains("E06999999") }.count == 1, "the unknown code is warned once")
                for threads in [2, 3, 5] {
                    let got = try split.read(path: path, wanted: Measure.workforce, kind: "workforce", years: window, threads: threads)
                    #expect(got.records == plain.records, "trial \(trial), \(window), \(threads) threads")
                    if case .all = window {
                        #expect(got.warnings == plain.warnings, "trial \(trial), \(window), \(threads) threads")
                    } else {
                        // A streamed read decodes rows before the window until it knows the latest
                        // year, so it may warn of a code at an earlier line than a split read.
                        #expect(got.warnings.map(unlocated) == plain.warnings.map(unlocated), "trial \(trial), \(window), \(threads) threads")
                    }
                }
            }
        }
    }

    /// A split read's first pass done ahead (`PreparedSplit`, while the run fingerprints its
    /// inputs) reads the same records as a split read that scans the file itself, and its
    /// SHA-256 is the file's; so does one prepared for another number of threads (not used). A
    /// file changed after its pass (a byte rewritten in place, or cut short) is an error, never
    /// the new bytes read against the old split points.
    @Test func aPreparedSplitReadsWhatAFreshOneReadsAndSeesAChange() throws {
        var reader = try Fixtures.reader()
        reader.splitFileBytes = 0
        let rows = SyntheticData.rows(seed: 53, years: 1995...2023)
        let text = Fixtures.workforceCSV(rows)
        let path = Fixtures.temporaryDirectory() + "/prepared.csv"
        try Fixtures.write(text, to: path)
        let fresh = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3)
        for threads in [3, 2] {
            let prepared = try PreparedSplit(path: path, threads: threads)
            #expect(prepared.sha256 == (try SHA256Digest.hex(ofFile: path)))
            let got = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared)
            #expect(got.records == fresh.records, "prepared for \(threads) threads")
            #expect(got.sha256 == prepared.sha256)
        }
        let prepared = try PreparedSplit(path: path, threads: 3)
        // One digit in the middle of the file changed, the size kept.
        var bytes = Array(text.utf8)
        let middle = bytes.indices.dropFirst(bytes.count / 2).first { bytes[$0] >= 0x31 && bytes[$0] <= 0x38 }!
        bytes[middle] += 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared) }
            throws: { "\($0)".contains("input changed while it was being read") }
        // Cut short.
        try Data(bytes.prefix(bytes.count * 2 / 3)).write(to: URL(fileURLWithPath: path))
        #expect { try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared) }
            throws: { "\($0)".contains("input changed while it was being read") }
        // Rows appended (a copy still arriving when the run fingerprinted it).
        try Fixtures.write(text + text.split(separator: "\n").suffix(3).joined(separator: "\n") + "\n", to: path)
        #expect { try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared) }
            throws: { "\($0)".contains("input changed while it was being read") }
        // The header changed in place, the size kept (the parts do not read it).
        var header = Array(text.utf8)
        header[header.firstIndex(of: 0x5F)!] = 0x2D  // the first "_" of a column name
        try Data(header).write(to: URL(fileURLWithPath: path))
        #expect { try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared) }
            throws: { "\($0)".contains("input changed while it was being read") }
        // As scanned again: read.
        try Fixtures.write(text, to: path)
        #expect(try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3, prepared: prepared).records == fresh.records)
    }

    /// The merged dataset's per-year indexes made on several threads (`TidyDataset.buildIndexes`)
    /// are those made on one: every year's local authorities, England's rows and the years.
    @Test func yearIndexesMadeAtOnceAreThoseMadeInTurn() throws {
        let reader = try Fixtures.reader()
        for seed in [UInt64(3), 5] {
            let rows = SyntheticData.rows(seed: seed, years: 2005...2023)
            let path = Fixtures.temporaryDirectory() + "/y\(seed).csv"
            try Fixtures.write(Fixtures.workforceCSV(rows, national: seed == 3), to: path)
            let file = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce")
            let plain = try TidyDataset.merge([file])
            #expect(plain.years.count == 19)
            for threads in [2, 3, 8] {
                let got = try TidyDataset.merge([file], threads: threads)
                #expect(got.years == plain.years)
                for year in plain.years {
                    #expect(got.localAuthorities(in: year) == plain.localAuthorities(in: year), "\(year), \(threads) threads")
                    #expect(got.national(year: year) == plain.national(year: year), "\(year), \(threads) threads")
                    #expect(!plain.localAuthorities(in: year).isEmpty)
                }
                #expect(got.latestYear == plain.latestYear)
            }
        }
    }

    /// A split scan hashes its slices on a queue of its own while it reads the next
    /// (`BackgroundDigest`): its SHA-256 is the file's whatever the file's size against the
    /// slice (none, part of one, exactly one, one and a byte, several).
    @Test func aSplitScansHashIsTheFilesWhateverItsSlices() throws {
        let slice = SplitScan.slice
        let line = Array("2023,Reporting year,Local authority,E92000001,England,E12000001,North East,841,E06000005,Darlington,1.0\n".utf8)
        for size in [0, 1000, slice - 1, slice, slice + 1, 2 * slice + 12_345] {
            var bytes = Array("time_period,a\n".utf8)
            bytes.reserveCapacity(size)
            while bytes.count < size { bytes += line }
            bytes.removeLast(max(0, bytes.count - size))
            let path = Fixtures.temporaryDirectory() + "/h\(size).csv"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let prepared = try PreparedSplit(path: path, threads: 2)
            #expect(prepared.sha256 == SHA256Digest.hex(of: bytes), "\(size) bytes")
            #expect(prepared.sha256 == (try SHA256Digest.hex(ofFile: path)), "\(size) bytes")
        }
    }

    /// The checks of records in chunks at once (`ValidityRules.findings`) find, for each record
    /// and in record order, what checking them one after another finds.
    @Test func recordChecksInChunksFindWhatOneByOneFinds() throws {
        // Read without rules, so the records keep the figures the checks would replace.
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(),
                                    registry: try Fixtures.registry(), rules: ValidityRules(rules: []))
        let rules = try ValidityRules.bundled.get()
        var rng = SeededRandom(seed: 43)
        var rows = SyntheticData.rows(seed: 7, years: 2000...2023)
        for i in rows.indices where rng.next() % 4 == 0 {
            rows[i].turnoverOverride = rng.next() % 2 == 0 ? "150.0" : "1.0"
        }
        let path = Fixtures.temporaryDirectory() + "/checks.csv"
        try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
        let records = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce").records
        let steps = TidyFileReader.PublicationSteps(records, measures: rules.ratioMeasures)
        let plain = records.indices.compactMap { i -> (Int, [String])? in
            let level = records[i].level
            let found = rules.check(records[i].values, step: { steps.step(level, $0) }).map { "\($0.measure) \($0.message) \($0.fromCounts ?? -1)" }
            return found.isEmpty ? nil : (i, found)
        }
        #expect(plain.count > 20, "the rows must break rules")
        for threads in [1, 2, 3, 7] {
            for chunk in [1, 5, 4096] {
                let got = ValidityRules.findings(records, rules: rules, steps: steps, threads: threads, minimumChunk: chunk)
                    .map { ($0.index, $0.findings.map { "\($0.measure) \($0.message) \($0.fromCounts ?? -1)" }) }
                #expect(got.map(\.0) == plain.map(\.0), "\(threads) threads, chunks of \(chunk)")
                #expect(got.map(\.1) == plain.map(\.1), "\(threads) threads, chunks of \(chunk)")
            }
        }
    }

    /// `Parallel.chunks` cuts `0..<count` into consecutive ranges that cover it in order: at most
    /// `threads` of them, each at least `minimum` long when there are two or more.
    @Test func chunksCoverTheRangeInOrder() {
        for count in [0, 1, 5, 17, 4096, 10_000] {
            for threads in [1, 2, 3, 8] {
                for minimum in [1, 5, 4096] {
                    let chunks = Parallel.chunks(count, threads: threads, minimum: minimum)
                    #expect(chunks.flatMap { Array($0) } == Array(0..<count), "\(count), \(threads), \(minimum)")
                    #expect(chunks.count >= 1 && chunks.count <= threads)
                    if chunks.count > 1 { #expect(chunks.allSatisfy { $0.count >= minimum }, "\(count), \(threads), \(minimum)") }
                    #expect(chunks.count == max(1, min(threads, count / minimum)))
                }
            }
        }
    }

    /// `Parallel.pieces` gives what making each piece and joining them in order gives, whatever
    /// the pieces' sizes (empty ones too) and the number of workers.
    @Test func piecesFilledAtOnceAreThePiecesJoined() {
        var rng = SeededRandom(seed: 47)
        for _ in 0..<50 {
            let counts = (0..<Int(rng.next() % 9)).map { _ in rng.next() % 3 == 0 ? 0 : Int(rng.next() % 300) }
            let make: @Sendable (Int, Int) -> String = { k, j in "piece \(k) item \(j)" }
            let plain = counts.enumerated().flatMap { k, n in (0..<n).map { make(k, $0) } }
            for threads in [1, 2, 4] {
                let got: [String] = Parallel.pieces(counts, threads: threads) { k, piece in
                    for j in 0..<piece.count { (piece.baseAddress! + j).initialize(to: make(k, j)) }
                }
                #expect(got == plain, "\(counts), \(threads) threads")
            }
        }
    }

    /// A parallel step inside another keeps its workers: each inner call's two workers must be
    /// at work at the same moment to meet. With `concurrentPerform`, which the inner call gets
    /// one thread of, they ran one after the other and never met.
    @Test func workersInsideWorkersRunAtOnce() {
        final class Meeting: @unchecked Sendable {
            let condition = NSCondition()
            var arrived = 0
            /// Whether `expected` workers were here at once within the wait.
            func meet(_ expected: Int) -> Bool {
                condition.lock()
                defer { condition.unlock() }
                arrived += 1
                condition.broadcast()
                let deadline = Date().addingTimeInterval(3)
                while arrived < expected { if !condition.wait(until: deadline) { return false } }
                return true
            }
        }
        let outer = Parallel.map([0, 1], threads: 2) { _ -> [Bool] in
            let meeting = Meeting()
            return Parallel.map([0, 1], threads: 2) { _ in meeting.meet(2) }
        }
        #expect(outer == [[true, true], [true, true]])
        // Every worker's share is done, each once, at any count.
        for count in [0, 1, 2, 5] {
            let seen = ConcurrentResults<Int>(count: count)
            Parallel.workers(count) { w in seen[w] = w }
            #expect(seen.values == Array(0..<count).map { Optional($0) }, "\(count) workers")
        }
    }

    /// Rows outside the window are not decoded, so a bad cell there does not stop a run;
    /// reading every year (as `wfrisk validate` does) still reports it with file, line and field.
    @Test func badCellsOutsideTheWindowAreLeftToValidate() throws {
        var reader = try Fixtures.reader()
        reader.splitFileBytes = 0
        var rows = SyntheticData.rows(seed: 3, years: 2015...2023)
        rows[0].absence = "n/a" // 2015
        let path = Fixtures.temporaryDirectory() + "/bad.csv"
        try Fixtures.write(Fixtures.workforceCSV(rows), to: path)
        let latest = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", years: .latest(3))
        #expect(Set(latest.records.map(\.year)) == [2021, 2022, 2023])
        #expect {
            try reader.read(path: path, wanted: Measure.workforce, kind: "workforce")
        } throws: { error in
            "\(error)".contains("bad.csv:2") && "\(error)".contains("absence_rate_fte")
        }
    }

    @Test func measureOrdinalIsItsPlaceInAllCases() {
        for (i, m) in Measure.allCases.enumerated() { #expect(m.ordinal == i, "\(m)") }
        // Equality and hashing by case agree with the raw values'.
        for a in Measure.allCases { for b in Measure.allCases { #expect((a == b) == (a.rawValue == b.rawValue)) } }
        #expect(Set(Measure.allCases).count == Measure.allCases.count)
    }

    @Test func streamedJSONIsTheWholeDocumentInPieces() throws {
        var rng = SeededRandom(seed: 5)
        func value(_ depth: Int) -> JSONValue {
            switch rng.next() % (depth > 3 ? 3 : 6) {
            case 0: return .string(["a\"b", "tab\there", "é\n", "plain"][Int(rng.next() % 4)])
            case 1: return .number(String(rng.next() % 1000))
            case 2: return .null
            case 3: return .array((0..<Int(rng.next() % 4)).map { _ in value(depth + 1) })
            case 4:
                let items = (0..<Int(rng.next() % 5)).map { _ in value(depth + 1) }
                return .generated(items.count) { items[$0] }
            default: return .object((0..<Int(rng.next() % 4)).map { i in ("k\(i)", value(depth + 1)) })
            }
        }
        for _ in 0..<50 {
            let doc = JSONValue.object([("units", value(0)), ("more", value(0))])
            for chunk in [1, 7, 64, 1 << 20] {
                var pieces: [UInt8] = []
                try doc.render(chunk: chunk) { pieces += $0 }
                #expect(pieces == doc.renderedBytes())
            }
        }
        // A long generated array, flushed in pieces along the way: the same bytes.
        let rows = (0..<700).map { _ in value(1) }
        let long = JSONValue.object([("units", .generated(rows.count) { rows[$0] }), ("n", .int(rows.count))])
        for chunk in [64, 1 << 20] {
            var pieces: [UInt8] = []
            try long.render(chunk: chunk) { pieces += $0 }
            #expect(pieces == long.renderedBytes(), "chunk \(chunk)")
        }
    }

    /// `ChunkWriter` hashes and writes pieces on a queue of its own: the file must hold the
    /// pieces in the order given, and the hash and size it reports must be the finished file's
    /// (the plain path: the file read back, `SHA256Digest.hex(ofFile:)`), whatever the pieces'
    /// sizes (empty ones among them) and however far ahead the caller may run.
    @Test func piecesWrittenInTheBackgroundAreTheFileInOrder() throws {
        let dir = Fixtures.temporaryDirectory()
        var rng = SeededRandom(seed: 27)
        // Pieces are random slices of random bytes (made once: debug builds are slow at it).
        let pool = (0..<(2 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for round in 0..<24 {
            let sizes = (0..<Int(rng.next() % 40)).map { _ -> Int in
                switch rng.next() % 4 {
                case 0: return 0
                case 1: return 1 + Int(rng.next() % 7)
                case 2: return Int(rng.next() % 5_000)
                default: return Int(rng.next() % (1 << 20))
                }
            }
            let pieces = sizes.map { n -> [UInt8] in
                let from = Int(rng.next() % UInt64(pool.count - n + 1))
                return Array(pool[from..<(from + n)])
            }
            let whole = Array(pieces.joined())
            let path = dir + "/file-\(round)"
            let written: WrittenFile
            if round % 2 == 0 {
                written = try FileOutput.writeAtomically(to: path) { write in for p in pieces { try write(p) } }
            } else {
                // Straight through the writer, allowed 1, 2 or 3 pieces ahead.
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(fd >= 0)
                let chunks = ChunkWriter(fd: fd, path: path, ahead: 1 + round % 3)
                for p in pieces { try chunks.write(p) }
                written = try chunks.finish()
                close(fd)
            }
            let back = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // As a Bool: a failure says where the first difference is, not a megabyte of bytes.
            let same = back == whole
            #expect(same, "round \(round): \(sizes.count) pieces; \(back.count) bytes for \(whole.count), first difference at \(zip(back, whole).enumerated().first { $0.element.0 != $0.element.1 }.map { String($0.offset) } ?? "the end")")
            #expect(written == WrittenFile(sha256: try SHA256Digest.hex(ofFile: path), bytes: whole.count), "round \(round)")
        }
    }

    /// A write the system refuses (here: a file opened for reading only) is an error naming the
    /// file, from the next `write` or from `finish`; never a file said to be written.
    @Test func aRefusedBackgroundWriteIsAnErrorNamingTheFile() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/readonly.csv"
        try FileOutput.writeAtomically(Array("x\n".utf8), to: path)
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let chunks = ChunkWriter(fd: fd, path: path, ahead: 1)
        var failure: Error?
        do {
            for _ in 0..<4 { try chunks.write(Array(repeating: 0x41, count: 1000)) }
            _ = try chunks.finish()
        } catch {
            failure = error
        }
        let message = "\(failure.map { "\($0)" } ?? "no error")"
        #expect(failure != nil && message.contains(path), "\(message)")
    }

    @Test func aFailedStreamedWriteLeavesNothingBehind() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/scores.json"
        try FileOutput.writeAtomically(Array("old\n".utf8), to: path)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try FileOutput.writeAtomically(to: path) { write in
                try write(Array("half".utf8))
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["scores.json"])
    }
}
