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
        abstract: "Compare two runs per authority: every column a reader acts on, and the set of authorities.",
        discussion: """
        BASELINE and NEW are baseline files, run folders (or `latest`) or scores.csv files (one
        copied out of its run folder is fine: it names its methodology version).
        Compared: the three scores (--score-tolerance, points), the three coverages
        (--coverage-tolerance, a share), the overall, instability, caseload-risk and previous ranks
        (--rank-tolerance, places), the 90% rank interval's ends (--interval-tolerance, places),
        p_high_band (--probability-tolerance), and exactly: bands, main_drivers, summary,
        change_note, status, exclusion_reason and the judgement columns. The quartile may move to a
        neighbouring quartile when the overall rank moved within --rank-tolerance. A value that is
        not one of its kind (nan, inf, hex, a score outside 0-100) is always a change. A baseline
        extract is compared on the columns it has (`wfrisk baseline update` writes them all).
        Files of different scoring years or methodology versions are not compared unless
        --allow-year-change or --allow-method-change is given.

        A CI job that fails when any published sentence changes (say a summary that turns
        "held down by" into "pushed up by") while tolerating numeric noise:
          wfrisk run --pipeline pipelines/ci-regression.yml
          wfrisk diff Tests/Golden/sample-baseline.csv out/ci-regression/latest \\
            --score-tolerance 0.05 --coverage-tolerance 0 --rank-tolerance 2 \\
            --interval-tolerance 3 --probability-tolerance 0.05
        (docs/ci.md: the whole job, and how to accept intended changes with `wfrisk baseline update`.)

        EXIT CODES: 0 within tolerance; 1 drift beyond tolerance (table printed, largest changes first);
        2 the inputs cannot be compared (unreadable, not score files, different schema versions,
        scoring years or methodology versions).
        """)

    @Argument(help: "Baseline file, run folder or scores.csv.")
    var baseline: String

    @Argument(help: "New run folder or scores.csv.")
    var new: String

    @OptionGroup var tolerances: ToleranceOptions

    @Option(help: "Output format: text or json.")
    var format: DiffFormat = .text

    @OptionGroup var comparability: ComparabilityOptions

    func run() throws {
        let a = try ScoreDiff.load(baseline), b = try ScoreDiff.load(new)
        let diff = try ScoreDiff.compare(a, b, tolerances: tolerances.tolerances, allow: comparability.allowed)
        print(format == .json ? diff.json() : diff.table(baseline: a, new: b), terminator: "")
        if !diff.isClean { throw ExitCode(ExitCodes.runtime) }
    }
}
