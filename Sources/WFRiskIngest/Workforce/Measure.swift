/// A measure read from DfE tidy files, named as explore-education-statistics names it.
public enum Measure: String, CaseIterable, Sendable, Codable, Comparable {
    // Workforce (Children's social work workforce, year to 30 September).
    case inpostFTE = "inpost_fte"
    case inpostHeadcount = "inpost_headcount"
    case startersFTE = "starters_fte"
    case startersHeadcount = "starters_headcount"
    case leaversFTE = "leavers_fte"
    case leaversHeadcount = "leavers_headcount"
    case turnoverRateFTE = "turnover_rate_fte"
    case turnoverRateHeadcount = "turnover_rate_headcount"
    case agencyFTE = "agency_fte"
    case agencyHeadcount = "agency_headcount"
    case agencyRateFTE = "agency_rate_fte"
    case agencyRateHeadcount = "agency_rate_headcount"
    case agencyCoverFTE = "agency_cover_fte"
    case agencyCoverRateFTE = "agency_cover_rate_fte"
    case vacancyFTE = "vacancy_fte"
    case vacancyRateFTE = "vacancy_rate_fte"
    case vacancyAgencyCoverRateFTE = "vacancy_agency_cover_rate_fte"
    case caseHoldersFTE = "case_holders_fte"
    case cases = "cases"
    case caseloadFTE = "caseload_fte"
    case workingDaysLostFTE = "working_days_lost_fte"
    case absenceRateFTE = "absence_rate_fte"
    // Demand (Characteristics of children in need, year to 31 March).
    case cinCount = "cin_count"
    case cinRate = "cin_rate"
    case referralCount = "referral_count"
    case referralRate = "referral_rate"
    // Population (ONS mid-year estimates of children aged 0 to 17): the denominator of demand
    // rates when a children-in-need release gives counts only.
    case population = "population_estimate"

    /// The workforce measures read from files: the FTE measures the method uses. Headcount
    /// columns are recognised but not read (nothing scores them; a nightly run should not fail
    /// on a column it does not use).
    public static let workforce: [Measure] = allCases.filter { !$0.isDemand && $0 != .population && !$0.rawValue.contains("headcount") }
    public static let demand: [Measure] = [.cinCount, .cinRate, .referralCount, .referralRate]

    /// A demand rate (per 10,000 children) and the count it is a rate of.
    static let demandRates: [(rate: Measure, count: Measure)] = [(.cinRate, .cinCount), (.referralRate, .referralCount)]

    var isDemand: Bool { Measure.demand.contains(self) }

    public static func < (a: Measure, b: Measure) -> Bool { a.rawValue < b.rawValue }
}

/// A cell's meaning: a number, or a documented reason there is none (the suppression
/// symbol as published, or why wfrisk could not derive it). Never silently zero.
public enum Observation: Hashable, Sendable, CustomStringConvertible {
    case value(Double)
    case missing(String)

    public var number: Double? {
        if case .value(let v) = self { return v }
        return nil
    }

    public var missingReason: String? {
        if case .missing(let r) = self { return r }
        return nil
    }

    public var description: String {
        switch self {
        case .value(let v): return "\(v)"
        case .missing(let r): return "missing(\(r))"
        }
    }
}

/// Geography of a tidy-file row.
public enum GeographicLevel: String, Sendable, Hashable, Comparable {
    case national = "National"
    case regional = "Regional"
    case localAuthority = "Local authority"

    public static func < (a: GeographicLevel, b: GeographicLevel) -> Bool { a.rawValue < b.rawValue }

    /// Accepts EES spellings and common variants ("LA", "local_authority", "England").
    init?(fileValue: String) {
        switch fileValue { // as EES files write them
        case "Local authority": self = .localAuthority; return
        case "National": self = .national; return
        case "Regional": self = .regional; return
        default: break
        }
        switch fileValue.lowercased().replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces) {
        case "national", "england", "country": self = .national
        case "regional", "region": self = .regional
        case "local authority", "la", "local authorities": self = .localAuthority
        default: return nil
        }
    }
}

/// Where a value came from, for error messages and evidence.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    var file: String
    public var line: Int
    init(file: String, line: Int) { self.file = file; self.line = line }
    public var description: String { "\(file):\(line)" }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { (a.file, a.line) < (b.file, b.line) }
}
