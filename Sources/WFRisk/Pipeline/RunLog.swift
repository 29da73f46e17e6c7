import Foundation
import Logging

/// swift-log handler writing one line per message to stderr: readable text on a terminal,
/// or JSON objects (`--log-format json`) for cron and log shippers.
public struct RunLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let format: Format
    let label: String

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = RunLogHandler.timestamp()
        var line: String
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        switch format {
        case .text:
            line = "\(time) \(event.level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(event.message)"
            if !merged.isEmpty { line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        case .json:
            var pairs: [(String, JSONValue)] = [("time", .string(time)), ("level", .string(event.level.rawValue)),
                                                ("logger", .string(label)), ("message", .string("\(event.message)"))]
            for (k, v) in merged.sorted(by: { $0.key < $1.key }) { pairs.append((k, .string("\(v)"))) }
            line = JSONValue.object(pairs).compact()
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}

extension JSONValue {
    /// One-line rendering (for JSON log lines).
    public func compact() -> String {
        switch self {
        case .null, .bool, .number, .string: return rendered().trimmingCharacters(in: .newlines)
        case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        case .generated(let count, let element): return JSONValue.array((0..<count).map(element)).compact()
        case .object(let pairs):
            return "{" + pairs.map { JSONValue.string($0.0).compact() + ":" + $0.1.compact() }.joined(separator: ",") + "}"
        }
    }
}
