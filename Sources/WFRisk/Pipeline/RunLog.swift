import Foundation
import Logging
import WFRiskCore

/// How a `wfrisk run` ended, as the final `run finished` event and the exit code say it.
package enum RunStatus: String, Sendable, CaseIterable {
    /// New scores published (exit 0).
    case success
    /// Inputs, pipeline, settings and versions unchanged since the last successful run (exit 0).
    case nothingToDo = "nothing_to_do"
    /// Scores moved beyond tolerance against `--baseline` (exit 1): not published; the run's
    /// folder is kept as a failed run (`failed_stage: baseline`).
    case drifted
    /// Stopped by an error (exit 1–4); `latest` still holds the previous complete run.
    case failed
}

/// The log of one command: readable text on a terminal, or (`--log-format json`) exactly one JSON
/// object per line on both stderr (events) and stdout (the summary), so `>> log 2>&1` stays
/// machine-readable. Facts are fields, never only words in the message.
package final class RunLog: @unchecked Sendable {
    package enum Format: String, Sendable, CaseIterable { case text, json }
    package enum Stream: Sendable { case stdout, stderr }

    package let format: Format
    package let level: Logger.Level
    private let lock = NSLock()

    package init(format: Format, level: Logger.Level) {
        self.format = format
        self.level = level
    }

    /// A swift-log logger writing through this log (metadata become fields).
    package func logger(label: String = "wfrisk") -> Logger {
        var logger = Logger(label: label) { [self] label in RunLogHandler(log: self, label: label) }
        logger.logLevel = level
        return logger
    }

    /// Writes one event. `always` events ignore `--quiet` (the final `run finished`).
    package func event(_ level: Logger.Level, _ message: String, _ fields: [(String, JSONValue)] = [],
                      stream: Stream = .stderr, always: Bool = false) {
        guard always || level >= self.level else { return }
        let time = Timestamp.iso8601(Date())
        let line: String
        switch format {
        case .json:
            var pairs: [(String, JSONValue)] = [("time", .string(time)), ("level", .string(level.rawValue)), ("message", .string(message))]
            let reserved = Set(pairs.map(\.0))
            pairs += fields.filter { !reserved.contains($0.0) }
            line = JSONValue.object(pairs).compact()
        case .text:
            var text = "\(time) \(level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(message)"
            if !fields.isEmpty { text += " " + fields.map { "\($0.0)=\(RunLog.plain($0.1))" }.joined(separator: " ") }
            line = text
        }
        write(line + "\n", to: stream)
    }

    /// Text written as is to stdout (text mode's summary and tables). In JSON mode use `event`.
    package func printText(_ text: String) {
        write(text, to: .stdout)
    }

    private func write(_ text: String, to stream: Stream) {
        lock.lock(); defer { lock.unlock() }
        // One write per line and no stdio buffering, so lines from both streams stay whole and in order.
        (stream == .stdout ? StandardStream.output : .error).say(text)
    }

    static func plain(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s.contains(" ") ? "\"\(s)\"" : s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "-"
        default: return v.compact()
        }
    }

    /// A swift-log metadata value as a JSON value: whole and finite numbers stay numbers.
    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c):
            switch c {
            case let i as Int: return .int(i)
            case let i as Int32: return .int(Int(i))
            case let d as Double: return d.isFinite ? .number("\(d)") : .null
            case let b as Bool: return .bool(b)
            default: return .string(c.description)
            }
        case .array(let items): return .array(items.map(json))
        case .dictionary(let d): return .object(d.keys.sorted().map { ($0, json(d[$0]!)) })
        }
    }
}

/// swift-log handler that hands every message to a `RunLog`.
struct RunLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let log: RunLog
    let label: String

    init(log: RunLog, label: String) {
        self.log = log
        self.label = label
        self.logLevel = log.level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        log.event(event.level, "\(event.message)", merged.keys.sorted().map { ($0, RunLog.json(merged[$0]!)) })
    }
}

extension JSONValue {
    /// One-line rendering (for JSON log lines).
    package func compact() -> String {
        switch self {
        case .null, .bool, .number, .string: return rendered().trimmingCharacters(in: .newlines)
        case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        case .generated(let count, let element): return JSONValue.array((0..<count).map(element)).compact()
        case .object(let pairs):
            return "{" + pairs.map { JSONValue.string($0.0).compact() + ":" + $0.1.compact() }.joined(separator: ",") + "}"
        }
    }
}
