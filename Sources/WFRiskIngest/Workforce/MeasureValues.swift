import Foundation

/// The measures of one row, stored flat (one slot per `Measure`) rather than in a dictionary:
/// a million rows must stay small and quick to build. Absent (no column), a value, or missing
/// with its reason (the suppression symbol, interned).
public struct MeasureValues: Sendable, Equatable, Sequence {
    private var numbers: [Double]
    /// 0 = no column, 1 = value, n ≥ 2 = missing with reason `ReasonTable.shared.reason(n)`.
    private var states: [UInt8]

    public init() {
        numbers = Array(repeating: 0, count: Measure.count)
        states = Array(repeating: 0, count: Measure.count)
    }

    public subscript(_ m: Measure) -> Observation? {
        get {
            let i = m.ordinal
            switch states[i] {
            case 0: return nil
            case 1: return .value(numbers[i])
            case let r: return .missing(ReasonTable.shared.reason(r))
            }
        }
        set {
            let i = m.ordinal
            switch newValue {
            case nil: states[i] = 0
            case .value(let v)?: states[i] = 1; numbers[i] = v
            case .missing(let r)?: states[i] = ReasonTable.shared.code(r)
            }
        }
    }

    /// The number in `m`'s slot, if it holds one (no reason lookup).
    @inline(__always) public func number(_ m: Measure) -> Double? {
        states[m.ordinal] == 1 ? numbers[m.ordinal] : nil
    }

    /// Sets slot `ordinal` directly: `state` 0 = no column, 1 = `number`, n ≥ 2 = missing with reason code n.
    mutating func set(ordinal: Int, state: UInt8, number: Double) {
        states[ordinal] = state
        numbers[ordinal] = number
    }

    public func makeIterator() -> AnyIterator<(Measure, Observation)> {
        var i = 0
        return AnyIterator {
            while i < Measure.count {
                defer { i += 1 }
                if let o = self[Measure.allCases[i]] { return (Measure.allCases[i], o) }
            }
            return nil
        }
    }
}

/// Interns missing-value reasons so a row stores a byte, not a string.
final class ReasonTable: @unchecked Sendable {
    static let shared = ReasonTable()
    /// The code every reason past the 253rd shares.
    static let overflow = 255
    static let overflowReason = "suppressed (one of more than 253 distinct symbols in use; not kept apart)"
    private var reasons: [String] = ["", ""]
    private var codes: [String: UInt8] = [:]
    private let lock = NSLock()

    func code(_ reason: String) -> UInt8 {
        lock.lock(); defer { lock.unlock() }
        if let c = codes[reason] { return c }
        if reasons.count >= ReasonTable.overflow {
            // A byte per cell holds 254 reasons; past that (hundreds of symbols from a pipeline
            // file) the rest share one, rather than stopping the run.
            if reasons.count == ReasonTable.overflow { reasons.append(ReasonTable.overflowReason) }
            return UInt8(ReasonTable.overflow)
        }
        let c = UInt8(reasons.count)
        reasons.append(reason)
        codes[reason] = c
        return c
    }

    func reason(_ code: UInt8) -> String {
        lock.lock(); defer { lock.unlock() }
        return reasons[Int(code)]
    }
}

extension Measure {
    static let count = allCases.count
    /// Position in `allCases`, without hashing: this is read for every measure of every row.
    /// A payload-free enum of under 256 cases is stored as its declaration index, which is also
    /// `allCases` order (pinned by a test).
    var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    // A String-backed enum otherwise hashes and compares its raw value: scoring keys
    // dictionaries by measure for every unit.
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
    public static func == (a: Measure, b: Measure) -> Bool { a.ordinal == b.ordinal }
}
