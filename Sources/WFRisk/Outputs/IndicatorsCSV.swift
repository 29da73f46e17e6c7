import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// `indicators.csv`: long format, one row per reporting unit and indicator of the run, in
/// `scores.csv`'s unit order (docs/outputs.md).
enum IndicatorsCSV {
    static let header = [
        "time_period", "new_la_code", "old_la_code", "la_name", "region_code", "score", "indicator", "polarity",
        "value", "ci95_low", "ci95_high", "ci998_low", "ci998_high", "interval_method", "denominator", "reliability",
        "adjusted", "z", "rank", "ranked_units", "quartile", "band",
        "england", "vs_england", "vs_england_998", "region", "neighbour_median", "vs_neighbours", "vs_neighbours_998", "neighbour_count",
        "weight", "contribution", "status", "note",
    ]

    /// The file's bytes, built whole (the plain path of `write`).
    static func render(_ table: ScoreTable) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(header.map { .text($0) })
        for row in cells(table) { writer.writeRow(row) }
        return writer.bytes
    }

    /// Writes the file a block at a time, its rows made on up to `threads` workers (`CSVOutput`).
    static func write(_ table: ScoreTable, to path: String, threads: Int = 1, perBlock: Int = CSVOutput.itemsPerBlock,
                      block: Int = CSVOutput.block) throws -> WrittenFile {
        let context = Context(table)
        return try CSVOutput.write(to: path, header: header, items: table.units.count, threads: threads, perBlock: perBlock, block: block) { i, out in
            rows(of: table.units[i], context, into: &out)
        }
    }

    /// The rows as cells, all at once (`render`'s plain path; the workbook's Indicators sheet is
    /// made from `forEachRow` a row at a time, the file from `rows(of:)` field by field).
    static func cells(_ table: ScoreTable) -> [[CSVCell]] {
        var out: [[CSVCell]] = []
        forEachRow(table) { out.append($0) }
        return out
    }

    /// How many rows `forEachRow` gives: one per unit and indicator of each of its scores.
    static func rowCount(_ table: ScoreTable) -> Int {
        table.units.reduce(0) { $0 + $1.instability.indicators.count + $1.caseloadRisk.indicators.count }
    }

    /// Each row in turn as cells, made a unit at a time.
    static func forEachRow(_ table: ScoreTable, _ body: ([CSVCell]) throws -> Void) rethrows {
        let context = Context(table)
        var unitRows = CSVCellRows()
        for u in table.units {
            rows(of: u, context, into: &unitRows)
            for row in unitRows.take() { try body(row) }
        }
    }

    /// One unit's rows, one per indicator of each of its scores.
    static func rows<Sink: CSVRowSink>(of u: UnitScore, _ context: Context, into out: inout Sink) {
        for component in [u.instability, u.caseloadRisk] {
            for r in component.indicators {
                let i = r.indicator
                let c = context.line(u, r)
                out.number(String(u.year)); out.text(u.newCode); out.text(u.oldCode); out.text(u.name); out.text(u.regionCode)
                out.text(component.kind.rawValue); out.text(i.rawValue); out.text(i.direction > 0 ? "higher_is_risk" : "lower_is_risk")
                out.number(r.value, i.decimals)
                out.number(r.ci95?.low, i.decimals); out.number(r.ci95?.high, i.decimals)
                out.number(r.ci998?.low, i.decimals); out.number(r.ci998?.high, i.decimals)
                out.text(r.intervalMethod?.rawValue); out.number(r.denominator, 1); out.number(r.reliability, 3)
                out.number(r.adjusted, i.decimals); out.number(r.z, 2)
                out.int(r.rank); out.number(String(c.rankedUnits)); out.int(c.quartile); out.text(c.band?.rawValue)
                out.number(c.england, i.decimals); out.text(r.vsEngland?.rawValue); out.text(r.vsEngland998?.rawValue)
                out.number(c.region, i.decimals)
                out.number(c.neighbourMedian, i.decimals)
                out.text(c.vsNeighbours?.rawValue); out.text(c.vsNeighbours998?.rawValue)
                out.number(String(c.neighbourCount)); out.number(r.weight, 4); out.number(r.contribution, 2)
                out.text(u.isRanked ? "ranked" : "excluded"); out.text(r.note)
                out.endRow()
            }
        }
    }

    /// One indicator of one unit against the others: what `indicators.csv` and report.html show beside its value.
    struct Line: Sendable {
        /// Units with an adjusted value (what the rank is out of).
        var rankedUnits: Int
        package var quartile: Int?
        package var band: Band?
        package var england: Double?
        package var region: Double?
        var neighbourMedian: Double?
        var neighbourCount: Int
        /// Where the value's 95% and 99.8% intervals lie against the neighbours' median.
        package var vsNeighbours: Significance?
        package var vsNeighbours998: Significance?
    }

    /// What the lines of a table are read against, built once per table.
    struct Context: Sendable {
        let table: ScoreTable
        /// Each code's first unit, by its index in `table.units`.
        let byCode: [String: Int]
        /// Each unit's value of each indicator, at `index × Indicator.allCases.count + ordinal`.
        ///
        /// Why not `table.units[index].result(indicator)?.value` at each line (what
        /// `WriteFastPathTests` compares the lines with): reading a unit out of the table copies
        /// the whole `UnitScore`, and a line reads each of its unit's neighbours, so the report
        /// (which makes each line twice) and indicators.csv copied and freed units tens of
        /// thousands of times on the national run (about 150 units, 15 lines each, 10
        /// neighbours): 6% of the run's samples (`perf`, docs/performance.md).
        private let values: [Double?]

        init(_ table: ScoreTable) {
            self.table = table
            byCode = Dictionary(table.units.indices.map { (table.units[$0].oldCode, $0) }, uniquingKeysWith: { a, _ in a })
            var values = [Double?](repeating: nil, count: table.units.count * Indicator.allCases.count)
            for (index, u) in table.units.enumerated() {
                for (kind, c) in [(ScoreKind.instability, u.instability), (.caseloadRisk, u.caseloadRisk)] {
                    // An indicator's first result in the score it feeds, as `UnitScore.result` finds it.
                    for r in c.indicators.reversed() where r.indicator.score == kind {
                        values[index * Indicator.allCases.count + r.indicator.ordinal] = r.value
                    }
                }
            }
            self.values = values
        }

        func line(_ u: UnitScore, _ r: IndicatorResult) -> Line {
            let i = r.indicator
            let count = table.indicatorCounts.indices.contains(i.ordinal) ? table.indicatorCounts[i.ordinal] : 0
            let peerValues = u.neighbours.compactMap { byCode[$0.oldCode] }.compactMap { p in values[p * Indicator.allCases.count + i.ordinal] }
            let england = table.englandValues.indices.contains(i.ordinal) ? table.englandValues[i.ordinal] : nil
            let region = table.regionValues[u.regionCode].flatMap { $0.indices.contains(i.ordinal) ? $0[i.ordinal] : nil }
            let median = peerValues.isEmpty ? nil : RobustScale.median(peerValues)
            return Line(rankedUnits: count, quartile: r.rank.map { Ranking.quartile(rank: $0, of: count) },
                        band: r.z.map { Band.of(distance: $0) }, england: england ?? nil, region: region ?? nil,
                        neighbourMedian: median, neighbourCount: peerValues.count,
                        vsNeighbours: Significance.of(r.ci95, against: median), vsNeighbours998: Significance.of(r.ci998, against: median))
        }
    }
}

extension UnitScore {
    /// The unit's result for an indicator, from whichever score it feeds.
    package func result(_ indicator: Indicator) -> IndicatorResult? {
        (indicator.score == .instability ? instability : caseloadRisk).indicators.first { $0.indicator == indicator }
    }
}
