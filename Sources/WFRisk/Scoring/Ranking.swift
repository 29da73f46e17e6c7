/// Ranks (1 = highest risk) for each score and overall, and quartile bands.
///
/// Ranks are computed on the values as written (rounded to the output decimals), so two
/// units that print the same score share a rank ("1, 2, 2, 4"); order within a tie is by code.
public enum Ranking {
    public static let scoreDecimals = 2
    public static let bandNames = ["high", "elevated", "moderate", "low"]

    /// Blends the overall score, assigns ranks and bands, and sorts the table by overall rank.
    public static func rank(_ table: inout ScoreTable, blend: [ScoreKind: Double]) {
        apply(to: &table.units, blend: blend)
    }

    static func apply(to units: inout [UnitScore], blend: [ScoreKind: Double]) {
        let wI = blend[.instability] ?? 0.5, wC = blend[.caseloadRisk] ?? 0.5
        for i in units.indices {
            guard units[i].exclusionReason == nil,
                  let a = units[i].instability.value, let b = units[i].caseloadRisk.value else { continue }
            units[i].overall = (wI * a + wC * b) / (wI + wC)
        }
        assign(&units, value: { $0.instability.value }, set: { $0.instability.rank = $1 })
        assign(&units, value: { $0.caseloadRisk.value }, set: { $0.caseloadRisk.rank = $1 })
        assign(&units, value: { $0.overall }, set: { $0.overallRank = $1 })
        let ranked = units.filter { $0.overallRank != nil }.count
        for i in units.indices {
            guard let rank = units[i].overallRank else { continue }
            let quartile = min(3, (rank - 1) * 4 / max(1, ranked))
            units[i].band = bandNames[quartile]
        }
        units.sort { a, b in
            switch (a.overallRank, b.overallRank) {
            case let (x?, y?): return x != y ? x < y : a.unit < b.unit
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.unit < b.unit
            }
        }
    }

    private static func assign(_ units: inout [UnitScore], value: (UnitScore) -> Double?, set: (inout UnitScore, Int) -> Void) {
        let order = units.indices
            .compactMap { i in value(units[i]).map { (i, Decimals.round($0, scoreDecimals)) } }
            .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : units[a.0].unit < units[b.0].unit }
        var previous: Double?
        var rank = 0
        for (position, (i, v)) in order.enumerated() {
            if v != previous { rank = position + 1; previous = v }
            set(&units[i], rank)
        }
    }
}
