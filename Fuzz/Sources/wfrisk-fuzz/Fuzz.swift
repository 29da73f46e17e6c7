import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest
import WFRiskInspections
import WFRiskOfsted

// One fuzz input, read every way wfrisk reads a file. Errors are expected (most inputs are not
// valid CSV); a crash, hang, sanitizer report or a broken property below is a finding.
//
// The first byte picks what the rest is fed to:
//   0-4   a workforce CSV, streamed and split (1 and 3 parts): both must agree
//   5-6   a demand CSV, streamed
//   7     an inspection text (.txt), then extraction
//   8-9   an HTML page (.html), then extraction
//   10    a statistical-neighbours CSV, checked against the registry
//   11    a score file given to `wfrisk diff`: against itself and the sample golden baseline, both ways
//   240   (checked before the others) a `.meta.yml` sidecar beside a fixed text, then
//         extraction: it is read, or refused with an error naming the sidecar
//   12    a PDF (.pdf): poppler, page furniture and paragraphs, the Ofsted report reader, then
//         extraction; an unreadable PDF must come back as a skip reason, never a crash
//   13    Ofsted's record as a CSV (the judgements file's layout or the scraper's): an accepted
//         file gives only judgements of known authorities, published by the fixed day given

/// Per-process scratch files (libFuzzer may run several jobs side by side).
enum Scratch {
    static let dir: String = {
        let d = NSTemporaryDirectory() + "wfrisk-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()
}

let reader: TidyFileReader = {
    var r = TidyFileReader(aliases: try! ColumnAliases.bundled(), markers: try! SuppressionMarkers.bundled(),
                           registry: try! AuthorityRegistry.bundled())
    r.maxProblems = 5
    return r
}()

let registry = try! AuthorityRegistry.bundled()

/// The sample golden baseline (`Tests/Golden/sample-baseline.csv`), the other side of each diff.
let goldenBaseline: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path + "/Tests/Golden/sample-baseline.csv"
}()

let extractor = InspectionExtractor(lexicon: try! InspectionLexicon.bundled(), registry: try! AuthorityRegistry.bundled())

func write(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> String {
    let path = Scratch.dir + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes))
    return path
}

/// Records as comparable facts (reading order may differ between paths only in record order).
func facts(_ file: TidyFile) -> [String] {
    file.records.map { "\($0.key) \($0.source.line) \($0.values.map { "\($0.0.rawValue)=\($0.1)" })" }.sorted()
}

func readCSV(_ data: UnsafeBufferPointer<UInt8>, kind: String) {
    let path = write(data, "input.csv")
    let wanted = kind == "workforce" ? Measure.workforce : Measure.demand
    var streamed = reader
    streamed.splitFileBytes = Int.max
    let plain = Result { try streamed.read(path: path, wanted: wanted, kind: kind) }
    guard kind == "workforce" else { return }
    var split = reader
    split.splitFileBytes = 0
    for parts in [1, 3] {
        let got = Result { try split.read(path: path, wanted: wanted, kind: kind, threads: parts) }
        switch (plain, got) {
        case (.success(let a), .success(let b)):
            if facts(a) != facts(b) { fatalError("split read (\(parts) parts) differs from the streamed read") }
        case (.failure, .failure): break
        default:
            fatalError("streamed and split reads (\(parts) parts) disagree on whether the file is usable: \(plain) vs \(got)")
        }
    }
    // The year-window read of a run must not crash either.
    _ = try? split.read(path: path, wanted: wanted, kind: kind, years: .latest(2), threads: 3)
}

func readText(_ data: UnsafeBufferPointer<UInt8>, name: String) {
    let path = write(data, name)
    guard case .success(let source)? = try? InspectionSourceReader.read(path: path) else { return }
    _ = try? extractor.extract(source)
}

func readNeighbours(_ data: UnsafeBufferPointer<UInt8>) {
    let path = write(data, "neighbours.csv")
    guard let sn = try? StatisticalNeighbours.load(path: path, registry: registry) else { return }
    // What the loader accepts keeps its documented shape: known codes, never a unit's own, each neighbour once.
    for (code, list) in sn.neighbours {
        if registry.byOldCode[code] == nil || list.contains(code) || Set(list).count != list.count {
            fatalError("neighbours file accepted with a broken row for \(code): \(list)")
        }
    }
}

func readScores(_ data: UnsafeBufferPointer<UInt8>) {
    let dir = Scratch.dir + "/scores"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = write(data, "scores/scores.csv")
    // A file compared with itself: readable means comparable, and never a crash.
    if (try? ScoreFileComparison.differences(baseline: path, new: path, allowYearAndMethodChange: true)) == nil,
       (try? ScoreFileComparison.differences(baseline: goldenBaseline, new: path, allowYearAndMethodChange: true)) != nil {
        fatalError("a score file compares with the golden baseline but not with itself")
    }
    _ = try? ScoreFileComparison.differences(baseline: path, new: goldenBaseline)
    _ = try? ScoreFileComparison.differences(baseline: goldenBaseline, new: dir)
}

/// A small invented text the fuzzed sidecars sit beside.
let sidecarText = "Birmingham City Council's children's services were judged inadequate by Ofsted in May 2023. "
    + "High turnover of social workers and the use of agency staff remain a concern.\n"

func readSidecar(_ data: UnsafeBufferPointer<UInt8>) {
    let text = Scratch.dir + "/letter.txt"
    if !FileManager.default.fileExists(atPath: text) { FileManager.default.createFile(atPath: text, contents: Data(sidecarText.utf8)) }
    let sidecar = write(data, "letter.txt.meta.yml")
    do {
        guard case .success(let source) = try InspectionSourceReader.read(path: text) else {
            fatalError("the text beside a sidecar was skipped")
        }
        _ = try extractor.extract(source)
    } catch {
        // Bad metadata is an error, and the error says which file it is in.
        if !"\(error)".contains(sidecar) { fatalError("a bad sidecar's error does not name it: \(error)") }
    }
}

/// The day the fuzzed record is read on (publication dates after it are refused).
let recordDay = DayStamp(iso: "2026-12-06")!

func readOfsted(_ data: UnsafeBufferPointer<UInt8>) {
    let path = write(data, "judgements.csv")
    guard let record = try? OfstedRecord.load(paths: [path], registry: registry, today: recordDay) else { return }
    for j in record.history.all {
        if registry.byOldCode[j.oldCode] == nil && !j.oldCode.contains("/") { fatalError("record accepted an unknown authority code \(j.oldCode)") }
        if j.published > recordDay { fatalError("record accepted a publication date after the day it was read: \(j.publishedText)") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let start, count > 0 else { return 0 }
    let data = UnsafeBufferPointer(start: start + 1, count: count - 1)
    if start[0] == 240 { readSidecar(data); return 0 }
    switch start[0] % 14 {
    case 0...4: readCSV(data, kind: "workforce")
    case 5, 6: readCSV(data, kind: "demand")
    case 7: readText(data, name: "input.txt")
    case 8, 9: readText(data, name: "input.html")
    case 10: readNeighbours(data)
    case 11: readScores(data)
    case 12: readText(data, name: "input.pdf")
    default: readOfsted(data)
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM names an executable target's entry point `<target>_main`; libFuzzer's driver takes over there.
@_cdecl("wfrisk_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
