import ArgumentParser
import Foundation
import Logging
import WFRisk
import WFRiskCore
import WFRiskIngest

@main
struct WFRiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wfrisk",
        abstract: "Score the workforce risk of English local authorities' children's social care.",
        discussion: """
        Reads DfE "Children's social work workforce" CSVs (and optionally children-in-need
        demand files and Ofsted inspection texts), and writes ranked, explained scores.

        EXIT CODES
        \(ExitCodes.table.map { "  \($0.code)  \($0.meaning)" }.joined(separator: "\n"))
        """,
        version: WFRiskVersion.current,
        subcommands: [Run.self, BacktestCommand.self, Validate.self, Extract.self, EvaluateExtraction.self, PipelineCommand.self, OfstedCommand.self, DiffCommand.self, BaselineCommand.self, Sample.self, VersionCommand.self],
        defaultSubcommand: nil
    )

    /// Exit codes are decided here and only here: commands return or throw.
    static func main() {
        StandardStream.reserveClosedDescriptors()
        let arguments = Array(CommandLine.arguments.dropFirst())
        _ = CLI.started
        CLI.log = LogOptions.prescan(arguments)
        CLI.isRun = arguments.first == "run"
        do {
            var command = try parseAsRoot(arguments)
            if let run = command as? Run { CLI.log = run.log.makeLog() }
            try command.run()
            try StandardStream.flushPrinted()
            Foundation.exit(ExitCodes.success)
        } catch {
            Foundation.exit(report(error))
        }
    }

    /// Reports an error once (a line of text, or one JSON error event, then a `run finished` event
    /// for `wfrisk run`) and returns its exit code.
    static func report(_ error: Error) -> Int32 {
        let code: Int32
        var fields: [(String, JSONValue)] = []
        var message: String
        var usageText: String?
        switch error {
        case let e as ExitCode:
            // Already reported by the command (diff tables, validation problems, drift).
            return e.rawValue
        case is WFRiskError, is RunFailure, is StageFailure, is CSVError, is ScoreDiff.Drift:
            code = ExitCodes.code(for: error)
            message = "\(error)"
            fields = CLI.fields(of: error)
        default:
            // A usage or other error is one `error` event too (README, "Logs").
            fields = [("event", .string("error"))]
            let parserCode = exitCode(for: error)
            if parserCode == .success {
                // --help, --version: print as ArgumentParser does.
                exit(withError: error)
            }
            if parserCode == .validationFailure {
                code = ExitCodes.usage
                message = self.message(for: error)
                usageText = fullMessage(for: error)
            } else if let ns = error as NSError?, let path = ns.userInfo[NSFilePathErrorKey] as? String {
                code = ExitCodes.runtime
                message = OutputPathProblem.explain(error, action: "use", path: path).description
            } else {
                code = ExitCodes.runtime
                message = "\(error)"
            }
        }
        let log = CLI.log
        fields.insert(("exit_code", .int(Int(code))), at: 0)
        if log.format == .json {
            log.event(.error, message, fields, always: true)
        } else {
            log.printError(usageText ?? "wfrisk: error: \(message)")
        }
        if CLI.isRun {
            let drifted = (error as? RunFailure)?.underlying is ScoreDiff.Drift || error is ScoreDiff.Drift
            var finished: [(String, JSONValue)] = [("status", .string((drifted ? RunStatus.drifted : .failed).rawValue))]
            if let f = error as? RunFailure {
                finished.append(("run_id", .string((f.runDirectory as NSString).lastPathComponent)))
                finished.append(("latest_unchanged", .bool(true)))
            }
            CLI.finished(exitCode: code, extra: finished)
        }
        return code
    }
}

/// Process-wide output state of the command line.
enum CLI {
    nonisolated(unsafe) static var log = RunLog(format: .text, level: .info)
    nonisolated(unsafe) static var isRun = false
    static let started = Date()

    /// The final event of every `wfrisk run`: status and exit code as fields.
    static func finished(exitCode: Int32, extra: [(String, JSONValue)]) {
        var fields: [(String, JSONValue)] = [("event", .string("run_finished"))]
        fields += extra.filter { $0.0 == "status" }
        fields.append(("exit_code", .int(Int(exitCode))))
        fields += extra.filter { $0.0 != "status" }
        fields.append(("seconds", .number(Decimals.format(Date().timeIntervalSince(started), 3))))
        log.event(exitCode == 0 ? .info : .warning, "run finished", fields, always: true)
    }

    /// Facts of an error as log fields: failed stage, input file, line and field.
    static func fields(of error: Error) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [("event", .string("error"))]
        var underlying = error
        if let f = error as? RunFailure {
            if let stage = f.stage { out.append(("stage", .string(stage))) }
            out.append(("run_dir", .string(f.runDirectory)))
            out.append(("latest", .string(f.latest)))
            underlying = f.underlying
        }
        func problem(_ p: InputProblem) -> JSONValue {
            .object([("file", .string(p.file)), ("line", p.line.map(JSONValue.int) ?? .null),
                     ("field", .optionalString(p.field)), ("message", .string(p.message))])
        }
        switch underlying {
        case WFRiskError.input(let p): out.append(("problems", .array([problem(p)])))
        case WFRiskError.inputs(let ps): out.append(("problems", .array(ps.map(problem))))
        case let e as CSVError: out.append(("problems", .array([problem(InputProblem(file: e.file, line: e.line, message: e.message))])))
        default: break
        }
        return out
    }
}

extension RunLog {
    /// A plain error line for text mode (multi-line messages stay as they are).
    func printError(_ text: String) {
        StandardStream.error.say((text.hasSuffix("\n") ? text : text + "\n"))
    }
}
