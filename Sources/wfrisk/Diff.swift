import ArgumentParser
import Foundation
import WFRisk

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs' scores per authority (scores, ranks, bands, the set of authorities).",
        discussion: """
        BASELINE and NEW are run folders (or `latest`) or scores.csv files.
        EXIT CODES: 0 within tolerance; 1 drift beyond tolerance (table printed, largest changes first);
        2 the inputs cannot be compared (unreadable, not score files, different schema versions).
        """)

    @Argument(help: "Baseline run folder or scores.csv.")
    var baseline: String

    @Argument(help: "New run folder or scores.csv.")
    var new: String

    @Option(help: "Absolute tolerance on scores and coverage (default 0: exact to the written 2 decimals).")
    var tolerance: Double = 0

    @Option(help: "Tolerance on ranks, in places.")
    var rankTolerance: Int = 0

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        guard tolerance >= 0, rankTolerance >= 0 else { throw ValidationError("tolerances must not be negative") }
    }

    func run() throws {
        let code: Int32
        do {
            code = try Self.compare(baseline: baseline, new: new, tolerance: tolerance, rankTolerance: rankTolerance, json: format == "json")
        } catch {
            fail(error)
        }
        if code != 0 { throw ExitCode(code) }
    }

    static func compare(baseline: String, new: String, tolerance: Double, rankTolerance: Int, json: Bool) throws -> Int32 {
        let a = try ScoreDiff.load(baseline), b = try ScoreDiff.load(new)
        let diff = try ScoreDiff.compare(a, b, tolerance: tolerance, rankTolerance: rankTolerance)
        print(json ? diff.json() : diff.table(baseline: a, new: b), terminator: "")
        return diff.isClean ? 0 : 1
    }
}
