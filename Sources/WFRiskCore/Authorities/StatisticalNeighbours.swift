/// DfE's children's services statistical neighbours: for each authority, the ten
/// most similar authorities by 3-digit code.
public struct StatisticalNeighbours: Sendable {
    public private(set) var neighbours: [String: [String]] = [:]
    public let source: String?

    public init(neighbours: [String: [String]], source: String? = nil) {
        self.neighbours = neighbours
        self.source = source
    }

    /// Neighbours of a reporting unit, as units present in `available`: a joint unit takes
    /// the union of its members' neighbours; a neighbour inside a joint unit counts as that unit.
    public func neighbours(of unit: ReportingUnit, among available: [String: ReportingUnit]) -> [ReportingUnit] {
        var result: [ReportingUnit] = []
        for member in unit.memberCodes {
            for code in neighbours[member] ?? [] {
                guard let n = available[code], n != unit, !result.contains(n) else { continue }
                result.append(n)
            }
        }
        return result
    }
}
