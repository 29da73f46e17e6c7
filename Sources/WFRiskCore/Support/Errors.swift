/// A problem with an input file, pinned to where it was found.
public struct InputProblem: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    /// `line` 0 (a problem with the file as a whole, as readers report one) is kept as none.
    public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line.flatMap { $0 > 0 ? $0 : nil }
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let field { place += ": field '\(field)'" }
        return "\(place): \(message)"
    }
}

/// Every failure wfrisk reports, grouped by the exit code it maps to.
public enum WFRiskError: Error, CustomStringConvertible {
    /// Bad command-line use or a broken pipeline file (exit 2).
    case usage(String)
    /// An input file that cannot be used as given (exit 3).
    case input(InputProblem)
    /// Several input problems found in one pass (exit 3).
    case inputs([InputProblem])
    /// Another run holds the pipeline lock (exit 4).
    case locked(String)
    /// Anything else that stopped the run (exit 1).
    case runtime(String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .input, .inputs: return 3
        case .locked: return 4
        case .runtime: return 1
        }
    }

    public var description: String {
        switch self {
        case .usage(let m), .locked(let m), .runtime(let m): return m
        case .input(let p): return p.description
        case .inputs(let ps): return ps.map(\.description).joined(separator: "\n")
        }
    }
}
