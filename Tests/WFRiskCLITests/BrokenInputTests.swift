import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

/// A copy of the real DfE workforce file, broken in one way at test time (never committed).
struct RealCopy {
    var lines: [String]
    let header: [String]

    init(_ path: String = Fixtures.realWorkforce) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        header = RealCopy.split(lines[0])
    }

    /// Fields of one line (quote-aware; the real file has no quoted line breaks).
    static func split(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if c == "\"" {
                if quoted, chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted.toggle() }
            } else if c == ",", !quoted {
                fields.append(field); field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }

    static func join(_ fields: [String]) -> String {
        fields.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
            .joined(separator: ",")
    }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }

    /// 0-based index into `lines` (the file's line number is this + 1).
    func row(_ year: Int, _ name: String) -> Int {
        lines.firstIndex { l in
            let f = RealCopy.split(l)
            return f[0] == String(year) && f[column("la_name")] == name
        }!
    }

    func fields(_ i: Int) -> [String] { RealCopy.split(lines[i]) }

    mutating func set(_ i: Int, _ column: String, _ value: String) {
        var f = fields(i)
        f[self.column(column)] = value
        lines[i] = RealCopy.join(f)
    }

    func write(_ name: String, in dir: String = Fixtures.temporaryDirectory()) throws -> String {
        let path = dir + "/" + name
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: path)
        return path
    }
}

