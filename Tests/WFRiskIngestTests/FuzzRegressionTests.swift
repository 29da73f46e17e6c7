import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskInspections

/// Inputs of the kinds the fuzzing in issue 12 found crashes with, read as the fuzz target reads
/// them (`Fuzz/Sources/wfrisk-fuzz/Fuzz.swift`): never a crash, and the streamed and split
/// (large-file) paths agree, both failing or both giving the same records. Add each input a
/// `Fuzz/run` finding leaves in `.build-fuzz/crashes/` here.
struct FuzzRegressionTests {
    /// The first rows of the (synthetic) sample workforce file.
    static let base: [UInt8] = {
        let text = (try? String(contentsOfFile: Fixtures.repoRoot + "/sample-data/workforce/csww_2021_to_2023.csv", encoding: .utf8)) ?? ""
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(separator: "\n").utf8) + [0x0A]
    }()

    static func variant(_ name: String) -> [UInt8] {
        let b = base
        let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        func joined(_ ls: [[UInt8]], _ end: [UInt8] = [0x0A]) -> [UInt8] { Array(ls.map { $0 + end }.joined()) }
        switch name {
        case "short row": var l = lines; l[5] = Array(l[5].prefix(40)); return joined(l)
        case "long row": var l = lines; l[7] += Array(",1,2".utf8); return joined(l)
        case "thousands separator": var l = lines; l[9] = Array(String(decoding: l[9], as: UTF8.self).replacingOccurrences(of: ",1", with: ",1,7").utf8); return joined(l)
        case "blank first line": return [0x0A, 0x0D, 0x0A] + b
        case "CR only": return b.map { $0 == 0x0A ? 0x0D : $0 }
        case "CRLF": return joined(lines.map { $0 }, [0x0D, 0x0A])
        case "unbalanced quote": var l = lines; l[12].insert(0x22, at: 30); return joined(l)
        case "NUL bytes": var c = b; c[200] = 0; c[5000 % c.count] = 0; return c
        case "late NUL": return b + Array(repeating: 0x41, count: 5000) + [0, 0x0A]
        case "UTF-16": return [0xFF, 0xFE] + b.flatMap { [$0, 0] }
        case "invalid UTF-8": var c = b; c[150] = 0xC3; c[151] = 0x28; return c
        case "truncated mid-record": return Array(b.prefix(b.count * 2 / 3))
        case "huge field": return Array(b.prefix(lines[0].count + 1)) + Array("2023,\"".utf8) + Array(repeating: 0x78, count: 2 << 20) + Array("\"\n".utf8)
        case "binary": var rng = SeededRandom(seed: 5); return (0..<4096).map { _ in UInt8(rng.next() & 0xFF) }
        case "header only": return Array(lines[0]) + [0x0A]
        case "empty": return []
        case "only blank lines": return Array(repeating: 0x0A, count: 50)
        case "year typo": var l = lines; l[3] = Array("9023".utf8) + l[3].dropFirst(4); return joined(l)
        default: return b
        }
    }

    static let names = ["short row", "long row", "thousands separator", "blank first line", "CR only", "CRLF", "unbalanced quote",
                        "NUL bytes", "late NUL", "UTF-16", "invalid UTF-8", "truncated mid-record", "huge field", "binary",
                        "header only", "empty", "only blank lines", "year typo"]

    func facts(_ f: TidyFile) -> [String] {
        f.records.map { "\($0.key) \($0.source.line) \($0.values.map { "\($0.0.rawValue)=\($0.1)" })" }.sorted()
    }

    @Test(arguments: names)
    func streamedAndSplitReadsAgreeAndNeverCrash(name: String) throws {
        let bytes = FuzzRegressionTests.variant(name)
        let path = Fixtures.temporaryDirectory() + "/fuzz.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var streamed = try Fixtures.reader()
        streamed.splitFileBytes = Int.max
        var split = streamed
        split.splitFileBytes = 0
        let plain = Result { try streamed.read(path: path, wanted: Measure.workforce, kind: "workforce") }
        for parts in [1, 3] {
            let got = Result { try split.read(path: path, wanted: Measure.workforce, kind: "workforce", threads: parts) }
            switch (plain, got) {
            case (.success(let a), .success(let b)): #expect(facts(a) == facts(b), "\(name), \(parts) parts")
            case (.failure, .failure): break
            default: Issue.record("\(name), \(parts) parts: streamed \(plain) vs split \(got)")
            }
            _ = try? split.read(path: path, wanted: Measure.workforce, kind: "workforce", years: .latest(2), threads: parts)
        }
        if !["CRLF", "blank first line", "CR only", "invalid UTF-8"].contains(name) {
            // Every one of these is broken: reading it is an error, never a silent success.
            #expect(throws: (any Error).self, "\(name)") { try plain.get() }
        } else {
            // Line-end variants read in full; undecodable UTF-8 reads as Windows-1252.
            #expect(try plain.get().records.count > 30, "\(name)")
        }
    }

    /// Text files of the same kinds through the inspection reader and extractor.
    @Test(arguments: names)
    func theTextReaderNeverCrashes(name: String) throws {
        let bytes = FuzzRegressionTests.variant(name)
        let extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
        for ext in ["txt", "html"] {
            let path = Fixtures.temporaryDirectory() + "/text." + ext
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            if case .success(let source)? = try? InspectionSourceReader.read(path: path) { _ = try? extractor.extract(source) }
        }
    }
}
