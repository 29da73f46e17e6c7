import WFRiskCore

/// A geography seen in a tidy file (its level, reporting unit or region, and the codes and name
/// as published), resolved once per distinct set of identity columns (`TidySink`).
struct Geography: Sendable, Equatable {
    var level: GeographicLevel?
    var levelText: String
    var unit: ReportingUnit?
    var regionCode, regionName, old, new, name: String

    static let localAuthorityCode: UInt8 = 3

    /// 0 = not a level wfrisk reads; `localAuthorityCode` for a local authority.
    var levelCode: UInt8 {
        switch level {
        case nil: return 0
        case .national?: return 1
        case .regional?: return 2
        case .localAuthority?: return 3
        }
    }
}