/// Issue 12: the real file broken in one realistic way at a time. `wfrisk validate` names every
/// problem (file, line, field) and exits 3; `wfrisk run` exits 3 too, never crashing or publishing.
@Suite(.serialized, .enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct BrokenInputTests {
    typealias Expectation = (line: Int, field: String?, text: String)

    /// Expects validate and run to reject `path` with exit 3, each expected (line, field, text) in
    /// validate's listing, and the run to publish nothing.
    func expectRejected(_ path: String, _ expected: [Expectation], run: Bool = true,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let v = try Fixtures.run(["validate", path])
        #expect(v.status == 3, "validate exit \(v.status): \(v.stdout) \(v.stderr)", sourceLocation: sourceLocation)
        for e in expected {
            let place = "\(path):\(e.line)" + (e.field.map { ": field '\($0)'" } ?? "")
            let hit = v.stderr.split(separator: "\n").contains { $0.hasPrefix(place + ":") && $0.contains(e.text) }
            #expect(hit, "expected '\(place): …\(e.text)…' in:\n\(v.stderr)", sourceLocation: sourceLocation)
        }
        guard run else { return }
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let r = try Fixtures.run(["run", "--workforce", path, "--out", out, "--quiet"])
        #expect(r.status == 3, "run exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: out + "/latest"), sourceLocation: sourceLocation)
        if let first = expected.first {
            #expect(r.stderr.contains("\(path):\(first.line)"), "\(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: 1. Row widths

    @Test func aShortRowIsAnErrorNotAnotherRowsValues() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Hartlepool")
        copy.lines[i] = copy.fields(i).prefix(10).joined(separator: ",") // cut after its name
        try expectRejected(try copy.write("short.csv"), [(i + 1, nil, "row has 10 field(s) but the header has 32")])
    }

    @Test func aLongRowAndAnUnquotedThousandsSeparatorAreErrors() throws {
        var copy = try RealCopy()
        let long = copy.row(2023, "Darlington")
        copy.lines[long] += ",1"
        let gateshead = copy.row(2023, "Gateshead")
        var f = copy.fields(gateshead)
        f[copy.column("working_days_lost_fte")] = "1,756" // unquoted: one more field
        copy.lines[gateshead] = f.joined(separator: ",")
        try expectRejected(try copy.write("long.csv"), [
            (long + 1, nil, "row has 33 field(s) but the header has 32"),
            (gateshead + 1, nil, "row has 33 field(s) but the header has 32; an unquoted comma"),
        ])
    }

    /// A download cut short anywhere inside a row: never a crash, never accepted.
    @Test func truncatedDownloadsAreRejectedWithTheirLastLine() throws {
        let text = Array(try String(contentsOfFile: Fixtures.realWorkforce, encoding: .utf8).utf8)
        var rng = SeededRandom(seed: 12)
        let dir = Fixtures.temporaryDirectory()
        for trial in 0..<12 {
            var cut = 200 + Int(rng.next() % UInt64(text.count - 400))
            while text[cut - 1] == 0x0A || text[cut] == 0x0A || text[cut - 1] == 0x2C || text[cut] == 0x2C { cut += 1 } // mid-field
            let path = dir + "/cut\(trial).csv"
            try Data(text[0..<cut]).write(to: URL(fileURLWithPath: path))
            let line = text[0..<cut].filter { $0 == 0x0A }.count + 1
            let v = try Fixtures.run(["validate", path])
            #expect(v.status == 3, "cut at \(cut): \(v.stdout)")
            #expect(v.stderr.contains("cut\(trial).csv:\(line)"), "cut at \(cut), line \(line): \(v.stderr)")
        }
    }

    /// The split path used for large files: a blank first line, lone-CR line ends and an
    /// unbalanced quote at 3 threads read as the streamed path reads them (or fail cleanly).
    @Test func theSplitPathReadsWhatTheStreamedPathReads() throws {
        var streamed = try Fixtures.reader()
        streamed.splitFileBytes = Int.max
        var split = streamed
        split.splitFileBytes = 0
        let copy = try RealCopy()
        let dir = Fixtures.temporaryDirectory()
        let body = copy.lines.joined(separator: "\n") + "\n"
        let variants = ["blank-first.csv": "\n\r\n" + body, "cr-only.csv": body.replacingOccurrences(of: "\n", with: "\r"),
                        "crlf.csv": body.replacingOccurrences(of: "\n", with: "\r\n")]
        for (name, text) in variants.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + name
            try Fixtures.write(text, to: path)
            let expected = try streamed.read(path: path, wanted: Measure.workforce, kind: "workforce")
            #expect(expected.records.count > 1000)
            for threads in [1, 2, 3, 4] {
                let got = try split.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: threads)
                #expect(got.records == expected.records, "\(name), \(threads) threads")
                #expect(got.records.map(\.source) == expected.records.map(\.source), "\(name), \(threads) threads: lines")
            }
        }
        // An unbalanced quote part-way through: an error with a line, at any thread count.
        var broken = copy
        let i = broken.row(2021, "Barnsley")
        broken.lines[i] = broken.lines[i].replacingOccurrences(of: ",Barnsley,", with: ",\"Barnsley,")
        let path = try broken.write("quote.csv", in: dir)
        for threads in [1, 2, 3, 4, 8] {
            #expect(throws: CSVError.self, "\(threads) threads") {
                try split.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: threads)
            }
        }
        // A short row through the split path is the same error as streamed.
        var short = copy
        let h = short.row(2023, "Hartlepool")
        short.lines[h] = short.fields(h).prefix(10).joined(separator: ",")
        let shortPath = try short.write("short.csv", in: dir)
        for threads in [1, 3] {
            #expect {
                try split.read(path: shortPath, wanted: Measure.workforce, kind: "workforce", years: .latest(3), threads: threads)
            } throws: { "\($0)".contains("short.csv:\(h + 1): row has 10 field(s)") }
        }
    }

    // MARK: 2. Impossible values

    @Test func negativeCountsRatesAboveTheCeilingAndRatesAgainstTheirCountsAreErrors() throws {
        var copy = try RealCopy()
        let hartlepool = copy.row(2023, "Hartlepool"), gateshead = copy.row(2023, "Gateshead"), barnsley = copy.row(2023, "Barnsley")
        copy.set(hartlepool, "inpost_fte", "-200")
        copy.set(gateshead, "agency_rate_fte", "150")
        copy.set(barnsley, "turnover_rate_fte", "45.0") // leavers / in post = 16.8: a warning (issue 26), below
        try expectRejected(try copy.write("values.csv"), [
            (hartlepool + 1, "inpost_fte", "-200 is below 0"),
            (gateshead + 1, "agency_rate_fte", "150 is above 100"),
        ])
    }

    /// An implausible but possible value is kept, with a warning and a note on the unit.
    @Test func anImplausibleValueIsAWarningWithANoteOnTheUnit() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Gateshead")
        let holders = Double(copy.fields(i)[copy.column("case_holders_fte")])!
        copy.set(i, "cases", String(Int((holders * 70).rounded())))
        copy.set(i, "caseload_fte", "70")
        let dir = Fixtures.temporaryDirectory()
        let path = try copy.write("caseload.csv", in: dir)
        let v = try Fixtures.run(["validate", path])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("warning: \(path):\(i + 1): field 'caseload_fte': Gateshead (390) 2023: 70 is above 60"), "\(v.stdout)")
        let r = try Fixtures.run(["run", "--workforce", path, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try CSVReader.readAll(path: dir + "/out/latest/scores.csv").map(\.fields)
        let notes = rows[0].firstIndex(of: "notes")!, name = rows[0].firstIndex(of: "la_name")!
        #expect(rows.first { $0[name] == "Gateshead" }?[notes].contains("caseload_fte 70 is above 60") == true)
    }

    // MARK: 3. Identity

    @Test func unknownCodesNamesOfOtherAuthoritiesAndRepeatedRowsAreErrors() throws {
        var copy = try RealCopy()
        let barnsley = copy.row(2023, "Barnsley"), darlington = copy.row(2022, "Darlington")
        copy.set(barnsley, "old_la_code", "999")
        copy.set(darlington, "la_name", "Sheffield")
        let repeated = copy.row(2023, "Hartlepool")
        copy.lines.append(copy.lines[repeated])
        try expectRejected(try copy.write("identity.csv"), [
            (barnsley + 1, "old_la_code", "'999' is not a known LA code; the row's other fields point to Barnsley (370, E08000016)"),
            (darlington + 1, "la_name", "'Sheffield' is the name of Sheffield (373, E08000019), but the row's code is Darlington (841"),
            (copy.lines.count, nil, "Hartlepool (805) 2023 is also on line \(repeated + 1) of this file"),
        ])
    }

    /// A second England row for a year, told apart only by a region code, is a repeated row:
    /// keyed by its region columns it was kept beside the first, and which of the two the run
    /// used changed from one process to the next (its hash seed).
    @Test func aSecondEnglandRowOfAYearIsAnError() throws {
        var copy = try RealCopy()
        let national = copy.lines.firstIndex { l in
            let f = RealCopy.split(l)
            return f[0] == "2023" && f[copy.column("geographic_level")] == "National"
        }!
        var f = copy.fields(national)
        f[copy.column("region_code")] = "E12000001"
        f[copy.column("inpost_fte")] = "30000.5"
        copy.lines.append(RealCopy.join(f))
        try expectRejected(try copy.write("england-twice.csv"), [(copy.lines.count, nil, "England 2023 is also on line \(national + 1) of this file")])
    }

    // MARK: 4. validate checks what run checks

    @Test func validateRejectsWhatRunRejects() throws {
        let dir = Fixtures.temporaryDirectory()
        var copy = try RealCopy()
        // Header only.
        var headerOnly = copy
        headerOnly.lines = [copy.lines[0]]
        try expectRejected(try headerOnly.write("header-only.csv", in: dir + "/a"), [(2, nil, "no data rows")])
        // A needed column missing.
        var noInpost = copy
        let c = copy.column("inpost_fte")
        noInpost.lines = copy.lines.map { l in var f = RealCopy.split(l); f.remove(at: c); return RealCopy.join(f) }
        try expectRejected(try noInpost.write("no-inpost.csv", in: dir + "/b"), [(1, nil, "missing column(s): inpost_fte")])
        // The same authority and year twice with different values.
        let i = copy.row(2023, "Darlington")
        var f = copy.fields(i)
        f[copy.column("starters_fte")] = "30"
        copy.lines.append(RealCopy.join(f))
        try expectRejected(try copy.write("twice.csv", in: dir + "/c"), [(copy.lines.count, nil, "Darlington (841) 2023 is also on line \(i + 1)")])
    }

    // MARK: 7. Fuzzing and fault injection

    @Test(arguments: ["9023", "1823", "2031"])
    func aTimePeriodTypoIsAnErrorNotTheScoringYear(typo: String) throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Hartlepool")
        copy.set(i, "time_period", typo)
        let expected = typo == "2031" ? "year 2031 has only 1 row(s)" : "\(typo) is outside 1950-2099"
        try expectRejected(try copy.write("year\(typo).csv"), [(i + 1, "time_period", expected)])
    }

    @Test func aHugeNumberIsAnErrorNotACrash() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Hartlepool")
        copy.set(i, "cases", "100000000000000000")
        try expectRejected(try copy.write("huge.csv"), [(i + 1, "cases", "is above 100000000")])
    }

    /// Hundreds of distinct suppression symbols (a pipeline file may add any): no crash.
    @Test func hundredsOfSuppressionSymbolsDoNotCrash() throws {
        var copy = try RealCopy()
        let symbols = (0..<300).map { "s\($0)" }
        var k = 0
        for i in 1..<copy.lines.count where k < symbols.count {
            copy.set(i, "starters_fte", symbols[k]); k += 1
        }
        let path = try copy.write("symbols.csv")
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(extra: symbols),
                                    registry: try Fixtures.registry())
        let file = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce")
        let reasons = Set(file.records.compactMap { $0.values[.startersFTE]?.missingReason })
        #expect(reasons.count > 200)
        #expect(file.records.allSatisfy { $0.values[.startersFTE] != nil })
    }

    /// The bytes parsed are compared with the fingerprint taken when the run started.
    @Test func aFileChangedWhileReadIsAnError() throws {
        let copy = try RealCopy()
        let path = try copy.write("changing.csv")
        let fingerprint = InputFingerprint(kind: "workforce", path: path, sha256: try SHA256Digest.hex(ofFile: path), count: 0)
        // Cut short (a download still arriving, or a rewrite) after the run fingerprinted it.
        var truncated = copy
        truncated.lines = Array(copy.lines.prefix(400))
        _ = try truncated.write("changing.csv", in: (path as NSString).deletingLastPathComponent)
        var reader = try Fixtures.reader()
        for bytes in [Int.max, 0] {
            reader.splitFileBytes = bytes
            let file = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", years: .latest(3), threads: 3)
            #expect(file.sha256 == (try SHA256Digest.hex(ofFile: path)))
            #expect {
                try TidyIngest.verifyUnchanged([file], fingerprints: [fingerprint])
            } throws: { "\($0)".contains("changing.csv: input changed while it was being read") }
        }
    }
}

