import CLibCSV
import Dispatch
import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest
import WFRiskInspections

// wfrisk-bench: measures wfrisk against references run in the same process or session, and
// prints ratios (docs/performance.md). Usage: wfrisk-bench WORKLOAD_DIR [--real SHARED_DATA]
// [--skip-pandas] [--repeat N] [--only SECTIONS] [--wfrisk BIN] [--before BIN]. Run it
// through Benchmarks/run, which builds in release mode and prepares the workloads.

struct Options {
    var workload = ""
    var real: String?
    var repeatCount = 3
    var pandas = true
    var scaling = true
    /// Run only these sections (ingest, text, e2e, analyst, threads, real, pdf, scaling, scale; profile-ingest and
    /// profile-extract run one-core work only, for perf); empty = all.
    var only: Set<String> = []
    /// The wfrisk binary the process sections run (default: the one beside the harness).
    var wfrisk: String?
    /// Another wfrisk binary whose outputs the scale section compares byte for byte (the build
    /// before a change).
    var before: String?
    func runs(_ section: String) -> Bool { only.isEmpty || only.contains(section) }
}

var options = Options()
var args = Array(CommandLine.arguments.dropFirst())
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--real": options.real = args.removeFirst()
    case "--repeat": options.repeatCount = Int(args.removeFirst()) ?? 3
    case "--skip-pandas": options.pandas = false
    case "--skip-scaling": options.scaling = false
    case "--wfrisk": options.wfrisk = args.removeFirst()
    case "--before": options.before = args.removeFirst()
    case "--only": options.only.formUnion(args.removeFirst().split(separator: ",").map(String.init))
    default: options.workload = a
    }
}
guard !options.workload.isEmpty else {
    FileHandle.standardError.write(Data("usage: wfrisk-bench WORKLOAD_DIR [--real SHARED_DATA] [--repeat N] [--skip-pandas] [--skip-scaling] [--wfrisk BIN] [--before BIN] [--only ingest,text,e2e,analyst,threads,real,pdf,scaling,scale,profile-ingest,profile-extract]\n".utf8))
    exit(2)
}

let cores = ProcessInfo.processInfo.activeProcessorCount
let executable = options.wfrisk ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/wfrisk"

