import ArgumentParser
import Foundation
import WFRisk

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Keep golden baselines of scores for CI regression checks.",
        subcommands: [Update.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how NEW differs from BASELINE, then (with --yes) replace BASELINE with NEW's scores.",
            discussion: """
            A baseline keeps only codes, names, scores, ranks, bands, coverage and status (no input values).
            Without --yes nothing is written: review the diff, then rerun with --yes to accept it.
            Exit 0 when written or already identical; 1 when there are changes and --yes was not given.
            """)

        @Argument(help: "New run folder (or latest) or scores.csv.") var new: String
        @Argument(help: "Baseline file to create or replace.") var baseline: String
        @Flag(help: "Accept the changes and write the baseline.") var yes = false

        func run() throws {
            do {
                let newFile = try ScoreDiff.load(new)
                if FileManager.default.fileExists(atPath: baseline) {
                    let old = try ScoreDiff.load(baseline)
                    let diff = try ScoreDiff.compare(old, newFile, tolerance: 0, rankTolerance: 0)
                    print(diff.table(baseline: old, new: newFile), terminator: "")
                    if diff.isClean { print("Baseline \(baseline) is up to date."); return }
                } else {
                    print("No baseline at \(baseline) yet: it will hold \(newFile.rows.count) authorities.")
                }
                guard yes else {
                    print("Not written. If these changes are intended, rerun with --yes.")
                    throw ExitCode(1)
                }
                try FileOutput.writeAtomically(ScoreDiff.extract(newFile), to: baseline)
                print("Wrote \(baseline).")
            } catch let e as ExitCode {
                throw e
            } catch {
                fail(error)
            }
        }
    }
}
