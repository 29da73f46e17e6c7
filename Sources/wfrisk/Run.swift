import ArgumentParser
import Foundation
import Logging
import WFRisk

/// Logging options shared by commands that log.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: "Log format: text or json (one JSON object per line, for cron and log shippers).")
    var logFormat: String = "text"

    @Flag(name: .shortAndLong, help: "Only warnings and errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Debug detail.")
    var verbose = false

    func validate() throws {
        guard RunLogHandler.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    func makeLogger() -> Logger {
        let format = RunLogHandler.Format(rawValue: logFormat) ?? .text
        let level: Logger.Level = quiet ? .warning : (verbose ? .debug : .info)
        return Logger(label: "wfrisk") { label in RunLogHandler(label: label, format: format, level: level) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scoring pipeline (default: pipelines/nightly.yml on sample-data/).",
        discussion: """
        With no options, runs pipelines/nightly.yml. Files named on the command line replace the
        pipeline's inputs of that kind (--workforce alone drops the pipeline's demand and inspection
        inputs). Each run writes a new folder under <out>/runs/ and, only when complete, points
        <out>/latest at it. Unchanged inputs: nothing to do, exit 0 (use --force).

        EXIT CODES: 0 success or nothing to do; 1 runtime failure; 2 usage or pipeline-file error;
        3 input validation failure; 4 another run holds the lock; with --baseline, 1 when scores
        drifted beyond tolerance (see `wfrisk diff`).
        """)

    @Option(name: .long, help: "Pipeline file.")
    var pipeline: String = "pipelines/nightly.yml"

    @Option(name: .long, parsing: .upToNextOption, help: "DfE workforce CSV file(s) or patterns; replaces the pipeline's.")
    var workforce: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "DfE children-in-need (b1) or referrals (c1) CSV file(s).")
    var demand: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Inspection texts or folders of them.")
    var inspections: [String] = []

    @Option(name: .long, help: "Ofsted judgements CSV: each unit's judgement in force at the census, beside the scores.")
    var ofsted: String?

    @Option(name: .long, help: "Statistical neighbours CSV (DfE layout).")
    var neighbours: String?

    @Option(name: .long, help: "Scoring year (default: latest in the data).")
    var year: Int?

    @Option(name: .long, help: "Output folder (holds runs/ and latest).")
    var out: String?

    @Option(name: .long, help: "Worker threads for ingest and text extraction (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Rerun even when nothing changed since the last successful run.")
    var force = false

    @Option(name: .long, help: "After the run, compare with this baseline (run folder or scores.csv) and fail on drift.")
    var baseline: String?

    @Option(name: .long, help: "With --baseline: absolute score tolerance.")
    var tolerance: Double = 0

    @Option(name: .long, help: "With --baseline: rank tolerance.")
    var rankTolerance: Int = 0

    @OptionGroup var log: LogOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let logger = log.makeLogger()
        do {
            var p = try Pipeline.load(path: pipeline)
            if !workforce.isEmpty {
                p.inputs.workforce = workforce
                p.inputs.demand = []
                p.inputs.inspections = []
                p.inputs.neighbours = nil
            }
            if !demand.isEmpty { p.inputs.demand = demand }
            if !inspections.isEmpty { p.inputs.inspections = inspections }
            if let neighbours { p.inputs.neighbours = neighbours }
            if let ofsted { p.inputs.ofsted = ofsted }
            if let year { p.settings.scoring.year = year }
            if let out { p.outputs.directory = out }
            var options = RunOptions()
            options.force = force
            if let threads { options.threads = threads }
            options.progress = isatty(STDERR_FILENO) == 1 && log.logFormat == "text" && !log.quiet
            if let pause = ProcessInfo.processInfo.environment["WFRISK_TEST_PAUSE_BEFORE_PUBLISH"], let s = Double(pause) {
                options.pauseBeforePublish = s
            }
            let outcome = try PipelineRunner(pipeline: p, options: options, logger: logger).run()
            printSummary(outcome)
            if let baseline {
                let latestCSV = (outcome.latest as NSString).appendingPathComponent("scores.csv")
                let code = try DiffCommand.compare(baseline: baseline, new: latestCSV, tolerance: tolerance, rankTolerance: rankTolerance, json: false)
                if code != 0 { throw ExitCode(code) }
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            fail(error)
        }
    }

    func printSummary(_ outcome: RunOutcome) {
        guard let table = outcome.table else {
            print("Nothing to do: inputs unchanged since the last successful run (\(outcome.runDirectory)). Use --force to rerun.")
            return
        }
        let ranked = table.units.filter(\.isRanked)
        print("Scored \(table.units.count) reporting units for \(table.year): \(ranked.count) ranked, \(table.units.count - ranked.count) excluded.")
        print("")
        print("Top 10 by overall score (higher = more risk):")
        print("rank  score  instab  caseload  authority")
        for u in ranked.prefix(10) {
            let rank = String(u.overallRank ?? 0).padding(toLength: 4, withPad: " ", startingAt: 0)
            print("\(rank)  \(Decimals.format(u.overall ?? 0, 1).leftPad(5))  \(Decimals.format(u.instability.value ?? 0, 1).leftPad(6))  \(Decimals.format(u.caseloadRisk.value ?? 0, 1).leftPad(8))  \(u.name) (\(u.oldCode))")
        }
        for u in table.units where !u.isRanked {
            print("excluded: \(u.name) (\(u.oldCode)): \(u.exclusionReason ?? "")")
        }
        print("")
        print("Files written:")
        for o in outcome.outputs { print("  \(o)") }
        print("  \((outcome.latest as NSString).appendingPathComponent("manifest.json"))")
        print("(latest -> \(outcome.runDirectory))")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
