/// Older DfE releases publish a joint return (Kingston upon Thames with Richmond upon Thames,
/// North with West Northamptonshire) on one partner's row, with the other partner's row marked
/// `z` throughout. Read that way every release yields the same units: the figures belong to the
/// joint unit the registry knows (`joint_returns.csv`), never to the partner whose row holds them.
extension TidyFileReader {
    func foldJointReturns(_ records: [TidyRecord], path: String, warnings: inout [String]) -> [TidyRecord] {
        guard !registry.jointReturns.isEmpty else { return records }
        var single: [TidyRecordKey: Int] = [:]
        var years = Set<Int>()
        for (i, r) in records.enumerated() where r.level == .localAuthority {
            if let u = r.unit, !u.isJoint { single[TidyRecordKey(year: r.year, level: .localAuthority, geography: u.key)] = i }
            years.insert(r.year)
        }
        guard !single.isEmpty else { return records }
        var out = records
        var dropped = Set<Int>()
        for (unit, unitName) in registry.jointReturns.sorted(by: { $0.key < $1.key }) {
            for year in years.sorted() {
                let rows = unit.memberCodes.compactMap { single[TidyRecordKey(year: year, level: .localAuthority, geography: $0)] }
                guard rows.count == unit.memberCodes.count else { continue }
                let holders = rows.filter { i in Measure.allCases.contains { out[i].values.number($0) != nil } }
                guard holders.count == 1, let holder = holders.first else { continue }
                let partners = rows.filter { $0 != holder }
                let members = unit.memberCodes.compactMap { registry.authority(oldCode: $0) }
                let partnerText = partners.map { out[$0].label }.joined(separator: ", ")
                let symbols = Set(partners.flatMap { i in out[i].values.compactMap { $0.1.missingReason } }).sorted()
                let note = "older release: the joint return of \(unitName) is published on \(out[holder].label)'s row with \(partnerText) marked \(symbols.joined(separator: "/")); read as the joint unit \(unit.key)"
                var joint = out[holder]
                joint.unit = unit
                joint.publishedOldCode = unit.key
                joint.publishedNewCode = members.count == unit.memberCodes.count ? members.map(\.newCode).joined(separator: " / ") : joint.publishedNewCode
                joint.publishedName = unitName.isEmpty ? members.map(\.name).joined(separator: " / ") : unitName
                joint.notes.append(note)
                out[holder] = joint
                dropped.formUnion(partners)
                warnings.append("\(path):\(joint.source.line): \(year) \(note)")
            }
        }
        return dropped.isEmpty ? out : out.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }
}