/// Values no output can write: what the rules let through must still never crash a writer.
struct NonFiniteValueTests {
    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func hugeInputsBecomeNotComputableWithoutRules() throws {
        var copy = try RealCopy()
        let i = copy.row(2023, "Hartlepool")
        copy.set(i, "cases", "1e300")
        copy.set(i, "case_holders_fte", "0.0000001")
        copy.set(i, "leavers_fte", "1e200")
        let path = try copy.write("huge.csv")
        // Reading without the value rules: the scorer itself must cope.
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(),
                                    registry: try Fixtures.registry(), rules: ValidityRules(rules: []))
        let dataset = try TidyDataset.merge([try reader.read(path: path, wanted: Measure.workforce, kind: "workforce")])
        let table = try Scorer.score(ScoringInput(workforce: dataset, registry: try Fixtures.registry(), settings: try Fixtures.settings()))
        let hartlepool = table.units.first { $0.oldCode == "805" }!
        let notes = (hartlepool.instability.indicators + hartlepool.caseloadRisk.indicators).compactMap(\.note)
        #expect(notes.contains { $0.contains("not computable (value out of range)") }, "\(notes)")
        #expect(!ScoresCSV.render(table).isEmpty)
        #expect(!ScoresDocument(table: table, inputs: [], settings: try Fixtures.settings()).renderedBytes().isEmpty)
    }
}

