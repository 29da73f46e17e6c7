/// Older DfE releases publish a joint return (Kingston upon Thames with Richmond upon Thames,
/// North with West Northamptonshire) on one partner's row, with the other partner's row marked
/// `z` throughout. Read that way every release yields the same units: the figures belong to the
/// joint unit the registry knows (`joint_returns.csv`), never to the partner whose row holds them.
extension TidyFileReader {
    func foldJointReturns(_ records: inout [TidyRecord], path: String, warnings: inout [String]) {
        guard !registry.jointReturns.isEmpty else { return }
        // Only rows of a joint return's members can fold.
        let memberCodes = Set(registry.jointReturns.keys.flatMap(\.memberCodes))
        var single: [TidyRecordKey: Int] = [:]
        var years = Set<Int>()
        // By index: a record is a large value, and only its level, unit and year are read.
        for i in records.indices where records[i].level == .localAuthority {
            let year = records[i].year
            if let u = records[i].unit, !u.isJoint, memberCodes.contains(u.key) { single[TidyRecordKey(year: year, level: .localAuthority, geography: u.key)] = i }
            years.insert(year)
        }
        guard !single.isEmpty else { return }
        var dropped = Set<Int>()
        for (unit, unitName) in registry.jointReturns.sorted(by: { $0.key < $1.key }) {
            for year in years.sorted() {
                let rows = unit.memberCodes.compactMap { single[TidyRecordKey(year: year, level: .localAuthority, geography: $0)] }
                guard rows.count == unit.memberCodes.count else { continue }
                let holders = rows.filter { i in Measure.allCases.contains { records[i].values.number($0) != nil } }
                guard holders.count == 1, let holder = holders.first else { continue }
                let partners = rows.filter { $0 != holder }
                let members = unit.memberCodes.compactMap { registry.authority(oldCode: $0) }
                let partnerText = partners.map { records[$0].label }.joined(separator: ", ")
                let symbols = Set(partners.flatMap { i in records[i].values.compactMap { $0.1.missingReason } }).sorted()
                let note = "older release: the joint return of \(unitName) is published on \(records[holder].label)'s row with \(partnerText) marked \(symbols.joined(separator: "/")); read as the joint unit \(unit.key)"
                var joint = records[holder]
                joint.unit = unit
                joint.publishedOldCode = unit.key
                joint.publishedNewCode = members.count == unit.memberCodes.count ? members.map(\.newCode).joined(separator: " / ") : joint.publishedNewCode
                joint.publishedName = unitName.isEmpty ? members.map(\.name).joined(separator: " / ") : unitName
                joint.notes.append(note)
                records[holder] = joint
                dropped.formUnion(partners)
                warnings.append("\(path):\(joint.source.line): \(year) \(note)")
            }
        }
        if !dropped.isEmpty { records = records.enumerated().filter { !dropped.contains($0.offset) }.map(\.element) }
    }
}
