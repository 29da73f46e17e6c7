import WFRiskCore

/// A history year's scores made in columns: each unit's indicator results are read into a column
/// per indicator as they are made and let go; the standardisation, the two scores, the ranks and
/// the bands are then taken over the columns, and each unit's `YearScore` made once, in the
/// table's order.
///
/// Why not the plain pass (`Scorer.scoreHistoryYearPlain`: `ScoringContext.run` at `.history`,
/// `Ranking.rank`, then `YearScores.init`, which `HistoryYearTests` compares this with field by
/// field, bit for bit): the plain pass keeps every unit's results (a buffer of about 5.7 KB a unit,
/// 115 MB at 20,000 units) until the scores are assembled and goes through them again for each
/// indicator; it makes a `UnitScore` for every unit (codes, names, two component lists) to sort
/// and move them and then copies the few fields a history year keeps out of it. At 100x, the 49
/// history years were a fifth of the csv+json run's CPU (perf, docs/performance.md, session 24).
/// The arithmetic is shared, not copied: the indicator values (`indicatorValues`), the
/// standardisation (`standardised`), the scores (`ComponentSum.valueAndCoverage`), the ranks and
/// the table's order (`Ranking.ranks`, `Ranking.tableOrder`), the bands (`BandReference`) and the
/// codes (`identity`). A unit left unranked gets its exclusion reason from the plain assembly
/// (`assemble`), its results made again: the reason names each missing indicator's note, which
/// the columns do not keep (a unit's results are made twice only when it is left unranked).
extension ScoringContext {
    func historyYear() -> YearScores {
        guard figures.england[year] != nil else { return YearScores(year: year, units: [], rankedCount: 0) }
        // Only the indicators with weight: a history year keeps the scores, their coverage and
        // (for a unit left unranked) the weighted indicators each is missing, none of which an
        // indicator without weight changes. Why: of the eight indicators without weight in the
        // default settings, the trend alone was a third of a history year's indicator values
        // (perf, docs/performance.md "Issue 25, session 26").
        let present = weightedApplicable.map(\.indicator)
        var adjusted = [[Double?]](repeating: [], count: Indicator.allCases.count)
        var spread = adjusted
        for i in present {
            adjusted[i.ordinal].reserveCapacity(keys.count)
            spread[i.ordinal].reserveCapacity(keys.count)
        }
        for unit in keys {
            var notes: [String] = []
            let results = indicatorValues(unit, notes: &notes, only: weightedApplicable)
            for i in present {
                let a = results.adjusted(i)
                adjusted[i.ordinal].append(a)
                spread[i.ordinal].append(results.unshrunk(i))
            }
        }
        // Each indicator's z-scores by unit; empty for an indicator not standardised.
        var z = [[Double?]](repeating: [], count: Indicator.allCases.count)
        for i in present {
            let s = spread[i.ordinal]
            z[i.ordinal] = standardised(i, adjusted[i.ordinal], spread: { s.compactMap { $0 } })?.z ?? []
        }
        func zScores(_ u: Int) -> (Indicator) -> Double? { { i in z[i.ordinal].isEmpty ? nil : z[i.ordinal][u] } }

        let rules = ScoreKind.allCases.map { kind in
            ComponentSum.Rules(listed: listed[kind.ordinal], weighted: weighted[kind.ordinal], weightOf: weightOf,
                               minCoverage: settings.minCoverage, zClamp: settings.zClamp)
        }
        let wI = settings.blend[.instability] ?? 0.5, wC = settings.blend[.caseloadRisk] ?? 0.5
        var instability: [Double?] = [], caseload: [Double?] = [], overall: [Double?] = []
        var coverage: [Double] = [], exclusion: [String?] = []
        for u in keys.indices {
            let a = ComponentSum.valueAndCoverage(rules[ScoreKind.instability.ordinal], z: zScores(u))
            let b = ComponentSum.valueAndCoverage(rules[ScoreKind.caseloadRisk.ordinal], z: zScores(u))
            instability.append(a.value)
            caseload.append(b.value)
            coverage.append((wI * a.coverage + wC * b.coverage) / max(1e-12, wI + wC))
            if let x = a.value, let y = b.value {
                overall.append((wI * x + wC * y) / (wI + wC))
                exclusion.append(nil)
            } else {
                overall.append(nil)
                var notes: [String] = []
                var results = indicatorValues(keys[u], notes: &notes)
                for i in present { if let v = zScores(u)(i) { results.setZ(i, v) } }
                exclusion.append(assemble(keys[u], results: results, notes: notes).exclusionReason)
            }
        }

        let byCode = Ranking.codeOrder(keys)
        let instabilityRanks = Ranking.ranks(instability, byCode: byCode)
        let caseloadRanks = Ranking.ranks(caseload, byCode: byCode)
        let overallRanks = Ranking.ranks(overall, byCode: byCode)
        let ranked = overallRanks.count { $0 != nil }
        let order = Ranking.tableOrder(overallRanks, byCode: byCode)
        let bands = BandReference(order.compactMap { overallRanks[$0] == nil ? nil : overall[$0] })
        let scores = order.map { u in
            let unit = keys[u], record = units[unit]!
            let codes = identity(unit, record)
            let rank = overallRanks[u]
            return YearScore(unit: unit, oldCode: codes.oldCode, newCode: codes.newCode, name: codes.name, regionCode: record.regionCode,
                             overall: overall[u], overallRank: rank, instability: instability[u], instabilityRank: instabilityRanks[u],
                             caseloadRisk: caseload[u], caseloadRiskRank: caseloadRanks[u],
                             band: rank == nil ? nil : overall[u].map { Band.of(distance: bands.distance($0)).rawValue },
                             quartile: rank.map { Ranking.quartile(rank: $0, of: ranked) },
                             coverage: coverage[u], exclusionReason: exclusion[u])
        }
        return YearScores(year: year, units: scores, rankedCount: ranked)
    }
}
