import ArgumentParser
import WFRisk

/// `wfrisk version`: the facts a bug report needs (`--version` prints the version alone).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print wfrisk's and the methodology's versions, where the reference files are read from, and the C libraries' versions.",
        discussion: "Each run's manifest.json records the same facts under `installation`. Exit 1 when a target's reference files are found nowhere.")

    @Flag(help: "One JSON object instead of text.") var json = false

    func run() throws {
        print(json ? BinaryFacts.versionJSON.rendered() : BinaryFacts.text, terminator: json ? "\n" : "")
        if !BinaryFacts.referenceFilesFound { throw ExitCode(ExitCodes.runtime) }
    }
}
