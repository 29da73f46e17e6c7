import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskInspections
@testable import WFRiskScoring
@testable import WFRisk

/// The shortcuts taken for speed (docs/performance.md) must give exactly what the plain paths give.
@Suite struct FastPathTests {
    /// Random CSV text with quoted commas, quotes and line breaks (LF and CRLF).
    func randomCSV(_ rng: inout SeededRandom, rows: Int) -> String {
        let pieces = ["a", "Zz", ",", "\"\"", "\n", "\r\n", " ", "é", "1.5", "x"]
        var text = "h1,h2,h3\n"
        for _ in 0..<rows {
            let fields = (0..<3).map { _ -> String in
                let body = (0..<Int(rng.next() % 5)).map { _ in rng.pick(pieces) }.joined()
                return body.contains(where: { ",\"\n\r".contains($0) }) ? "\"\(body)\"" : body
            }
            text += fields.joined(separator: ",") + (rng.next() % 3 == 0 ? "\r\n" : "\n")
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
                // line breaks still count.
                for mask in [nil, [false, true, false]] as [[Bool]?] {
                    let (sinks, _) = try CSVSplitReader.read(path: path, parts: parts, sink: Collect(mask: mask))
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
            for d in 0...6 { #expect(Decimals.format(v, d) == plain(v, d), "\(v) with \(d) decimals") }
        }
        for v in [0.0, -0.0, 0.5, -0.5, 0.004999, 9.995, -9.995, 123456789.125] {
            for d in 0...4 { #expect(Decimals.format(v, d) == plain(v, d), "\(v) with \(d) decimals") }
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
        for trial in 0..<12 {
            let rows = SyntheticData.rows(seed: UInt64(trial), years: 2010...2023)
            var lines = Fixtures.workforceCSV(rows).split(separator: "\n").map(String.init)
            let header = lines.removeFirst()
            switch trial % 4 {
            case 0: break // oldest first, national rows last
            case 1: lines.reverse() // newest first
            case 2: // any order
                for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            default: // a national row for a year no authority has yet, last: the guess is wrong
                lines.append("2031" + lines.last!.dropFirst(4))
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

    /// Random texts from the lexicon's own words (so cues match, whole and in part), their
    /// stems' endings and possessives, capitals, curly apostrophes and non-ASCII words.
    func lexiconTexts(_ rng: inout SeededRandom, count: Int) throws -> [String] {
        let yaml = try String(contentsOfFile: Fixtures.repoRoot + "/Sources/WFRiskInspections/Resources/inspection_lexicon.yml", encoding: .utf8)
        let scalars = Array(yaml.unicodeScalars)
        var pool = Array(Set(Tokenizer.tokens(scalars, from: 0, to: scalars.count).map(\.word))).sorted()
        #expect(pool.count > 300)
        pool += ["café", "naïve", "Ofsted’s", "council’s", "recruitment’s", "Ωmega", "x", "s", "'s", "ab", "Staff", "AGENCY", "Agency's"]
        let endings = ["", "", "", "s", "'s", "ing", "ed", "é", "’s"]
        return (0..<count).map { _ in
            (0..<Int(3 + rng.next() % 25)).map { _ in
                var w = rng.pick(pool) + rng.pick(endings)
                if rng.next() % 5 == 0 { w = w.prefix(1).uppercased() + w.dropFirst() }
                return w
            }.joined(separator: rng.next() % 4 == 0 ? ", " : " ")
        }
    }

    /// The key-based cue matcher finds, for every cue set of the lexicon and at every position,
    /// what the plain dictionary path finds; one-pass counts equal each set's own matches.
    @Test func cueMatcherFindsWhatThePlainPathFinds() throws {
        let lexicon = try InspectionLexicon.bundled()
        #expect(lexicon.cueSets.count > 64)
        var rng = SeededRandom(seed: 43)
        var matched = 0
        for text in try lexiconTexts(&rng, count: 400) {
            let scalars = Array(text.unicodeScalars)
            var tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            lexicon.cueIndex.mark(&tokens)
            for set in lexicon.cueSets {
                for i in tokens.indices {
                    for end in Set([tokens.count, min(tokens.count, i + 2)]) where end > i {
                        let plain = set.plainMatch(tokens, at: i, end: end)
                        #expect(set.match(tokens, at: i, end: end) == plain, "'\(text)' at \(i) to \(end)")
                        if plain > 0 { matched += 1 }
                    }
                }
            }
            let ranges = [0..<(tokens.count / 2), (tokens.count / 2)..<tokens.count]
            let counts = CueSet.countMatches(lexicon.cueSets, tokens, in: ranges)
            for (k, set) in lexicon.cueSets.enumerated() {
                #expect(counts[k] == ranges.map { set.matches(tokens, in: $0).count }.reduce(0, +), "'\(text)' set \(k)")
            }
        }
        // The texts exercise the matchers: many matches, on all kinds of cue.
        #expect(matched > 2000)
    }

    /// The byte-level HTML sniff and CR search agree with the string expressions they replace.
    @Test func htmlSniffIsThePlainExpression() {
        var rng = SeededRandom(seed: 47)
        let pieces = ["<html", "<HTML", "<HtMl", "<htm", "html", "<", "a", " ", "\n", "\r", "é", "x\u{301}", "l\u{301}", "日本", "<!doctype html>"]
        for trial in 0..<3000 {
            var text = (0..<Int(rng.next() % 12)).map { _ in rng.pick(pieces) }.joined()
            // Around the 512-character boundary too.
            if trial % 3 == 0 { text = String(repeating: "a", count: 500 + Int(rng.next() % 20)) + text }
            #expect(InspectionSourceReader.looksLikeHTML(text) == text.prefix(512).lowercased().contains("<html"), "\(text.unicodeScalars.map(\.value))")
            #expect(InspectionSourceReader.containsByte(text, 0x0D) == text.utf8.contains(0x0D))
        }
    }

    /// Line token ranges from one forward pass are the binary searches' ranges.
    @Test func lineTokenRangesAreTheSearchedRanges() throws {
        let extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
        var rng = SeededRandom(seed: 53)
        let pieces = ["Word", "two words.", "\n", "\n\n", "  ", " - ", "%", "&", "34.7", "Cookie policy", "é", "’s", "x", "\t", "Related stories"]
        for _ in 0..<1000 {
            let text = (0..<Int(rng.next() % 30)).map { _ in rng.pick(pieces) }.joined(separator: rng.next() % 2 == 0 ? " " : "")
            let scalars = Array(text.unicodeScalars)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            let lines = extractor.layout(scalars)
            let searched = lines.map { l in
                tokens.partitionedIndex { $0.start >= l.start }..<tokens.partitionedIndex { $0.start >= l.end }
            }
            #expect(InspectionExtractor.tokenRanges(of: lines, tokens: tokens) == searched, "\(text.debugDescription)")
        }
    }

    /// Sentences split with the packed abbreviation test as with the String one.
    @Test func packedAbbreviationsAreTheAbbreviations() {
        let words = ["st", "St", "ST", "mr", "Mrs", "e.g", "I.E", "etc", "x", "Z", "no", "No", "year", "ltd", "é", "né", "Cllr", "abcdefghi", "stx"]
        for w in words {
            let scalars = Array(w.unicodeScalars)
            if let packed = InspectionExtractor.packedLowerASCII(scalars, 0, scalars.count) {
                #expect(InspectionExtractor.packedAbbreviations.contains(packed) == InspectionExtractor.abbreviations.contains(w.lowercased()), "\(w)")
            } else {
                #expect(scalars.count > 8 || !w.unicodeScalars.allSatisfy(\.isASCII), "\(w)")
            }
        }
    }

    /// Marked tokens (cue masks) match every lexicon cue set exactly as unmarked ones do.
    @Test func cueMasksNeverHideAMatch() throws {
        let lexicon = try InspectionLexicon.bundled()
        var sets: [CueSet] = [lexicon.concern, lexicon.positive, lexicon.negations, lexicon.decrease, lexicon.levelLow,
                              lexicon.levelHigh, lexicon.concessive, lexicon.notCouncilAfter, lexicon.councilAfter,
                              lexicon.childrenServicesCues, lexicon.englandCues, lexicon.anyTheme, lexicon.anyVisitType, lexicon.anyJudgement]
        sets += lexicon.themes.map(\.1) + lexicon.visitTypes.map(\.1) + lexicon.judgementWords.map(\.1) + lexicon.otherSubjects.map(\.1) + lexicon.measures.map(\.1)
        #expect(sets.allSatisfy { $0.bit != 0 })
        // Words from the lexicon itself (so matches happen), possessives, stems, and other words.
        let words = ["social", "workers", "worker's", "agency", "staff", "caseloads", "high", "not", "recruitment", "recruiting",
                     "turnover", "inadequate", "good", "judged", "monitoring", "visit", "council's", "children's", "services",
                     "England", "average", "vacancies", "Café", "naïve", "the", "of", "and", "x", "permanent", "sickness", "low"]
        var rng = SeededRandom(seed: 31)
        for _ in 0..<300 {
            let text = (0..<Int(5 + rng.next() % 30)).map { _ in rng.pick(words) }.joined(separator: " ")
            let scalars = Array(text.unicodeScalars)
            let plain = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            var marked = plain
            lexicon.cueIndex.mark(&marked)
            for set in sets {
                for i in plain.indices {
                    #expect(set.match(marked, at: i, end: plain.count) == set.match(plain, at: i, end: plain.count), "'\(text)' at \(i)")
                }
            }
        }
    }

    @Test func substringSetFindsWhatASearchPerNeedleFinds() {
        let needles = ["cookie", "sign up", "all rights reserved", "#respect4socialwork", "ab", "x"].map { Array($0.utf8) }
        let set = SubstringSet(needles)
        var rng = SeededRandom(seed: 37)
        let pieces = ["cook", "ie", "sign", " up", "all", " rights", " reserved", "#respect4", "socialwork", "a", "b", "z", " "]
        for _ in 0..<3000 {
            let hay = Array((0..<Int(rng.next() % 12)).map { _ in rng.pick(pieces) }.joined().utf8)
            let plain = needles.contains { InspectionExtractor.contains(hay, $0) }
            #expect(set.anyOccurs(in: hay) == plain, "'\(String(decoding: hay, as: UTF8.self))'")
        }
        #expect(!SubstringSet(needles.filter { $0.count >= 3 }).anyOccurs(in: Array("ab x".utf8)))
    }

    @Test func scalarsDecodedFromUTF8AreTheStringsScalars() {
        var rng = SeededRandom(seed: 41)
        let pieces = ["a", "Z", " ", "\n", "é", "’", "€", "日本", "😀", "\u{0301}", "ß", "\u{10FFFF}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}"]
        for _ in 0..<2000 {
            let text = (0..<Int(rng.next() % 20)).map { _ in rng.pick(pieces) }.joined()
            #expect(unicodeScalars(of: text) == Array(text.unicodeScalars), "\(text.unicodeScalars.map { $0.value })")
        }
    }

    @Test func measureOrdinalIsItsPlaceInAllCases() {
        for (i, m) in Measure.allCases.enumerated() { #expect(m.ordinal == i, "\(m)") }
        for (i, x) in Indicator.allCases.enumerated() { #expect(x.ordinal == i, "\(x)") }
        // Equality and hashing by case agree with the raw values'.
        for a in Measure.allCases { for b in Measure.allCases { #expect((a == b) == (a.rawValue == b.rawValue)) } }
        #expect(Set(Measure.allCases).count == Measure.allCases.count)
        #expect(Set(Indicator.allCases).count == Indicator.allCases.count)
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
        // Long generated arrays are rendered in concurrent blocks: same bytes at any thread count.
        let rows = (0..<700).map { _ in value(1) }
        let long = JSONValue.object([("units", .generated(rows.count) { rows[$0] }), ("n", .int(rows.count))])
        for threads in [1, 2, 3, 8] {
            for chunk in [64, 1 << 20] {
                var pieces: [UInt8] = []
                try long.render(chunk: chunk, threads: threads) { pieces += $0 }
                #expect(pieces == long.renderedBytes(), "\(threads) threads, chunk \(chunk)")
            }
        }
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

    @Test func tokenKeysAreTheWordsKeys() {
        let scalars = Array("Council’s agency-staff recruitment 34.7 per cent, Édith's café 66,357".unicodeScalars)
        for t in Tokenizer.tokens(scalars, from: 0, to: scalars.count) {
            #expect(t.key == WordKey.of(t.word.utf8), "\(t.word)")
            #expect(t.ascii == t.word.utf8.allSatisfy { $0 < 0x80 })
            #expect(t.possessive == t.word.hasSuffix("'s"), "\(t.word)")
            if t.word.hasSuffix("'s") {
                #expect(t.baseKey == WordKey.of(t.word.utf8.dropLast(2)), "\(t.word)")
            } else {
                #expect(t.baseKey == 0)
            }
            #expect(t.prefixKey == (t.word.utf8.count >= 3 ? WordKey.of(t.word.utf8.prefix(3)) : 0))
        }
    }

    /// Every cue of the lexicon matches its own words (the Bloom filters never say no to a match),
    /// and the union sets find a cue exactly where one of their groups does.
    @Test func filteredCueSetsMissNothing() throws {
        let lexicon = try InspectionLexicon.bundled()
        let groups = lexicon.themes.map(\.1) + lexicon.visitTypes.map(\.1) + lexicon.judgementWords.map(\.1) + lexicon.measures.map(\.1)
        let phrases = try Self.lexiconPhrases()
        #expect(phrases.count > 40, "the lexicon's cue lists were not found")
        var rng = SeededRandom(seed: 3)
        let filler = ["the", "staff", "Council", "were", "in", "post", "é", "rates", "high", "agency's"]
        for _ in 0..<300 {
            let words = (0..<8).map { _ in rng.next() % 3 == 0 ? rng.pick(phrases) : rng.pick(filler) }
            let scalars = Array(words.joined(separator: " ").unicodeScalars)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            let range = 0..<tokens.count
            for (union, members) in [(lexicon.anyTheme, lexicon.themes.map(\.1)), (lexicon.anyVisitType, lexicon.visitTypes.map(\.1)),
                                     (lexicon.anyJudgement, lexicon.judgementWords.map(\.1))] {
                #expect(union.contains(tokens, in: range) == members.contains { $0.contains(tokens, in: range) }, "\(words)")
            }
        }
        for phrase in phrases {
            let scalars = Array(phrase.unicodeScalars)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            guard !tokens.isEmpty else { continue }
            #expect(groups.contains { $0.match(tokens, at: 0, end: tokens.count) > 0 }, "\(phrase)")
        }
    }

    /// The cue phrases of the bundled lexicon's themes, visit types, judgements and measures, with
    /// a prefix cue's `*` replaced by a word it must match.
    static func lexiconPhrases() throws -> [String] {
        let text = try String(contentsOfFile: InspectionLexicon.bundledPath, encoding: .utf8)
        var out: [String] = []
        var section = ""
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" ") { section = String(line.prefix { $0 != ":" }) }
            guard ["themes", "visit_types", "judgements", "measures"].contains(section),
                  line.hasPrefix("  "), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { continue }
            for item in line[line.index(after: open)..<close].split(separator: ",") {
                let p = item.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if !p.isEmpty && !p.contains("x ") { out.append(p.hasSuffix("*") ? String(p.dropLast()) + "ing" : p) }
            }
        }
        return out
    }
}

/// `wfrisk sample` at scale (the benchmark's workload generator).
@Suite struct SampleGeneratorTests {
    func files(under dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)!
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + f, isDirectory: &isDir), !isDir.boolValue {
                out[f] = FileManager.default.contents(atPath: dir + "/" + f)
            }
        }
        return out
    }

    @Test func sameSeedSameBytesAndTheOutputReadsBack() throws {
        let registry = try Fixtures.registry()
        func make(_ seed: UInt64) throws -> String {
            let dir = Fixtures.temporaryDirectory()
            _ = try SampleGenerator(options: .init(authorities: 120, firstYear: 2019, lastYear: 2023, seed: seed, texts: 6),
                                    registry: registry).write(to: dir)
            return dir
        }
        let a = try make(9), b = try make(9), c = try make(10)
        let fa = try files(under: a), fb = try files(under: b), fc = try files(under: c)
        #expect(!fa.isEmpty && fa == fb)
        #expect(fa != fc)
        // The invented authorities come with their own reference rows, and the workforce file
        // (quoted names, some with line breaks, suppressed cells) reads back whole.
        let invented = try AuthorityRegistry.load(authorities: a + "/reference/authorities.csv", aliases: nil, jointReturns: nil)
        #expect(invented.all.count == 120)
        let csv = try PathPatterns.expand([a + "/workforce/*.csv"], kind: "workforce")
        let text = String(decoding: fa[String(csv[0].dropFirst(a.count + 1))]!, as: UTF8.self)
        #expect(text.contains(",\"Synthetic Authority"))
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(), registry: invented)
        let file = try reader.read(path: csv[0], wanted: Measure.workforce, kind: "workforce")
        let las = file.records.filter { $0.level == .localAuthority }
        #expect(las.count == 120 * 5)
        #expect(Set(las.compactMap(\.unit)).count == 120)
        #expect(las.contains { $0.publishedName.contains("\n") }, "some names carry a quoted line break")
        #expect(las.contains { r in r.values.contains { if case .missing = $0.1 { return true } else { return false } } })
        // Texts link to the invented authorities.
        let docs = try InspectionIngest.read(try InspectionIngest.expand([a + "/inspections"]), registry: invented, threads: 2)
        #expect(docs.documents.count >= 5)
    }
}
