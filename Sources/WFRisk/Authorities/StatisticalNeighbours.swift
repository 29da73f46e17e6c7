/// DfE's children's services statistical neighbours: for each authority, the ten
/// most similar authorities by 3-digit code.
public struct StatisticalNeighbours: Sendable {
    public private(set) var neighbours: [String: [String]] = [:]
    public let source: String?

    public init(neighbours: [String: [String]], source: String? = nil) {
        self.neighbours = neighbours
        self.source = source
    }

    /// Reads DfE's layout: `old_la_code` and `sn1_old_la_code` … `snN_old_la_code`.
    public static func load(path: String) throws -> StatisticalNeighbours {
        let table = try KeyedCSV(path: path)
        try table.require(["old_la_code"])
        let snColumns = table.header
            .compactMap { name -> (Int, String)? in
                guard name.hasPrefix("sn"), name.hasSuffix("_old_la_code"),
                      let n = Int(name.dropFirst(2).dropLast("_old_la_code".count)) else { return nil }
                return (n, name)
            }
            .sorted { $0.0 < $1.0 }
        guard !snColumns.isEmpty else {
            throw WFRiskError.input(InputProblem(file: path, line: 1,
                message: "no neighbour columns (sn1_old_la_code …); the file has: \(table.header.joined(separator: ", "))"))
        }
        var map: [String: [String]] = [:]
        for row in table.rows {
            guard let code = row.values["old_la_code"], !code.isEmpty else { continue }
            map[code] = snColumns.compactMap { row.values[$0.1] }.filter { !$0.isEmpty }
        }
        return StatisticalNeighbours(neighbours: map, source: path)
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