/// A file rewritten over and over while it is read: every read either fails or returns the rows
/// of the very bytes whose hash it reports (so a run's manifest can never disagree with its scores).
struct ChangingFileTests {
    @Test(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
    func readsUnderRewritesReportTheBytesTheyParsed() throws {
        let full = try RealCopy()
        var short = full
        short.lines = Array(full.lines.prefix(400))
        let versions = [full, short].map { Data(($0.lines.joined(separator: "\n") + "\n").utf8) }
        let hashes = versions.map { SHA256Digest.hex(of: [UInt8]($0)) }
        let path = try full.write("rewritten.csv")
        var reader = try Fixtures.reader()
        reader.splitFileBytes = 0
        let expectedRows = try versions.map { v -> Int in
            let p = Fixtures.temporaryDirectory() + "/v.csv"
            try v.write(to: URL(fileURLWithPath: p))
            return try reader.read(path: p, wanted: Measure.workforce, kind: "workforce", threads: 3).rowCount
        }
        let stop = ManagedAtomicFlag()
        let writer = Thread {
            var k = 0
            while !stop.isSet {
                // In place (truncate, then write), as a download or an editor saving over it would.
                if let h = FileHandle(forWritingAtPath: path) {
                    h.truncateFile(atOffset: 0)
                    h.write(versions[k % 2])
                    h.closeFile()
                }
                k += 1
            }
        }
        writer.start()
        defer { stop.set() }
        var succeeded = 0, failed = 0
        for _ in 0..<60 {
            do {
                let file = try reader.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: 3)
                guard let v = hashes.firstIndex(of: file.sha256) else { continue } // bytes mid-rewrite: hash is of neither
                #expect(file.rowCount == expectedRows[v], "reported the hash of version \(v) but parsed \(file.rowCount) rows")
                succeeded += 1
            } catch {
                failed += 1
            }
        }
        stop.set()
        #expect(succeeded + failed > 0)
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
