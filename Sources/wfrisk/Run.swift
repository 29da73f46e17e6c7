import ArgumentParser
import Foundation
import Logging
import WFRisk
import WFRiskCore
import WFRiskScoring

extension RunLog.Format: ExpressibleByArgument {}

/// Logging options shared by commands that log.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: "Log format: text or json (every line on stdout and stderr one JSON object, for cron and log shippers).")
    var logFormat: RunLog.Format = .text

    @Flag(name: .shortAndLong, help: "Only warnings and errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Debug detail.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    func makeLog() -> RunLog {
        RunLog(format: logFormat, level: quiet ? .warning : (verbose ? .debug : .info))
    }

    /// The log format asked for, read before parsing, so that even a usage error is reported in it.
    static func prescan(_ arguments: [String]) -> RunLog {
        var format = RunLog.Format.text
        for (i, a) in arguments.enumerated() {
            if a == "--log-format", i + 1 < arguments.count, let f = RunLog.Format(rawValue: arguments[i + 1]) { format = f }
            if a.hasPrefix("--log-format="), let f = RunLog.Format(rawValue: String(a.dropFirst("--log-format=".count))) { format = f }
        }
        return RunLog(format: format, level: .info)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scoring pipeline (default: pipelines/nightly.yml on sample-data/).",
        discussion: """
        Without --pipeline, runs pipelines/nightly.yml of the checkout this binary sits in (under
        .build/), else pipelines/nightly.yml below the working directory; an installed binary
        with neither asks for --pipeline and names the installed sample pipeline.
        Files named on the command line without --pipeline make an ad-hoc run: default settings,
        those files, and --out is required (an ad-hoc run never publishes into a pipeline's folder).
        With --pipeline, files named replace the pipeline's inputs of that kind (--workforce alone
        drops the pipeline's demand, inspection and neighbour inputs).
        Each run writes a new folder under <out>/runs/ and, only when complete, points <out>/latest
        at it. Unchanged inputs, pipeline, settings and versions: nothing to do, exit 0 (--force reruns).

        EXIT CODES
        \(ExitCodes.table.map { "  \($0.code)  \($0.meaning)" }.joined(separator: "\n"))
        """)

    @Option(name: .long, help: "Pipeline file (default: pipelines/nightly.yml of the checkout this binary sits in, or of the working directory).")
    var pipeline: String?

    enum FilesHelp: InputFileHelp {
        static let workforce = "DfE workforce CSV file(s) or patterns; replaces the pipeline's (and drops its demand, population, inspections and neighbours)."
        static let demand = "DfE children-in-need (b1) or referrals (c1) CSV file(s)."
    }

    @OptionGroup var files: InputFileOptions<FilesHelp>

    @Option(name: .long, parsing: .upToNextOption, help: "Inspection texts or folders of them.")
    var inspections: [String] = []

    @Option(name: .long, help: "Statistical neighbours CSV (DfE layout).")
    var neighbours: String?

    @Option(name: .long, help: "Scoring year, 2000 to 2100 (default: latest in the data).")
    var year: Int?

    @Option(name: .long, help: "Years scored for history.csv: a range such as 2019-2023, `last N`, or all (default: settings.scoring.history, last 10).")
    var years: String?

    @Option(name: .long, help: "Simulated draws for the rank intervals, 0 to 100000; 0 = none (default: settings.uncertainty.draws, 500).")
    var draws: Int?

    @Option(name: .long, help: "Output folder (holds runs/ and latest). Required for ad-hoc runs.")
    var out: String?

    @Option(name: .long, help: "Worker threads for ingest and text extraction, 1 to 1024 (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Rerun even when nothing changed since the last successful run.")
    var force = false

    @Option(name: .long, help: "Compare the new scores with this baseline (file, run folder or latest, read before anything is published) and exit 1 on drift.")
    var baseline: String?

    /// With --baseline: the tolerances of `wfrisk diff`.
    @OptionGroup var tolerances: ToleranceOptions

    @Flag(name: .long, help: "With --baseline: compare even if the scoring years differ.")
    var allowYearChange = false

    @Flag(name: .long, help: "With --baseline: compare even if the methodology versions differ.")
    var allowMethodChange = false

    @OptionGroup var log: LogOptions

    func validate() throws {
        do {
            if let year { try SettingRanges.check(year, option: "--year") }
            if let draws { try SettingRanges.check(draws, option: "--draws") }
            if let years, HistoryWindow(years) == nil {
                throw WFRiskError.usage("--years must be `all`, `last N` (N from 1 to 100) or a range of years from 2000 to 2100 such as 2019-2023, got '\(years)'")
            }
            if let threads { try SettingRanges.check(threads, option: "--threads") }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The pipeline to run after command-line overrides, and the overrides made.
    func resolvedPipeline() throws -> (Pipeline, [RunOverride]) {
        var overrides: [RunOverride] = []
        let namesInputs = !files.workforce.isEmpty || !files.demand.isEmpty || files.population != nil || !inspections.isEmpty || neighbours != nil
        var p: Pipeline
        if pipeline == nil && namesInputs {
            guard !files.workforce.isEmpty else {
                throw WFRiskError.usage("--demand, --population, --inspections and --neighbours without --pipeline need --workforce (an ad-hoc run), or name a pipeline with --pipeline")
            }
            guard let out else {
                throw WFRiskError.usage("an ad-hoc run (files named without --pipeline) needs --out DIR; it never publishes into a pipeline's folder such as out/nightly")
            }
            p = try Pipeline.adHoc(directory: out)
        } else {
            guard let path = pipeline ?? Pipeline.defaultPath() else {
                var text = "no --pipeline given and no default pipeline found (looked for \(Pipeline.candidateDefaultPaths().joined(separator: ", "))); pass --pipeline FILE"
                if let sample = Pipeline.installedSamplePath() {
                    text += ". The installed sample pipeline (synthetic data) runs with: wfrisk run --pipeline \(sample) --out DIR"
                }
                throw WFRiskError.usage(text)
            }
            if pipeline == nil, out == nil, year != nil {
                throw WFRiskError.usage("--year changes what the default pipeline publishes into \(try Pipeline.load(path: path).outputs.directory), which its readers use; give --out DIR, or --pipeline to change that pipeline on purpose")
            }
            p = try Pipeline.load(path: path)
        }
        if !files.workforce.isEmpty {
            p.inputs.inspections = []
            p.inputs.neighbours = nil
        }
        files.apply(to: &p, overrides: &overrides)
        if !inspections.isEmpty {
            p.inputs.inspections = inspections
            overrides.append(RunOverride(option: "--inspections", value: inspections.joined(separator: " ")))
        }
        if let neighbours {
            p.inputs.neighbours = neighbours
            overrides.append(RunOverride(option: "--neighbours", value: neighbours))
        }
        if let year {
            p.settings.scoring.year = year
            overrides.append(RunOverride(option: "--year", value: String(year)))
        }
        if let years {
            p.settings.scoring.history = HistoryWindow(years) ?? .all
            overrides.append(RunOverride(option: "--years", value: years))
        }
        if let draws {
            p.settings.scoring.uncertainty.draws = draws
            overrides.append(RunOverride(option: "--draws", value: String(draws)))
        }
        if let out {
            p.outputs.directory = out
            overrides.append(RunOverride(option: "--out", value: out))
        }
        return (p, overrides)
    }

    func run() throws {
        let runLog = CLI.log
        let logger = runLog.logger()
        let (p, overrides) = try resolvedPipeline()
        // Read before anything is published: `--baseline OUT/latest` is the previous run, never this one.
        let baselineFile = try baseline.map { try ScoreDiff.load($0) }
        if baselineFile != nil && !p.outputs.formats.contains(.csv) {
            throw WFRiskError.usage("--baseline compares scores.csv, but the pipeline's outputs.formats leaves csv out")
        }
        var options = RunOptions()
        options.force = force
        options.overrides = overrides
        if let threads { options.threads = threads }
        options.progress = isatty(STDERR_FILENO) == 1 && log.logFormat == .text && !log.quiet
        options.leaveAtExit = true
        if let pause = ProcessInfo.processInfo.environment["WFRISK_TEST_PAUSE_BEFORE_PUBLISH"], let s = Double(pause) {
            options.pauseBeforePublish = s
        }
        if let baselineFile {
            // The gate runs before publishing: drifted scores never become `latest`.
            let check = BaselineCheck(baseline: baselineFile, tolerances: tolerances.tolerances,
                                      allow: allowed, log: runLog)
            options.beforePublish = { runDir in try check.compare(runDirectory: runDir, beingWritten: true) }
        }
        let outcome = try PipelineRunner(pipeline: p, options: options, logger: logger).run()
        // The command exits once this returns: its score table is left for the exit to free.
        LeftAtExit.keep(value: outcome)
        let runID = (outcome.runDirectory as NSString).lastPathComponent
        Summary.write(outcome, pipeline: p, log: runLog)
        if let baselineFile, outcome.status == .upToDate {
            // Nothing new was scored: check what `latest` holds, unless it is the baseline itself.
            try BaselineCheck(baseline: baselineFile, tolerances: tolerances.tolerances, allow: allowed, log: runLog)
                .compare(runDirectory: outcome.runDirectory, beingWritten: false)
        }
        CLI.finished(exitCode: ExitCodes.success,
                     extra: [("status", .string((outcome.status == .published ? RunStatus.success : .nothingToDo).rawValue)),
                             ("run_id", .string(runID)), ("run_dir", .string(outcome.runDirectory)), ("pipeline", .string(p.file))])
    }

    var allowed: Set<ScoreDiff.Mismatch> {
        var allow = Set<ScoreDiff.Mismatch>()
        if allowYearChange { allow.insert(.year) }
        if allowMethodChange { allow.insert(.methodology) }
        return allow
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        func real(_ p: String) -> String? {
            guard let r = realpath(p, nil) else { return nil }
            defer { free(r) }
            return String(cString: r)
        }
        guard let x = real(a), let y = real(b) else { return false }
        return x == y
    }
}

/// `wfrisk run --baseline`: compares a run folder's scores with the baseline read at the start,
/// prints the diff (text table, or one JSON object on stdout), and throws on drift.
struct BaselineCheck: Sendable {
    let baseline: ScoreDiff.ScoreFile
    let tolerances: ScoreDiff.Tolerances
    let allow: Set<ScoreDiff.Mismatch>
    let log: RunLog

    func compare(runDirectory: String, beingWritten: Bool) throws {
        let newCSV = (runDirectory as NSString).appendingPathComponent("scores.csv")
        // Compared by where the baseline was when read: `latest` may have moved since.
        if let was = baseline.resolvedPath, Run.samePath(was, newCSV) {
            guard !beingWritten else {
                throw WFRiskError.usage("--baseline \(baseline.path) is the run being written (\(runDirectory)); compare with a saved baseline or an earlier run folder")
            }
            log.event(.info, "baseline not compared: it is the run latest already points at, and nothing new was scored",
                      [("event", .string("baseline_skipped")), ("baseline", .string(baseline.path))])
            return
        }
        let newFile = try ScoreDiff.load(newCSV)
        let diff = try ScoreDiff.compare(baseline, newFile, tolerances: tolerances, allow: allow)
        if log.format == .json {
            guard case .object(let pairs) = diff.jsonValue else { preconditionFailure("a diff renders as an object") }
            log.event(diff.isClean ? .info : .warning, diff.summary,
                      [("event", .string("baseline_diff")), ("baseline", .string(baseline.path))] + pairs, stream: .stdout, always: true)
        } else {
            log.printText(diff.table(baseline: baseline, new: newFile))
        }
        if !diff.isClean { throw ScoreDiff.Drift(baseline: baseline.path, summary: diff.summary) }
    }
}

/// What `wfrisk run` prints on stdout: the top ten and the files written (text), or one
/// `summary` JSON object (--log-format json).
enum Summary {
    static func write(_ outcome: RunOutcome, pipeline: Pipeline, log: RunLog) {
        let json = log.format == .json
        guard let table = outcome.table else {
            let text = "Nothing to do: inputs, pipeline, settings and versions unchanged since the last successful run (\(outcome.runDirectory)). Use --force to rerun."
            if json {
                log.event(.info, "nothing to do", [("event", .string("summary")), ("status", .string(RunStatus.nothingToDo.rawValue)),
                                                  ("run_dir", .string(outcome.runDirectory))], stream: .stdout, always: true)
            } else {
                log.printText(text + "\n")
            }
            return
        }
        // The first ten ranked units in table order, found without copying every unit out of the
        // table (`filter` did: 30 ms of one core at 20,000 units, perf).
        let rankedCount = table.units.count(where: \.isRanked)
        let top = Array(table.units.lazy.filter(\.isRanked).prefix(10))
        let excluded = table.units.filter { !$0.isRanked }
        let files = outcome.outputs + [(outcome.latest as NSString).appendingPathComponent("manifest.json")]
        let synthetic = outcome.syntheticInputs
        if json {
            var fields: [(String, JSONValue)] = [
                ("event", .string("summary")), ("year", .int(table.year)), ("units", .int(table.units.count)),
                ("ranked", .int(rankedCount)), ("excluded", .int(excluded.count)),
            ]
            fields.append(("top", .array(top.map { u in
                .object([("rank", .int(u.overallRank ?? 0)), ("old_la_code", .string(u.oldCode)), ("la_name", .string(u.name)),
                         ("overall_score", .double(u.overall, decimals: 1)), ("instability_score", .double(u.instability.value, decimals: 1)),
                         ("caseload_risk_score", .double(u.caseloadRisk.value, decimals: 1))])
            })))
            fields.append(("excluded_units", .array(excluded.map { u in
                .object([("old_la_code", .string(u.oldCode)), ("la_name", .string(u.name)), ("reason", .optionalString(u.exclusionReason))])
            })))
            fields.append(("files", .array(files.map { .string($0) })))
            fields.append(("run_dir", .string(outcome.runDirectory)))
            fields.append(("synthetic", .bool(!synthetic.isEmpty)))
            log.event(.info, "scored \(table.units.count) reporting units for \(table.year)", fields, stream: .stdout, always: true)
            return
        }
        var out = ""
        if !synthetic.isEmpty {
            out += "SYNTHETIC DATA: these scores are invented values under real authority names (\(synthetic.joined(separator: ", "))); not for any real decision.\n\n"
        }
        out += "Scored \(table.units.count) reporting units for \(table.year): \(rankedCount) ranked, \(excluded.count) excluded.\n\n"
        out += "Top 10 by overall score (higher = more risk):\nrank  score  instab  caseload  authority\n"
        for u in top {
            let rank = String(u.overallRank ?? 0).padding(toLength: 4, withPad: " ", startingAt: 0)
            out += "\(rank)  \(Decimals.format(u.overall ?? 0, 1).leftPad(5))  \(Decimals.format(u.instability.value ?? 0, 1).leftPad(6))  \(Decimals.format(u.caseloadRisk.value ?? 0, 1).leftPad(8))  \(NameText.forTerminal(u.name)) (\(u.oldCode))\n"
        }
        for u in excluded { out += "excluded: \(NameText.forTerminal(u.name)) (\(u.oldCode)): \(NameText.forTerminal(u.exclusionReason ?? ""))\n" }
        out += "\nFiles written:\n"
        for f in files { out += "  \(f)\n" }
        out += "(latest -> \(outcome.runDirectory))\n"
        log.printText(out)
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
