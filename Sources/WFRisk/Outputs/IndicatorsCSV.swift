/// `indicators.csv`: long format, one row per reporting unit and indicator of the run, in
/// `scores.csv`'s unit order (docs/outputs.md).
public enum IndicatorsCSV {
    public static let header = [
        "time_period", "new_la_code", "old_la_code", "la_name", "region_code", "score", "indicator", "polarity",
        "value", "adjusted", "z", "rank", "ranked_units", "quartile", "band",
        "england", "region", "neighbour_median", "neighbour_count", "weight", "contribution", "status", "note",
    ]

    public static func render(_ table: ScoreTable) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(header.map { .text($0) })
        let byCode = Dictionary(table.units.map { ($0.oldCode, $0) }, uniquingKeysWith: { a, _ in a })
        for u in table.units {
            let peers = u.neighbours.compactMap { byCode[$0.oldCode] }
            for component in [u.instability, u.caseloadRisk] {
                for r in component.indicators {
                    let i = r.indicator
                    let count = table.indicatorCounts.indices.contains(i.ordinal) ? table.indicatorCounts[i.ordinal] : 0
                    let peerValues = peers.compactMap { p in p.result(i)?.value }
                    let england = table.englandValues.indices.contains(i.ordinal) ? table.englandValues[i.ordinal] : nil
                    let region = table.regionValues[u.regionCode].flatMap { $0.indices.contains(i.ordinal) ? $0[i.ordinal] : nil }
                    writer.writeRow([
                        .number(String(u.year)), .text(u.newCode), .text(u.oldCode), .text(u.name), .text(u.regionCode),
                        .text(component.kind.rawValue), .text(i.rawValue), .text(i.direction > 0 ? "higher_is_risk" : "lower_is_risk"),
                        ScoresCSV.number(r.value, i.decimals), ScoresCSV.number(r.adjusted, i.decimals), ScoresCSV.number(r.z, 2),
                        ScoresCSV.int(r.rank), .number(String(count)),
                        ScoresCSV.int(r.rank.map { Ranking.quartile(rank: $0, of: count) }),
                        ScoresCSV.text(r.z.map { Band.of(distance: $0).rawValue }),
                        ScoresCSV.number(england ?? nil, i.decimals), ScoresCSV.number(region ?? nil, i.decimals),
                        ScoresCSV.number(peerValues.isEmpty ? nil : RobustScale.median(peerValues), i.decimals),
                        .number(String(peerValues.count)), ScoresCSV.number(r.weight, 4), ScoresCSV.number(r.contribution, 2),
                        .text(u.isRanked ? "ranked" : "excluded"), ScoresCSV.text(r.note),
                    ])
                }
            }
        }
        return writer.bytes
    }
}

extension UnitScore {
    /// The unit's result for an indicator, from whichever score it feeds.
    public func result(_ indicator: Indicator) -> IndicatorResult? {
        (indicator.score == .instability ? instability : caseloadRisk).indicators.first { $0.indicator == indicator }
    }
}
