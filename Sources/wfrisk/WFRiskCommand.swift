import ArgumentParser
import Foundation
import WFRisk

@main
struct WFRiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wfrisk",
        abstract: "Score the workforce risk of English local authorities' children's social care.",
        discussion: """
        Reads DfE "Children's social work workforce" CSVs (and optionally children-in-need
        demand files and Ofsted inspection texts), and writes ranked, explained scores.

        EXIT CODES
          0  success (or nothing to do)
          1  runtime failure
          2  usage or pipeline-file error
          3  input validation failure
          4  another run of the pipeline holds the lock
        """,
        version: WFRiskVersion.current,
        subcommands: [Run.self, BacktestCommand.self, Validate.self, Extract.self, EvaluateExtraction.self, PipelineCommand.self, DiffCommand.self, BaselineCommand.self, Sample.self],
        defaultSubcommand: nil
    )
}

/// Maps library errors onto documented exit codes.
func exitCode(for error: Error) -> Int32 {
    if let e = error as? WFRiskError { return e.exitCode }
    if error is CSVError { return 3 }
    return 1
}

func fail(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("wfrisk: error: \(error)\n".utf8))
    exit(exitCode(for: error))
}
