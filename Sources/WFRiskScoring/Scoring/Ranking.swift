import WFRiskCore

/// An absolute reading of a score or indicator: its distance from the median authority in robust
/// units (1.4826 × MAD), so a band says how far from typical a unit is, not which quarter of the
/// table it fell in (docs/methodology.md §8). Raw values are the JSON and CSV strings.
public enum Band: String, Sendable, CaseIterable {
    case high, elevated, moderate, low

    /// Lower bounds, in robust units from the median: high ≥ 1.5, elevated ≥ 0.5, moderate > −0.5.
    public static let highFrom = 1.5
    public static let elevatedFrom = 0.5
    public static let lowTo = -0.5

    public static func of(distance d: Double) -> Band {
        if d >= highFrom { return .high }
        if d >= elevatedFrom { return .elevated }
        if d > lowTo { return .moderate }
        return .low
    }
}

/// Where a set of scores is centred and how spread, for bands (`Band`).
public struct BandReference: Sendable, Equatable {
    public var median: Double
    public var scale: Double
    public var scaleMethod: String

    init(_ values: [Double]) {
        let e = values.isEmpty ? (median: 0.0, scale: 0.0, method: "none") : RobustScale.estimate(values)
        median = e.median
        scale = e.scale
        scaleMethod = e.method
    }

    /// Distance from the median in robust units (0 when the values have no spread).
    func distance(_ x: Double) -> Double { scale > 0 ? (x - median) / scale : 0 }
}

