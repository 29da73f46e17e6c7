import WFRiskCore
import WFRiskIngest

/// wfrisk's exit codes: the one mapping from errors to codes (used by `main`, the manifest of a
/// failed run and `run finished` events) and the table that `--help` and the README show.
package enum ExitCodes {
    package struct Entry: Sendable {
        package let code: Int32
        package let meaning: String
    }

    package static let success: Int32 = 0
    package static let runtime: Int32 = 1
    package static let usage: Int32 = 2
    package static let input: Int32 = 3
    package static let locked: Int32 = 4

    /// README "Exit codes" lists exactly these (a test runs each against the binary).
    package static let table: [Entry] = [
        Entry(code: success, meaning: "success, or nothing to do"),
        Entry(code: runtime, meaning: "runtime failure (disk full, permissions…); with --baseline, scores drifted"),
        Entry(code: usage, meaning: "usage or pipeline-file error"),
        Entry(code: input, meaning: "input validation failure"),
        Entry(code: locked, meaning: "another run of the same pipeline holds the lock"),
    ]

    package static func code(for error: Error) -> Int32 {
        switch error {
        case let e as WFRiskError: return e.exitCode
        case let e as RunFailure: return code(for: e.underlying)
        case let e as StageFailure: return code(for: e.error)
        case is CSVError: return input
        default: return runtime
        }
    }
}
