import ArgumentParser
import Foundation
import WFRisk

enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

/// What may differ between two score files for them still to be compared.
struct ComparabilityOptions: ParsableArguments {
    @Flag(help: "Compare even if the two files score different years.")
    var allowYearChange = false

    @Flag(help: "Compare even if the two files were made with different methodology versions.")
    var allowMethodChange = false

    var allowed: Set<ScoreDiff.Mismatch> {
        var s = Set<ScoreDiff.Mismatch>()
        if allowYearChange { s.insert(.year) }
        if allowMethodChange { s.insert(.methodology) }
        return s
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs' scores per authority (scores, ranks, bands, the set of authorities).",
        discussion: """
        BASELINE and NEW are baseline files, run folders (or `latest`) or scores.csv files.
        A score that is not a number (nan, inf) in NEW is always a change. Files of different
        scoring years or methodology versions are not compared unless --allow-year-change or
        --allow-method-change is given. A band follows the overall rank: with --rank-tolerance
        above 0, a move to a neighbouring band is not counted when the overall rank and overall
        score are within tolerance; any other band change is.
        EXIT CODES: 0 within tolerance; 1 drift beyond tolerance (table printed, largest changes first);
        2 the inputs cannot be compared (unreadable, not score files, different schema versions,
        scoring years or methodology versions).
        """)

    @Argument(help: "Baseline file, run folder or scores.csv.")
    var baseline: String

    @Argument(help: "New run folder or scores.csv.")
    var new: String

    @Option(help: "Absolute tolerance on scores and coverage, 0 to 100 (default 0: exact to the written 2 decimals).")
    var tolerance: Double = 0

    @Option(help: "Tolerance on ranks, in places.")
    var rankTolerance: Int = 0

    @Option(help: "Output format: text or json.")
    var format: DiffFormat = .text

    @OptionGroup var comparability: ComparabilityOptions

    func validate() throws {
        do {
            try SettingRanges.check(tolerance, option: "--tolerance")
            try SettingRanges.check(rankTolerance, option: "--rank-tolerance")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let a = try ScoreDiff.load(baseline), b = try ScoreDiff.load(new)
        let diff = try ScoreDiff.compare(a, b, tolerance: tolerance, rankTolerance: rankTolerance, allow: comparability.allowed)
        print(format == .json ? diff.json() : diff.table(baseline: a, new: b), terminator: "")
        if !diff.isClean { throw ExitCode(ExitCodes.runtime) }
    }
}
