/// An English local authority with children's services responsibilities, as DfE codes it.
public struct Authority: Hashable, Sendable {
    /// DfE's 3-digit LA number (`old_la_code` in EES files), e.g. "909".
    public var oldCode: String
    /// ONS 9-character code (`new_la_code`), e.g. "E10000006".
    public var newCode: String
    public var name: String
    /// UA, MD, OLB, ILB or SC.
    public var type: String
    public var regionCode: String
    public var regionName: String
    /// ISO dates (`YYYY-MM-DD`) the authority existed between; nil means open-ended.
    public var validFrom: String?
    public var validTo: String?
    /// Old codes of the authorities that took over its area when it was abolished.
    public var successors: [String]
    /// 9-character codes it was published under before a recoding (e.g. Buckinghamshire's E10000002).
    public var formerNewCodes: [String]

    public init(oldCode: String, newCode: String, name: String, type: String, regionCode: String, regionName: String,
                validFrom: String? = nil, validTo: String? = nil, successors: [String], formerNewCodes: [String]) {
        self.oldCode = oldCode
        self.newCode = newCode
        self.name = name
        self.type = type
        self.regionCode = regionCode
        self.regionName = regionName
        self.validFrom = validFrom
        self.validTo = validTo
        self.successors = successors
        self.formerNewCodes = formerNewCodes
    }

    /// Whether the authority existed on 30 September of `year`, the workforce census date
    /// (reorganisations take effect on 1 April, so only the year of each date matters).
    public func existed(inReportingYear year: Int) -> Bool {
        if let validFrom, let fromYear = Int(validFrom.prefix(4)), year < fromYear { return false }
        if let validTo, let toYear = Int(validTo.prefix(4)), year >= toYear { return false }
        return true
    }
}

/// The unit DfE publishes figures for: one authority, or several reporting jointly
/// (Kingston and Richmond as `314 / 318`). Keyed by the members' sorted 3-digit codes.
public struct ReportingUnit: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let memberCodes: [String]

    public init(memberCodes: [String]) {
        self.memberCodes = memberCodes.sorted()
    }

    public init(_ code: String) { self.init(memberCodes: [code]) }

    /// "314 / 318", the form EES files use.
    public var key: String { memberCodes.count == 1 ? memberCodes[0] : memberCodes.joined(separator: " / ") }
    public var isJoint: Bool { memberCodes.count > 1 }
    public var description: String { key }

    /// Ordered by `key` (single codes compared directly: sorting national tables compares a lot).
    public static func < (a: ReportingUnit, b: ReportingUnit) -> Bool {
        if a.memberCodes.count == 1 && b.memberCodes.count == 1 { return a.memberCodes[0] < b.memberCodes[0] }
        return a.key < b.key
    }

    /// `units` sorted (`<`): ordered by their keys, each made once.
    ///
    /// Why not `units.sorted()` (what `ScoringFastPathTests` compares it with): a comparison of two
    /// units reads and retains each one's array of codes, a separate allocation: sorting each
    /// year's 20,000 units of the 100x workload that way was a fifth of the CPU of building the
    /// figure table, and the retains half of it (`perf`, docs/performance.md). Here the
    /// comparisons read keys held side by side.
    public static func sorted(_ units: some Collection<ReportingUnit>) -> [ReportingUnit] {
        var keyed = units.map { (key: $0.key, unit: $0) }
        keyed.sort { $0.key < $1.key }
        return keyed.map(\.unit)
    }
}