/// Ranks (1 = highest risk) for each score and overall, quartiles and absolute bands.
///
/// Ranks are computed on the values as written (rounded to the output decimals), so two
/// units that print the same score share a rank ("1, 2, 2, 4"); order within a tie is by code.
package enum Ranking {
    package static let scoreDecimals = 2
    /// Band names, most risk first.
    package static let bandNames = Band.allCases.map(\.rawValue)

    /// Blends the overall score, assigns ranks, quartiles and bands, and sorts the table by overall
    /// rank; with `drivers`, each unit's main drivers too.
    package static func rank(_ table: inout ScoreTable, blend: [ScoreKind: Double], drivers withDrivers: Bool = true) {
        apply(to: &table.units, blend: blend)
        table.bandReferences = [
            ("overall", BandReference(table.units.compactMap { $0.isRanked ? $0.overall : nil })),
            (ScoreKind.instability.rawValue, BandReference(table.units.compactMap(\.instability.value))),
            (ScoreKind.caseloadRisk.rawValue, BandReference(table.units.compactMap(\.caseloadRisk.value))),
        ]
        let overall = table.bandReferences[0].1, instability = table.bandReferences[1].1, caseload = table.bandReferences[2].1
        for i in table.units.indices {
            if table.units[i].isRanked, let x = table.units[i].overall {
                table.units[i].bandDistance = overall.distance(x)
                table.units[i].band = Band.of(distance: overall.distance(x)).rawValue
            }
            if let x = table.units[i].instability.value {
                table.units[i].instability.band = Band.of(distance: instability.distance(x))
            }
            if let x = table.units[i].caseloadRisk.value {
                table.units[i].caseloadRisk.band = Band.of(distance: caseload.distance(x))
            }
            if withDrivers { table.units[i].drivers = drivers(table.units[i], blend: blend) }
        }
    }

    /// Points of the overall score (blend share × contribution) an indicator must move it by, in
    /// the direction the unit lies from the median, to be named as a driver (docs/methodology.md §8).
    package static let driverMinPoints = 1.0

    /// An indicator's points in the overall score: its contribution times its component's blend share.
    package static func overallPoints(_ contribution: Double, of kind: ScoreKind, blend: [ScoreKind: Double]) -> Double {
        let wI = blend[.instability] ?? 0.5, wC = blend[.caseloadRisk] ?? 0.5
        return contribution * (kind == .instability ? wI : wC) / (wI + wC)
    }

    /// Indicators that move the overall score the way it lies from the median ranked unit
    /// (`bandDistance`: up for a unit at or above it, down below it) by at least
    /// `driverMinPoints`, largest first; ties by indicator order. A unit with no band distance
    /// (unranked) has none.
    static func drivers(_ u: UnitScore, blend: [ScoreKind: Double]) -> [Indicator] {
        guard u.overall != nil, let d = u.bandDistance else { return [] }
        let sign: Double = d >= 0 ? 1 : -1
        var parts: [(Indicator, Double)] = []
        for c in [u.instability, u.caseloadRisk] {
            for r in c.indicators {
                guard let x = r.contribution, r.value != nil else { continue }
                let share = sign * overallPoints(x, of: c.kind, blend: blend)
                if share >= driverMinPoints { parts.append((r.indicator, share)) }
            }
        }
        return parts.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }.map(\.0)
    }

    /// Quartile (1 = the quarter with most risk) of a rank among `count` ranked values.
    package static func quartile(rank: Int, of count: Int) -> Int { min(3, (rank - 1) * 4 / max(1, count)) + 1 }

    static func apply(to units: inout [UnitScore], blend: [ScoreKind: Double]) {
        let wI = blend[.instability] ?? 0.5, wC = blend[.caseloadRisk] ?? 0.5
        for i in units.indices {
            guard units[i].exclusionReason == nil,
                  let a = units[i].instability.value, let b = units[i].caseloadRisk.value else { continue }
            units[i].overall = (wI * a + wC * b) / (wI + wC)
        }
        // Each unit's place in code order: the tie rule of every ordering below, compared as integers.
        let byCode = codeOrder(units.map(\.unit))
        for (i, rank) in ranks(units.map(\.instability.value), byCode: byCode).enumerated() where rank != nil { units[i].instability.rank = rank }
        for (i, rank) in ranks(units.map(\.caseloadRisk.value), byCode: byCode).enumerated() where rank != nil { units[i].caseloadRisk.rank = rank }
        for (i, rank) in ranks(units.map(\.overall), byCode: byCode).enumerated() where rank != nil { units[i].overallRank = rank }
        // Every overall rank the units hold (a scored table holds only those just assigned).
        let held = units.map(\.overallRank)
        let ranked = held.count { $0 != nil }
        for i in units.indices {
            guard let rank = held[i] else { continue }
            units[i].quartile = quartile(rank: rank, of: ranked)
        }
        // Positions sorted, then the units moved once (a unit is a large value to move at every swap).
        permute(&units, to: tableOrder(held, byCode: byCode))
    }

    /// The table's order of positions: ranked units by overall rank, then the unranked, ties and
    /// the unranked in code order. A total order (units are unique), so the same order as sorting
    /// the units themselves.
    static func tableOrder(_ overallRanks: [Int?], byCode: [Int]) -> [Int] {
        overallRanks.indices.sorted { i, j in
            switch (overallRanks[i], overallRanks[j]) {
            case let (x?, y?): return x != y ? x < y : byCode[i] < byCode[j]
            case (_?, nil): return true
            case (nil, _?): return false
            default: return byCode[i] < byCode[j]
            }
        }
    }

    /// Each position's place when the units are ordered by code (`ReportingUnit`'s order).
    static func codeOrder(_ codes: [ReportingUnit]) -> [Int] {
        // Scoring lists units by code, so this is usually the identity.
        if zip(codes, codes.dropFirst()).allSatisfy({ $0 < $1 }) { return Array(codes.indices) }
        var place = [Int](repeating: 0, count: codes.count)
        for (k, i) in codes.indices.sorted(by: { codes[$0] < codes[$1] }).enumerated() { place[i] = k }
        return place
    }

    /// Rearranges `values` so that position p holds what was at `order[p]`, by swaps along the
    /// permutation's cycles (no copies of the values, which for units are large).
    static func permute<T>(_ values: inout [T], to order: [Int]) {
        precondition(order.count == values.count)
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            var j = start
            while true {
                placed[j] = true
                let k = order[j]
                if k == start { break }
                values.swapAt(j, k)
                j = k
            }
        }
    }

    /// Each position's rank (1 = highest value) among the values present, on the values as
    /// written; equal written values share a rank, and order within a tie is by code.
    static func ranks(_ values: [Double?], byCode: [Int]) -> [Int?] {
        let order = values.indices
            .compactMap { i in values[i].map { (i, Decimals.round($0, scoreDecimals)) } }
            .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : byCode[a.0] < byCode[b.0] }
        var ranks = [Int?](repeating: nil, count: values.count)
        var previous: Double?
        var rank = 0
        for (position, (i, v)) in order.enumerated() {
            if v != previous { rank = position + 1; previous = v }
            ranks[i] = rank
        }
        return ranks
    }
}
