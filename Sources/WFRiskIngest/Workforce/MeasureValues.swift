import Foundation

/// The measures of one row, stored flat (one slot per `Measure`) rather than in a dictionary:
/// a million rows must stay small and quick to build. Absent (no column), a value, or missing
/// with its reason (the suppression symbol, interned).
public struct MeasureValues: Sendable, Equatable, Sequence {
    private var numbers: [Double]
    /// 0 = no column, 1 = value, n ≥ 2 = missing with reason `ReasonTable.shared.reason(n)`.
    private var states: [UInt8]

    init() {
        numbers = Array(repeating: 0, count: Measure.count)
        states = Array(repeating: 0, count: Measure.count)
    }

    /// No measure has a column: one value every identity-only row shares (`TidyRecord.identity`).
    static let none = MeasureValues()

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
    @inline(__always) func number(_ m: Measure) -> Double? {
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
    /// A plain switch in declaration order, which is `allCases` order (pinned by a test); the
    /// optimiser reduces it to the enum's tag, as the `unsafeBitCast` it replaced did.
    var ordinal: Int {
        switch self {
        case .inpostFTE: return 0
        case .inpostHeadcount: return 1
        case .startersFTE: return 2
        case .startersHeadcount: return 3
        case .leaversFTE: return 4
        case .leaversHeadcount: return 5
        case .turnoverRateFTE: return 6
        case .turnoverRateHeadcount: return 7
        case .agencyFTE: return 8
        case .agencyHeadcount: return 9
        case .agencyRateFTE: return 10
        case .agencyRateHeadcount: return 11
        case .agencyCoverFTE: return 12
        case .agencyCoverRateFTE: return 13
        case .vacancyFTE: return 14
        case .vacancyRateFTE: return 15
        case .vacancyAgencyCoverRateFTE: return 16
        case .caseHoldersFTE: return 17
        case .cases: return 18
        case .caseloadFTE: return 19
        case .workingDaysLostFTE: return 20
        case .absenceRateFTE: return 21
        case .cinCount: return 22
        case .cinRate: return 23
        case .referralCount: return 24
        case .referralRate: return 25
        case .population: return 26
        }
    }

    // A String-backed enum otherwise hashes and compares its raw value: scoring keys
    // dictionaries by measure for every unit.
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
    public static func == (a: Measure, b: Measure) -> Bool { a.ordinal == b.ordinal }
}
