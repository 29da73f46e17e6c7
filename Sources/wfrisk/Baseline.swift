import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Keep golden baselines of scores for CI regression checks.",
        subcommands: [Update.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how NEW differs from BASELINE, then (with --yes) replace BASELINE with NEW's scores.",
            discussion: """
            Arguments in the same order as `wfrisk diff BASELINE NEW`.
            A baseline keeps codes, names, scoring year, methodology version and every column `wfrisk diff`
            compares (scores, coverage, ranks, rank interval, p_high_band, quartile, bands, drivers,
            summary, change note, status, judgements; no input values). Without --yes nothing is written: review the diff,
            then rerun with --yes to accept it. BASELINE must be a baseline file or a new .csv path:
            never a run folder, a `latest` link or any other file.
            Exit 0 when written or already identical; 1 when there are changes and --yes was not given;
            2 when BASELINE is not a baseline file or the two cannot be compared.
            """)

        @Argument(help: "Baseline file to create or replace (.csv).") var baseline: String
        @Argument(help: "New run folder (or latest) or scores.csv.") var new: String
        @Flag(help: "Accept the changes and write the baseline.") var yes = false
        @OptionGroup var comparability: ComparabilityOptions

        func run() throws {
            try Self.checkWritable(baseline)
            let newFile = try ScoreDiff.load(new)
            if FileManager.default.fileExists(atPath: baseline) {
                let old = try ScoreDiff.load(baseline)
                guard ScoreDiff.isBaseline(old) else {
                    throw WFRiskError.usage("\(baseline) is not a baseline file (it has \(old.header.count) columns, not a baseline's); refusing to replace it. The order is `wfrisk baseline update BASELINE NEW`")
                }
                let diff = try ScoreDiff.compare(old, newFile, tolerances: ScoreDiff.Tolerances(), allow: comparability.allowed.union(ScoreDiff.isLegacy(old) ? Set(ScoreDiff.Mismatch.allCases) : []))
                print(diff.table(baseline: old, new: newFile), terminator: "")
                if diff.isClean && !ScoreDiff.isOutdatedExtract(old) { print("Baseline \(baseline) is up to date."); return }
                if ScoreDiff.isLegacy(old) {
                    print("\(baseline) does not record its scoring year and methodology version; writing it again adds them.")
                } else if ScoreDiff.isOutdatedExtract(old) {
                    print("\(baseline) keeps only scores, ranks, band, coverage and status; writing it again adds every compared column (intervals, p_high_band, quartile, bands, drivers, summary, judgements).")
                }
            } else {
                print("No baseline at \(baseline) yet: it will hold \(newFile.rows.count) authorities.")
            }
            guard yes else {
                print("Not written. If these changes are intended, rerun with --yes.")
                throw ExitCode(ExitCodes.runtime)
            }
            try FileOutput.writeAtomically(try ScoreDiff.extract(newFile), to: baseline)
            print("Wrote \(baseline).")
        }

        /// A baseline is a file: never a folder, a symbolic link (such as `latest`) or something inside a run folder.
        static func checkWritable(_ path: String) throws {
            let order = "The order is `wfrisk baseline update BASELINE NEW`, as for `wfrisk diff`"
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
                throw WFRiskError.usage("\(path) is a symbolic link (such as a run output's `latest`), not a baseline file; refusing to replace it. \(order)")
            }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw WFRiskError.usage("\(path) is a folder (a run folder?), not a baseline file; refusing to write there. \(order)")
            }
            let parent = (path as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent("manifest.json")) {
                throw WFRiskError.usage("\(path) is inside a run folder (it has a manifest.json); a baseline lives outside run outputs. \(order)")
            }
            guard path.hasSuffix(".csv") else {
                throw WFRiskError.usage("\(path): a baseline file name ends in .csv. \(order)")
            }
        }
    }
}