/// Best of `n` wall-clock timings, in seconds (best-of resists the noise of a shared machine).
@MainActor func best(_ n: Int = options.repeatCount, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<n {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.min()!
}

func fileSize(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
func mb(_ bytes: Int) -> Double { Double(bytes) / 1_000_000 }
func fmt(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }

/// libcsv tokenising the file with callbacks that do nothing (`LibcsvReference.swift`).
@MainActor func libcsvRaw(_ path: String) -> Double {
    best { libcsvRawPass(path) }
}

/// Runs a command; returns (seconds, peak RSS in KiB, exit status).
///
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`) when it is installed: the
/// `ru_maxrss` that `wait4` reports for a child spawned from this (large) process starts from
/// this process's own high-water mark, so small runs would look as big as the harness.
func runProcess(_ path: String, _ arguments: [String]) -> (Double, Int, Int32) {
    let timeTool = "/usr/bin/time"
    let report = NSTemporaryDirectory() + "wfrisk-bench-maxrss-\(getpid())"
    let useTime = FileManager.default.isExecutableFile(atPath: timeTool)
    let argvList = useTime ? [timeTool, "-f", "%M", "-o", report, path] + arguments : [path] + arguments
    let start = DispatchTime.now().uptimeNanoseconds
    var pid: pid_t = 0
    var argv: [UnsafeMutablePointer<CChar>?] = argvList.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    guard posix_spawnp(&pid, argvList[0], &actions, nil, &argv, environ) == 0 else { return (0, 0, -1) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    var peak = usage.ru_maxrss
    if useTime, let text = try? String(contentsOfFile: report, encoding: .utf8),
       let kib = text.split(separator: "\n").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
        peak = kib
    }
    return (seconds, peak, (status >> 8) & 0xFF)
}

@MainActor func bestProcess(_ path: String, _ arguments: [String]) -> (Double, Int, Int32) {
    var results: [(Double, Int, Int32)] = []
    for _ in 0..<options.repeatCount { results.append(runProcess(path, arguments)) }
    return results.min { $0.0 < $1.0 }!
}

var report: [String] = []
/// The issue's targets as measured in this run: (target, measured, met).
var targets: [(String, String, Bool)] = []
@MainActor func target(_ name: String, _ measured: String, _ met: Bool) { targets.append((name, measured, met)) }
@MainActor func say(_ line: String = "") {
    print(line)
    report.append(line)
}

let registry = try AuthorityRegistry.load(authorities: options.workload + "/reference/authorities.csv", aliases: nil, jointReturns: nil)
let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(), registry: registry)
let workforce = try PathPatterns.expand([options.workload + "/workforce/*.csv"], kind: "workforce")[0]
// A workload generated without texts (`wfrisk sample` without --texts) has no inspections folder.
let texts = FileManager.default.fileExists(atPath: options.workload + "/inspections") ? try InspectionIngest.expand([options.workload + "/inspections"]) : []
let textBytes = texts.reduce(0) { $0 + fileSize($1) }
let csvBytes = fileSize(workforce)

say("# wfrisk benchmark")
say("machine: \(cores) cores; workload (b): \(workforce) (\(fmt(mb(csvBytes), 1)) MB), \(texts.count) texts (\(fmt(mb(textBytes), 1)) MB); best of \(options.repeatCount)")
say("wfrisk timed: \(executable)" + (options.wfrisk == nil ? " (the build tree's, beside the harness)" : ""))
say()

// Profiling targets (docs/performance.md, "Where the time goes"): one core, nothing else.
if options.only.contains("profile-ingest") {
    for _ in 0..<options.repeatCount { _ = try reader.read(path: workforce, wanted: Measure.workforce, kind: "workforce", years: .latest(3), threads: 1) }
}
if options.only.contains("profile-extract") {
    for _ in 0..<options.repeatCount { _ = try InspectionIngest.read(texts, registry: registry, threads: 1) }
}

// (1) CSV ingest against libcsv's raw tokenising.
if options.runs("ingest") {
    // Reference and wfrisk runs alternate, so a noisy neighbour slows both alike; best of each.
    var raw = Double.infinity, ingest1 = Double.infinity, ingestN = Double.infinity, ingestAll = Double.infinity
    for _ in 0..<max(options.repeatCount, 5) {
        raw = min(raw, best(1) { libcsvRawPass(workforce) })
        ingest1 = min(ingest1, try best(1) { _ = try reader.read(path: workforce, wanted: Measure.workforce, kind: "workforce", years: .latest(3), threads: 1) })
        ingestN = min(ingestN, try best(1) { _ = try reader.read(path: workforce, wanted: Measure.workforce, kind: "workforce", years: .latest(3), threads: cores) })
        ingestAll = min(ingestAll, try best(1) { _ = try reader.read(path: workforce, wanted: Measure.workforce, kind: "workforce", years: .all, threads: 1) })
    }
    say("## CSV ingest to typed records (workload b)")
    say("| run | seconds | MB/s | ratio to libcsv raw |")
    say("|---|---|---|---|")
    say("| libcsv raw tokenising, empty callbacks, 1 core (reference) | \(fmt(raw, 3)) | \(fmt(mb(csvBytes) / raw, 1)) | 1.00 |")
    say("| wfrisk ingest, 1 core | \(fmt(ingest1, 3)) | \(fmt(mb(csvBytes) / ingest1, 1)) | \(fmt(raw / ingest1)) |")
    say("| wfrisk ingest, \(cores) cores | \(fmt(ingestN, 3)) | \(fmt(mb(csvBytes) / ingestN, 1)) | \(fmt(raw / ingestN)) |")
    say("| wfrisk ingest, 1 core, every year decoded (as `wfrisk validate`) | \(fmt(ingestAll, 3)) | \(fmt(mb(csvBytes) / ingestAll, 1)) | \(fmt(raw / ingestAll)) |")
    say("(a run scores the latest year and looks back 3 years: rows of other years are tokenised and their year read, but not decoded)")
    say()
    target("ingest >= 0.7x libcsv raw, 1 core", fmt(raw / ingest1) + "x", raw / ingest1 >= 0.7)
    target("ingest >= 1.3x libcsv raw, \(cores) cores", fmt(raw / ingestN) + "x", raw / ingestN >= 1.3)
}

// (2) Text extraction against grep -c -F -f with the same gazetteer.
if options.runs("text") {
    let gazetteer = NSTemporaryDirectory() + "wfrisk-bench-gazetteer.txt"
    try registry.all.map { $0.name.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n").write(toFile: gazetteer, atomically: true, encoding: .utf8)
    let grep = bestProcess("/bin/grep", ["-c", "-F", "-f", gazetteer, "-r", options.workload + "/inspections"])
    let extract1 = try best { _ = try InspectionIngest.read(texts, registry: registry, threads: 1) }
    let extractN = try best { _ = try InspectionIngest.read(texts, registry: registry, threads: cores) }
    say("## Inspection text extraction (workload b)")
    say("| run | seconds | MB/s | MB/s per core | ratio to grep |")
    say("|---|---|---|---|---|")
    say("| grep -c -F -f gazetteer (reference, 1 core) | \(fmt(grep.0, 3)) | \(fmt(mb(textBytes) / grep.0, 1)) | \(fmt(mb(textBytes) / grep.0, 1)) | 1.00 |")
    say("| wfrisk extract, 1 core | \(fmt(extract1, 3)) | \(fmt(mb(textBytes) / extract1, 1)) | \(fmt(mb(textBytes) / extract1, 1)) | \(fmt(grep.0 / extract1)) |")
    say("| wfrisk extract, \(cores) cores | \(fmt(extractN, 3)) | \(fmt(mb(textBytes) / extractN, 1)) | \(fmt(mb(textBytes) / extractN / Double(cores), 1)) | \(fmt(grep.0 / extractN)) |")
    say("speed-up from 1 to \(cores) cores: \(fmt(extract1 / extractN))x")
    say()
    target("text extraction >= 50 MB/s per core", fmt(mb(textBytes) / extract1, 1) + " MB/s", mb(textBytes) / extract1 >= 50)
    target("text extraction near-linear in cores", fmt(extract1 / extractN) + "x on \(cores) cores", extract1 / extractN >= 0.9 * Double(cores))
}

// (3) End to end against pandas.
/// The benchmark's pipeline over workload (b): workforce, texts and the registry, written to `out`
/// (every format unless `formats` names some).
func benchPipeline(out: String, formats: String? = nil) -> String {
    """
    inputs:
      workforce: workforce/*.csv
      inspections: inspections
      reference:
        authorities: reference/authorities.csv
    outputs:
      directory: \(out)
      keep_runs: 1

    """ + (formats.map { "  formats: \($0)\n" } ?? "")
}
let pipeline = options.workload + "/bench.yml"
try benchPipeline(out: "out-bench").write(toFile: pipeline, atomically: true, encoding: .utf8)
if options.runs("e2e") {
    let e2e = bestProcess(executable, ["run", "--pipeline", pipeline, "--force", "--quiet"])
    let e2eNoText = bestProcess(executable, ["run", "--pipeline", pipeline, "--force", "--quiet", "--workforce", workforce])
    say("## End to end (workload b)")
    say("| run | seconds | peak memory MB | peak / largest input |")
    say("|---|---|---|---|")
    say("| wfrisk run, workforce + \(texts.count) texts | \(fmt(e2e.0, 2)) | \(fmt(Double(e2e.1) / 1024, 0)) | \(fmt(Double(e2e.1) * 1024 / Double(csvBytes))) |")
    say("| wfrisk run, workforce only | \(fmt(e2eNoText.0, 2)) | \(fmt(Double(e2eNoText.1) / 1024, 0)) | \(fmt(Double(e2eNoText.1) * 1024 / Double(csvBytes))) |")
    let peakRatio = Double(max(e2e.1, e2eNoText.1)) * 1024 / Double(csvBytes)
    target("peak memory <= 2x the largest input", fmt(peakRatio) + "x", peakRatio <= 2)
    if options.pandas {
        // Benchmarks/run starts the harness from the repository root (.build/release is a symlink,
        // so a path relative to the executable would not lead back there).
        let script = FileManager.default.currentDirectoryPath + "/Benchmarks/pandas_reference.py"
        let readOnly = bestProcess("/usr/bin/env", ["python3", script, workforce, "--read-only"])
        let full = bestProcess("/usr/bin/env", ["python3", script, workforce])
        if readOnly.2 == 0 && full.2 == 0 {
            say("| pandas read_csv alone (reference) | \(fmt(readOnly.0, 2)) | \(fmt(Double(readOnly.1) / 1024, 0)) | \(fmt(Double(readOnly.1) * 1024 / Double(csvBytes))) |")
            say("| pandas read_csv + indicators + ranks | \(fmt(full.0, 2)) | \(fmt(Double(full.1) / 1024, 0)) | \(fmt(Double(full.1) * 1024 / Double(csvBytes))) |")
            say("wfrisk run (workforce only) / pandas read_csv alone: \(fmt(e2eNoText.0 / readOnly.0)) (below 1 = wfrisk faster)")
            say("wfrisk run (workforce + texts) / pandas read_csv alone: \(fmt(e2e.0 / readOnly.0)) (pandas reads no texts)")
            target("wfrisk run (b) faster than pandas read_csv alone", "\(fmt(e2e.0 / readOnly.0))x its time with texts, \(fmt(e2eNoText.0 / readOnly.0))x without", e2e.0 < readOnly.0)
        } else {
            say("pandas reference not run (\(script) failed: exit \(readOnly.2), \(full.2); needs python3 with pandas)")
        }
}
say()

}

// (3b) What the analyst outputs cost (issue 14): the default run (history of the last ten years,
// 500 rank-interval draws) against the same binary scoring only the latest year without draws,
// which is what a run did before them. Runs alternate, so both see the same machine.
if options.runs("analyst") {
    let tablesOnly = options.workload + "/bench-tables.yml"
    try benchPipeline(out: "out-bench-tables", formats: "[csv, json]").write(toFile: tablesOnly, atomically: true, encoding: .utf8)
    say("## Cost of the analyst outputs (workload b, issue 14)")
    say("| pipeline | scoring year only, no draws (s) | default: last 10 years, 500 draws (s) | ratio | peak MB (before, default) |")
    say("|---|---|---|---|---|")
    for (label, file) in [("bench.yml (all four formats)", pipeline), ("csv and json only", tablesOnly)] {
        var before: [(Double, Int, Int32)] = [], after: [(Double, Int, Int32)] = []
        for _ in 0..<options.repeatCount {
            before.append(runProcess(executable, ["run", "--pipeline", file, "--force", "--quiet", "--years", "last 1", "--draws", "0"]))
            after.append(runProcess(executable, ["run", "--pipeline", file, "--force", "--quiet"]))
        }
        let b = before.min { $0.0 < $1.0 }!, a = after.min { $0.0 < $1.0 }!
        guard b.2 == 0 && a.2 == 0 else {
            say("| \(label) | run failed (exit \(b.2), \(a.2)) | | | |")
            continue
        }
        say("| \(label) | \(fmt(b.0, 2)) | \(fmt(a.0, 2)) | \(fmt(a.0 / b.0)) | \(fmt(Double(b.1) / 1024, 0)), \(fmt(Double(a.1) / 1024, 0)) |")
        target("analyst outputs add <= 50% (\(label))", fmt(a.0 / b.0) + "x", a.0 / b.0 <= 1.5)
    }
    say()
}

// Identical outputs at every thread count (workload b, texts included).
if options.runs("threads") {
    var digests: [String] = []
    for threads in Array(Set([1, cores])).sorted() {
        let out = NSTemporaryDirectory() + "wfrisk-bench-threads-\(threads)"
        try? FileManager.default.removeItem(atPath: out)
        let r = runProcess(executable, ["run", "--pipeline", pipeline, "--force", "--quiet", "--threads", "\(threads)", "--out", out])
        let files = ["scores.csv", "scores.json"].map { out + "/latest/" + $0 }
        let digest = r.2 == 0 ? try files.map { try SHA256Digest.hex(ofFile: $0) }.joined(separator: " ") : "run failed (exit \(r.2))"
        digests.append(digest)
        say("threads \(threads): scores.csv, scores.json sha256 \(digest)")
    }
    say(Set(digests).count == 1 ? "outputs identical at every thread count: yes" : "outputs identical at every thread count: NO")
    target("identical outputs at every thread count", Set(digests).count == 1 ? "yes" : "no", Set(digests).count == 1)
}
say()

// (4) Workload (a): the real national file plus the three real texts.
if let real = options.real, options.runs("real") {
    let file = real + "/dfe/csww_indicators_2017_to_2023.csv"
    let realReader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(), registry: try AuthorityRegistry.bundled())
    let rawA = libcsvRaw(file)
    let ingestA = try best(10) { _ = try realReader.read(path: file, wanted: Measure.workforce, kind: "workforce") }
    let runA = bestProcess(executable, ["run", "--workforce", file, "--inspections", real + "/inspections", "--out", NSTemporaryDirectory() + "wfrisk-bench-real", "--force", "--quiet"])
    say("## Workload (a): real national file (\(fmt(mb(fileSize(file)), 2)) MB) and the three real texts")
    say("| run | seconds | ratio |")
    say("|---|---|---|")
    say("| libcsv raw tokenising (reference) | \(fmt(rawA, 4)) | 1.00 |")
    say("| wfrisk ingest, 1 core | \(fmt(ingestA, 4)) | \(fmt(rawA / ingestA)) of libcsv speed |")
    say("| wfrisk run end to end (process, incl. start-up) | \(fmt(runA.0, 3)) | peak \(fmt(Double(runA.1) / 1024, 0)) MB |")
    say()
}

// (4b) Ofsted's report PDFs (../shared/data/ofsted/reports): poppler through wfrisk's reader
// (PDFText + PDFProse) against poppler's own pdftotext on the same files, the same number at
// a time; then the whole extraction, and its peak memory on a quarter of the folder and on all
// of it (flat memory: each PDF is released before the next).
if let real = options.real, options.runs("pdf") {
    let folder = real + "/ofsted/reports"
    let pdftotext = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let pdfs = try InspectionIngest.expand([folder]).filter { $0.lowercased().hasSuffix(".pdf") }
    if let pdftotext, !pdfs.isEmpty {
        let bytes = pdfs.reduce(0) { $0 + fileSize($1) }
        say("## Ofsted report PDFs (\(pdfs.count) files, \(fmt(mb(bytes), 1)) MB)")
        say("| run | threads | seconds | ratio to pdftotext |")
        say("|---|---|---|---|")
        for threads in Set([1, cores]).sorted() {
            // pdftotext processes, `threads` at a time (text to /dev/null).
            let reference = best {
                _ = Parallel.map(pdfs, threads: threads) { file -> Int32 in
                    var pid: pid_t = 0
                    let argvList = [pdftotext, "-q", file, "/dev/null"]
                    var argv: [UnsafeMutablePointer<CChar>?] = argvList.map { strdup($0) } + [nil]
                    defer { for p in argv { free(p) } }
                    guard posix_spawn(&pid, pdftotext, nil, nil, &argv, environ) == 0 else { return -1 }
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                    return status
                }
            }
            let mine = best {
                _ = Parallel.map(pdfs, threads: threads) { file -> Int in
                    guard case .success(let pdf) = PDFText.read(path: file) else { return 0 }
                    return PDFProse.text(pdf).utf8.count
                }
            }
            let extract = try best { _ = try InspectionIngest.read(pdfs, registry: try AuthorityRegistry.bundled(), threads: threads) }
            say("| pdftotext (reference, poppler-utils) | \(threads) | \(fmt(reference, 3)) | 1.00 |")
            say("| wfrisk PDF text (PDFText + PDFProse) | \(threads) | \(fmt(mine, 3)) | \(fmt(mine / reference)) |")
            say("| wfrisk extract (text, report reading, signals) | \(threads) | \(fmt(extract, 3)) | \(fmt(extract / reference)) |")
            target("PDF text at most 1.2x pdftotext's time (\(threads) thread\(threads == 1 ? "" : "s"))", "\(fmt(mine / reference))x", mine / reference <= 1.2)
        }
        // Peak memory of `wfrisk extract` on the first quarter of the folder and on all of it.
        let quarter = NSTemporaryDirectory() + "wfrisk-bench-pdf-quarter"
        try? FileManager.default.removeItem(atPath: quarter)
        try FileManager.default.createDirectory(atPath: quarter, withIntermediateDirectories: true)
        for (k, f) in pdfs.prefix(pdfs.count / 4).enumerated() { try FileManager.default.createSymbolicLink(atPath: quarter + "/\(k).pdf", withDestinationPath: URL(fileURLWithPath: f).standardizedFileURL.path) }
        let small = bestProcess(executable, ["extract", quarter, "--json", "--threads", "\(cores)"])
        let all = bestProcess(executable, ["extract", folder, "--json", "--threads", "\(cores)"])
        say("| peak memory of wfrisk extract --json | \(pdfs.count / 4) files: \(fmt(Double(small.1) / 1024, 0)) MB | all \(pdfs.count): \(fmt(Double(all.1) / 1024, 0)) MB | \(fmt(Double(all.1) / Double(max(small.1, 1))))x |")
        target("memory flat across the PDF folder (all / a quarter <= 1.5)", "\(fmt(Double(all.1) / Double(max(small.1, 1))))x", Double(all.1) <= 1.5 * Double(small.1))
        say()
    } else {
        say("(PDF section skipped: \(pdftotext == nil ? "pdftotext not installed (poppler-utils)" : "no PDFs in \(folder)"))")
    }
}

// (6) Scale (issue 25): every target of the issue as a ratio against its reference, run side by
// side in this invocation. The 100x workload is the workforce file alone (243 MB: 20,000
// authorities × 50 years); pandas `read_csv` of the same file alone is the reference, its runs
// alternating with wfrisk's so a noisy neighbour slows both.
/// One row of the scale table: target, measured, reference, ratio (measured / reference), met.
struct ScaleRow { let target: String, measured: String, reference: String, ratio: String, met: Bool }
var scaleRows: [ScaleRow] = []

/// The stage durations a run's manifest records, by stage name.
func stageSeconds(_ runFolder: String) -> [String: Double] {
    guard let data = FileManager.default.contents(atPath: runFolder + "/manifest.json"),
          let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let stages = manifest["stages"] as? [[String: Any]] else { return [:] }
    var out: [String: Double] = [:]
    for s in stages { if let name = s["name"] as? String, let d = s["duration_seconds"] as? Double { out[name] = d } }
    return out
}

/// SHA-256 of each machine-readable table a run wrote (those the outputs must keep byte for byte).
func tableDigests(_ runFolder: String) -> [String] {
    ["scores.csv", "scores.json", "history.csv", "indicators.csv"].map { name in
        let path = runFolder + "/" + name
        return FileManager.default.fileExists(atPath: path) ? ((try? SHA256Digest.hex(ofFile: path)) ?? "unreadable") : "absent"
    }
}

/// Every file under `folder` (any depth) with its size in bytes, by relative path.
func filesBelow(_ link: String) -> [(String, Int)] {
    // `latest` is a symbolic link to the run's folder: enumerate the folder itself.
    let folder = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
    let found = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
    return found.sorted().compactMap { rel in
        var dir: ObjCBool = false
        let full = folder + "/" + rel
        guard FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue else { return nil }
        return (rel, fileSize(full))
    }
}

if options.runs("scale") {
    let scaleDir = options.workload + "/scale"
    try FileManager.default.createDirectory(atPath: scaleDir, withIntermediateDirectories: true)
    /// Workforce only (with the workload's own registry), to `out` under the workload, in `formats` (nil: the default four).
    func scalePipeline(_ name: String, out: String, formats: String?) throws -> String {
        let file = scaleDir + "/\(name).yml"
        try ("inputs:\n  workforce: ../workforce/*.csv\n  reference:\n    authorities: ../reference/authorities.csv\n"
            + "outputs:\n  directory: \(out)\n  keep_runs: 1\n" + (formats.map { "  formats: \($0)\n" } ?? ""))
            .write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    let tablesYML = try scalePipeline("tables", out: "out-tables", formats: "[csv, json]")
    let defaultYML = try scalePipeline("default", out: "out-default", formats: nil)
    let script = FileManager.default.currentDirectoryPath + "/Benchmarks/pandas_reference.py"
    let n = max(1, options.repeatCount)
    var pandas: [(Double, Int, Int32)] = [], tables: [(Double, Int, Int32)] = [], full: [(Double, Int, Int32)] = []
    var tableStages: [[String: Double]] = []
    var beforeTables: [(Double, Int, Int32)] = [], beforeStages: [[String: Double]] = [], beforeFull: [(Double, Int, Int32)] = []
    // Alternating: pandas, (the --before build, csv+json,) wfrisk csv+json, (the --before build, default formats,) wfrisk default
    // formats; best of each.
    for _ in 0..<n {
        if options.pandas { pandas.append(runProcess("/usr/bin/env", ["python3", script, workforce, "--read-only"])) }
        if let before = options.before {
            beforeTables.append(runProcess(before, ["run", "--pipeline", tablesYML, "--force", "--quiet", "--out", scaleDir + "/out-tables-before"]))
            beforeStages.append(stageSeconds(scaleDir + "/out-tables-before/latest"))
        }
        tables.append(runProcess(executable, ["run", "--pipeline", tablesYML, "--force", "--quiet"]))
        tableStages.append(stageSeconds(scaleDir + "/out-tables/latest"))
        if let before = options.before {
            beforeFull.append(runProcess(before, ["run", "--pipeline", defaultYML, "--force", "--quiet", "--out", scaleDir + "/out-default-before"]))
        }
        full.append(runProcess(executable, ["run", "--pipeline", defaultYML, "--force", "--quiet"]))
    }
    let bestIndex = tables.indices.min { tables[$0].0 < tables[$1].0 }!
    let t = tables[bestIndex], f = full.min { $0.0 < $1.0 }!
    let p = pandas.filter { $0.2 == 0 }.min { $0.0 < $1.0 }
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    say("## Scale (issue 25): 100x workload, workforce only (\(fmt(mb(csvBytes), 1)) MB); runs alternating, best of \(n); load average \(load)")
    say("| run | seconds (each run) | peak memory MB | peak / input |")
    say("|---|---|---|---|")
    func row(_ label: String, _ runs: [(Double, Int, Int32)]) {
        guard let b = runs.min(by: { $0.0 < $1.0 }) else { return }
        let each = runs.map { $0.2 == 0 ? fmt($0.0, 2) : "exit \($0.2)" }.joined(separator: ", ")
        say("| \(label) | \(fmt(b.0, 2)) (\(each)) | \(fmt(Double(b.1) / 1024, 0)) | \(fmt(Double(b.1) * 1024 / Double(csvBytes))) |")
    }
    if options.pandas { row("pandas read_csv alone (reference)", pandas) }
    if !beforeTables.isEmpty { row("--before build, formats csv and json", beforeTables) }
    row("wfrisk run, formats csv and json", tables)
    if !beforeFull.isEmpty { row("--before build, default formats", beforeFull) }
    row("wfrisk run, default formats (csv, json, xlsx, html)", full)
    let stages = tableStages[bestIndex]
    let order = ["load_reference", "ingest_workforce", "join", "score", "rank", "uncertainty", "write"]
    if !stages.isEmpty {
        say("stages of the best csv+json run (manifest, seconds): " + order.compactMap { s in stages[s].map { "\(s) \(fmt($0, 2))" } }.joined(separator: ", "))
    }
    if !beforeTables.isEmpty {
        // Each round's --before run and this build's, side by side, stage by stage.
        say("csv+json, --before build / this build, each round (manifest, seconds): " + zip(beforeStages, tableStages).enumerated().map { k, pair in
            "round \(k + 1): " + order.compactMap { s in pair.0[s].flatMap { b in pair.1[s].map { "\(s) \(fmt(b, 2))/\(fmt($0, 2))" } } }.joined(separator: " ")
                + " | whole \(fmt(beforeTables[k].0, 2))/\(fmt(tables[k].0, 2))"
        }.joined(separator: "; "))
        if let b = beforeTables.min(by: { $0.0 < $1.0 }), b.2 == 0, t.2 == 0 {
            scaleRows.append(ScaleRow(target: "100x, csv+json: this build against the --before build (side by side)", measured: "\(fmt(t.0, 2)) s",
                                      reference: "\(fmt(b.0, 2)) s", ratio: fmt(t.0 / b.0) + "x", met: t.0 <= b.0))
        }
    }
    if let b = beforeFull.min(by: { $0.0 < $1.0 }), b.2 == 0, f.2 == 0 {
        scaleRows.append(ScaleRow(target: "100x, default formats: this build against the --before build (side by side)", measured: "\(fmt(f.0, 2)) s",
                                  reference: "\(fmt(b.0, 2)) s", ratio: fmt(f.0 / b.0) + "x", met: f.0 <= b.0))
    }
    if let p, t.2 == 0 {
        scaleRows.append(ScaleRow(target: "100x, csv+json: whole run <= 1.0x pandas read_csv", measured: "\(fmt(t.0, 2)) s", reference: "\(fmt(p.0, 2)) s",
                                  ratio: fmt(t.0 / p.0) + "x", met: t.0 <= p.0))
    }
    if let p, f.2 == 0 {
        scaleRows.append(ScaleRow(target: "100x, default formats: whole run <= 2.0x pandas read_csv", measured: "\(fmt(f.0, 2)) s", reference: "\(fmt(p.0, 2)) s",
                                  ratio: fmt(f.0 / p.0) + "x", met: f.0 <= 2 * p.0))
    }
    // Sizes of every file of the default run: none over 50 MB but the workbook and the machine-readable tables.
    let outputs = filesBelow(scaleDir + "/out-default/latest")
    let exempt = { (name: String) in name == "scores.xlsx" || name.hasSuffix(".csv") || name.hasSuffix(".json") }
    let oversize = outputs.filter { $0.1 > 50_000_000 && !exempt($0.0) }
    let pages = outputs.count
    say("output files of the default run (\(pages)): " + outputs.filter { !$0.0.contains("/") }.map { "\($0.0) \(fmt(mb($0.1), 1)) MB" }.joined(separator: ", ")
        + (outputs.contains { $0.0.contains("/") } ? "; \(outputs.filter { $0.0.contains("/") }.count) files in folders, largest \(fmt(mb(outputs.filter { $0.0.contains("/") }.map(\.1).max() ?? 0), 2)) MB" : ""))
    scaleRows.append(ScaleRow(target: "100x, default formats: no file over 50 MB (workbook, csv, json excepted)",
                              measured: oversize.isEmpty ? "largest other \(fmt(mb(outputs.filter { !exempt($0.0) }.map(\.1).max() ?? 0), 1)) MB" : oversize.map { "\($0.0) \(fmt(mb($0.1), 0)) MB" }.joined(separator: ", "),
                              reference: "50 MB", ratio: fmt(mb(outputs.filter { !exempt($0.0) }.map(\.1).max() ?? 0) / 50) + "x",
                              met: oversize.isEmpty && f.2 == 0 && !outputs.isEmpty))
    scaleRows.append(ScaleRow(target: "100x, csv+json: peak memory <= 2x the input", measured: "\(fmt(Double(t.1) / 1024, 0)) MB", reference: "\(fmt(mb(csvBytes), 0)) MB input",
                              ratio: fmt(Double(t.1) * 1024 / Double(csvBytes)) + "x", met: Double(t.1) * 1024 <= 2 * Double(csvBytes)))
    scaleRows.append(ScaleRow(target: "100x, default formats: peak memory <= 2x the input", measured: "\(fmt(Double(f.1) / 1024, 0)) MB", reference: "\(fmt(mb(csvBytes), 0)) MB input",
                              ratio: fmt(Double(f.1) * 1024 / Double(csvBytes)) + "x", met: Double(f.1) * 1024 <= 2 * Double(csvBytes)))
    if let p {
        say("pandas read_csv alone peak memory: \(fmt(Double(p.1) / 1024, 0)) MB")
    }

    // Byte-identical tables at 1 and all threads (the timed runs used all cores), and against --before.
    let one = scaleDir + "/out-tables-1"
    let r1 = runProcess(executable, ["run", "--pipeline", tablesYML, "--force", "--quiet", "--threads", "1", "--out", one])
    let dN = tableDigests(scaleDir + "/out-tables/latest"), d1 = r1.2 == 0 ? tableDigests(one + "/latest") : ["run failed (exit \(r1.2))"]
    say("100x csv+json tables (scores.csv, scores.json, history.csv, indicators.csv) sha256 at \(cores) threads: \(dN.map { String($0.prefix(12)) }.joined(separator: " "))")
    say("the same at 1 thread: \(d1.map { String($0.prefix(12)) }.joined(separator: " "))")
    var identical = [("100x, 1 vs \(cores) threads", d1 == dN && !dN.contains("absent"))]

    // The national real run with every input, on one core (taskset and --threads 1), end to end.
    if let real = options.real {
        let dfe = real + "/dfe/"
        let texts = ["cumbria_monitoring_visit_news.txt", "medway_jtai_news.txt", "tameside_monitoring_visit_news.txt"].map { real + "/inspections/" + $0 }
        func realArgs(_ out: String, threads: Int) -> [String] {
            ["run", "--workforce", dfe + "csww_indicators_2017_to_2023.csv",
             "--demand", dfe + "b1_children_in_need_2013_to_2023.csv", dfe + "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv",
             "--neighbours", real + "/reference/statistical_neighbours_2025.csv", "--inspections"] + texts
                + ["--ofsted", real + "/ofsted/ofsted_la_judgements_2014_to_2021-09.csv", "--out", out, "--force", "--quiet", "--threads", "\(threads)"]
        }
        let realOut = NSTemporaryDirectory() + "wfrisk-bench-national"
        let taskset = FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset")
        var runs: [(Double, Int, Int32, [String: Double])] = [], beforeRuns: [(Double, Int, Int32, [String: Double])] = []
        let beforeOneCore = NSTemporaryDirectory() + "wfrisk-bench-national-before-1"
        func oneCore(_ binary: String, _ out: String) -> (Double, Int, Int32, [String: Double]) {
            let r = taskset ? runProcess("/usr/bin/taskset", ["-c", "0", binary] + realArgs(out, threads: 1))
                            : runProcess(binary, realArgs(out, threads: 1))
            return (r.0, r.1, r.2, stageSeconds(out + "/latest"))
        }
        // Alternating with the --before build when there is one.
        for _ in 0..<max(5, n) {
            if let before = options.before { beforeRuns.append(oneCore(before, beforeOneCore)) }
            runs.append(oneCore(executable, realOut))
        }
        let b = runs.min { $0.0 < $1.0 }!
        let write = b.3["write"] ?? .nan
        say("national real run, every input, one core (\(taskset ? "taskset -c 0, " : "")--threads 1): best \(fmt(b.0, 3)) s of " + runs.map { fmt($0.0, 3) }.joined(separator: ", ")
            + "; peak \(fmt(Double(b.1) / 1024, 0)) MB; stages: " + b.3.sorted { $0.value > $1.value }.prefix(6).map { "\($0.key) \(fmt($0.value, 3))" }.joined(separator: ", "))
        if let bb = beforeRuns.min(by: { $0.0 < $1.0 }) {
            let bw = bb.3["write"] ?? .nan
            say("the --before build, alternating: best \(fmt(bb.0, 3)) s of " + beforeRuns.map { fmt($0.0, 3) }.joined(separator: ", ")
                + "; write \(fmt(bw, 3)) s (\(fmt(bw / bb.0)) of the run)")
            scaleRows.append(ScaleRow(target: "national run, one core: this build against the --before build (side by side)", measured: "\(fmt(b.0, 3)) s",
                                      reference: "\(fmt(bb.0, 3)) s", ratio: fmt(b.0 / bb.0) + "x", met: b.0 <= bb.0))
            scaleRows.append(ScaleRow(target: "national run, one core: write stage, this build against the --before build", measured: "\(fmt(write, 3)) s",
                                      reference: "\(fmt(bw, 3)) s", ratio: fmt(write / bw) + "x", met: write <= bw))
        }
        scaleRows.append(ScaleRow(target: "national run, every input, one core: <= 0.25 s end to end", measured: "\(fmt(b.0, 3)) s", reference: "0.25 s",
                                  ratio: fmt(b.0 / 0.25) + "x", met: b.2 == 0 && b.0 <= 0.25))
        scaleRows.append(ScaleRow(target: "national run: write stage <= 1/3 of the run", measured: "\(fmt(write, 3)) s", reference: "\(fmt(b.0, 3)) s (the run)",
                                  ratio: fmt(write / b.0), met: write <= b.0 / 3))
        let twoOut = NSTemporaryDirectory() + "wfrisk-bench-national-\(cores)"
        let r2 = runProcess(executable, realArgs(twoOut, threads: cores))
        let realIdentical = r2.2 == 0 && tableDigests(twoOut + "/latest") == tableDigests(realOut + "/latest")
        identical.append(("national, 1 vs \(cores) threads", realIdentical))
        if let before = options.before {
            let beforeOut = NSTemporaryDirectory() + "wfrisk-bench-national-before"
            let rb = runProcess(before, realArgs(beforeOut, threads: cores))
            identical.append(("national, this build vs --before", rb.2 == 0 && tableDigests(beforeOut + "/latest") == tableDigests(realOut + "/latest")))
        }
    }
    if options.before != nil {
        // The timed runs of the --before build wrote these.
        identical.append(("100x, this build vs --before", beforeTables.last?.2 == 0 && tableDigests(scaleDir + "/out-tables-before/latest") == dN))
    }
    for (label, same) in identical { say("byte-identical tables, \(label): \(same ? "yes" : "NO")") }
    scaleRows.append(ScaleRow(target: "byte-identical scores/history/indicators csv and scores.json", measured: identical.map { "\($0.0): \($0.1 ? "yes" : "no")" }.joined(separator: "; "),
                              reference: "", ratio: "", met: identical.allSatisfy(\.1)))
    say()
    say("| target | measured | reference | ratio | met |")
    say("|---|---|---|---|---|")
    for r in scaleRows { say("| \(r.target) | \(r.measured) | \(r.reference) | \(r.ratio) | \(r.met ? "yes" : "NO") |") }
    say()
    for r in scaleRows { target(r.target, r.measured + (r.ratio.isEmpty ? "" : " (\(r.ratio))"), r.met) }
}

// (5) Scaling: time against input size (1x, 2x, 4x rows of the same shape).
if options.scaling && options.runs("scaling") {
    say("## Scaling (wfrisk run, workforce only)")
    say("| input | MB | seconds | time / 1x time | peak memory MB |")
    say("|---|---|---|---|---|")
    var base: Double?
    var times: [Double] = []
    for factor in [1, 2, 4] {
        let dir = options.workload + "/scale-\(factor)x"
        if !FileManager.default.fileExists(atPath: dir + "/workforce") {
            let gen = SampleGenerator(options: .init(authorities: 5000 * factor, firstYear: 1974, lastYear: 2023, seed: 7), registry: registry)
            try gen.write(to: dir)
        }
        let file = try PathPatterns.expand([dir + "/workforce/*.csv"], kind: "workforce")[0]
        try "inputs:\n  workforce: workforce/*.csv\n  reference:\n    authorities: reference/authorities.csv\noutputs:\n  directory: out\n  keep_runs: 1\n"
            .write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
        let r = bestProcess(executable, ["run", "--pipeline", dir + "/p.yml", "--force", "--quiet"])
        if base == nil { base = r.0 }
        times.append(r.0)
        say("| \(factor)x | \(fmt(mb(fileSize(file)), 0)) | \(fmt(r.0, 2)) | \(fmt(r.0 / base!)) | \(fmt(Double(r.1) / 1024, 0)) |")
    }
    let worst = max(times[1] / times[0], times[2] / times[1])
    target("time linear in input (2x input <= 2.2x time)", "worst doubling \(fmt(worst))x", worst <= 2.2)
}
if !targets.isEmpty {
    say()
    say("## Targets")
    say("| target | measured | met |")
    say("|---|---|---|")
    for (name, measured, met) in targets { say("| \(name) | \(measured) | \(met ? "yes" : "NO") |") }
}
try report.joined(separator: "\n").appending("\n").write(toFile: options.workload + "/results.md", atomically: true, encoding: .utf8)
