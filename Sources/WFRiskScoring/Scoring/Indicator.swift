/// Which of the two scores an indicator feeds.
public enum ScoreKind: String, Sendable, CaseIterable, Codable {
    case instability
    case caseloadRisk = "caseload_risk"
}

extension ScoreKind {
    /// Position in `allCases`.
    var ordinal: Int { self == .instability ? 0 : 1 }
}

/// An indicator the scores are built from. The raw value is its output column name
/// (EES-style), and the key under `weights` in a pipeline file.
public enum Indicator: String, CaseIterable, Sendable, Comparable {
    // Instability
    case turnoverRate = "turnover_rate_fte"
    case agencyRate = "agency_rate_fte"
    case vacancyRate = "vacancy_rate_fte"
    case absenceRate = "absence_rate_fte"
    case netLossRate = "net_loss_rate_fte"
    case inpostChange = "inpost_fte_change_pct"
    case instabilityTrend = "instability_trend_pp"
    case inspectionInstability = "inspection_instability"
    // Caseload risk
    case caseload = "caseload_fte"
    case caseloadChange = "caseload_fte_change"
    case casesPerInpost = "cases_per_inpost_fte"
    case vacancyPressure = "vacancy_pressure"
    case cinRate = "cin_rate"
    case referralRate = "referral_rate"
    case inspectionCaseload = "inspection_caseload"

    public var score: ScoreKind {
        switch self {
        case .turnoverRate, .agencyRate, .vacancyRate, .absenceRate, .netLossRate, .inpostChange, .instabilityTrend,
             .inspectionInstability:
            return .instability
        case .caseload, .caseloadChange, .casesPerInpost, .vacancyPressure, .cinRate, .referralRate, .inspectionCaseload:
            return .caseloadRisk
        }
    }

    /// +1 when a higher value means more risk; -1 when lower does (`IndicatorDefinition`).
    public var direction: Double { definition.direction }

    /// Which input the indicator needs, so one left out of a run is "not applicable", not "missing".
    public var source: IndicatorSource {
        switch self {
        case .cinRate, .referralRate: return .demand
        case .inspectionInstability, .inspectionCaseload: return .inspections
        default: return .workforce
        }
    }

    /// Decimals written for its value.
    public var decimals: Int { definition.decimals }

    public static func < (a: Indicator, b: Indicator) -> Bool {
        a.ordinal < b.ordinal
    }

    public static func indicators(for kind: ScoreKind) -> [Indicator] {
        switch kind {
        case .instability: return instabilityIndicators
        case .caseloadRisk: return caseloadRiskIndicators
        }
    }
    private static let instabilityIndicators = allCases.filter { $0.score == .instability }
    private static let caseloadRiskIndicators = allCases.filter { $0.score == .caseloadRisk }
}

public enum IndicatorSource: String, Sendable {
    case workforce, demand, inspections
}

extension Indicator {
    /// Position in `allCases` (see `Measure.ordinal`).
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    // Hashed and compared by case, not by raw string (per-unit indicator tables are dictionaries).
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
    public static func == (a: Indicator, b: Indicator) -> Bool { a.ordinal == b.ordinal }
}

/// One unit's indicator results, a slot per `Indicator`: scoring reads and writes them for
/// every unit many times, and a dictionary would hash on each access.
struct IndicatorResults {
    private var slots = [IndicatorResult?](repeating: nil, count: Indicator.allCases.count)

    subscript(_ indicator: Indicator) -> IndicatorResult? {
        // Borrowed, so reading one field does not copy the whole result (and retain its strings).
        _read { yield slots[indicator.ordinal] }
        set { slots[indicator.ordinal] = newValue }
        // In place, so setting one field does not copy the result out and back.
        _modify { yield &slots[indicator.ordinal] }
    }

    /// The indicator's adjusted value, read in place (the standardisation reads it for every
    /// unit and indicator; through the subscript each read moved the whole result).
    func adjusted(_ indicator: Indicator) -> Double? { slots[indicator.ordinal]?.adjusted }

    /// The value before shrinkage of a result with an adjusted value (its adjusted value when it
    /// has none), read in place: what the standardisation's spread is measured on.
    func unshrunk(_ indicator: Indicator) -> Double? {
        guard let adjusted = slots[indicator.ordinal]?.adjusted else { return nil }
        return slots[indicator.ordinal]?.value ?? adjusted
    }

    /// Sets the z-score of a present result in place.
    mutating func setZ(_ indicator: Indicator, _ z: Double) { slots[indicator.ordinal]!.z = z }

    /// The indicator's z-score, read in place.
    func z(_ indicator: Indicator) -> Double? { slots[indicator.ordinal]?.z }
}
