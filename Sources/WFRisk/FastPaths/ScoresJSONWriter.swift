import Dispatch
import WFRiskCore
import WFRiskIngest
import WFRiskInspections
import WFRiskOfsted
import WFRiskScoring

/// scores.json written straight into bytes (`JSONWriter`), key for key as `ScoresDocument.json`
/// lays it out.
///
/// Why not `ScoresDocument.json` (the plain path, kept): it builds a `JSONValue` tree for each
/// unit (about forty objects and arrays of enums) only to walk it once and free it; at 20,000
/// units (209 MB) that was most of the file's write time. The keys before and after `units` are
/// few and small and still go through `JSONValue` (`head`, `tail`). `WriteFastPathTests` pins
/// `render` to `json.renderedBytes()` byte for byte over synthetic tables of random seeds (every
/// optional part, hostile texts) at 1, 2 and 3 threads.
extension ScoresDocument {
    /// The document handed to `emit` in pieces of about `chunk` bytes; units are written in blocks
    /// on up to `threads` threads and appended in order, so the bytes are the same at any count.
    func render(chunk: Int = 4 << 20, threads: Int = 1, emit: ([UInt8]) throws -> Void) throws {
        var w = JSONWriter(capacity: chunk + chunk / 2)
        w.beginObject()
        for (key, value) in head {
            w.key(key)
            w.value(value)
        }
        w.field("units")
        w.beginArray()
        let units = table.units
        // Blocks of `perPiece` units, `threads` blocks at a time, each into a writer of its own
        // placed where its units sit (inside the top object and the units array).
        let perPiece = 128
        var start = 0
        while start < units.count {
            let pieces = threads > 1 ? min(threads, (units.count - start + perPiece - 1) / perPiece) : 1
            let first = start
            let end = min(units.count, first + pieces * perPiece)
            if pieces == 1 {
                for i in first..<end { Self.unit(units[i], into: &w) }
            } else {
                let blocks = Parallel.map(Array(0..<pieces), threads: pieces) { p -> [UInt8] in
                    let from = first + p * perPiece
                    var block = JSONWriter(insideArrayAtDepth: 2, written: from)
                    for i in from..<min(end, from + perPiece) { Self.unit(units[i], into: &block) }
                    return block.bytes
                }
                for (p, piece) in blocks.enumerated() {
                    w.append(elements: piece, count: min(end, first + (p + 1) * perPiece) - (first + p * perPiece))
                }
            }
            if w.bytes.count >= chunk {
                try emit(w.bytes)
                w.bytes.removeAll(keepingCapacity: true)
            }
            start = end
        }
        w.endArray()
        for (key, value) in tail {
            w.key(key)
            w.value(value)
        }
        w.endObject()
        w.bytes.append(0x0A)
        try emit(w.bytes)
    }

    /// One element of `units`, as `units` builds it.
    static func unit(_ u: UnitScore, into w: inout JSONWriter) {
        let d = Ranking.scoreDecimals
        w.beginObject()
        w.field("overall_rank"); w.int(u.overallRank)
        w.field("time_period"); w.int(u.year)
        w.field("new_la_code"); w.string(u.newCode)
        w.field("old_la_code"); w.string(u.oldCode)
        w.field("la_name"); w.string(u.name)
        w.field("region_code"); w.string(u.regionCode)
        w.field("region_name"); w.string(u.regionName)
        w.field("overall_score"); w.double(u.overall, decimals: d)
        w.field("band"); w.string(u.band)
        w.field("band_distance"); w.double(u.bandDistance, decimals: 4)
        w.field("quartile"); w.int(u.quartile)
        w.field("overall_rank_low"); w.int(u.uncertainty?.rankLow)
        w.field("overall_rank_high"); w.int(u.uncertainty?.rankHigh)
        w.field("p_high_band"); w.double(u.uncertainty?.pHighBand, decimals: 4)
        w.field("change"); change(u.change, into: &w)
        w.field("main_drivers"); w.string(u.mainDrivers)
        w.field("summary"); w.string(u.summary)
        w.field("statistical_neighbours")
        w.beginArray()
        for n in u.neighbours {
            w.beginObject()
            w.field("old_la_code"); w.string(n.oldCode)
            w.field("new_la_code"); w.string(n.newCode)
            w.field("la_name"); w.string(n.name)
            w.endObject()
        }
        w.endArray()
        w.field("coverage"); w.double(u.coverage, decimals: 2)
        w.field("status"); w.string(u.isRanked ? "ranked" : "excluded")
        w.field("exclusion_reason"); w.string(u.exclusionReason)
        w.field("instability"); component(u.instability, into: &w)
        w.field("caseload_risk"); component(u.caseloadRisk, into: &w)
        w.field("comparisons")
        w.beginArray()
        for c in u.comparisons {
            w.beginObject()
            w.field("measure"); w.string(c.measure)
            w.field("value"); w.double(c.value, decimals: 2)
            w.field("england"); w.double(c.england, decimals: 2)
            w.field("region"); w.double(c.region, decimals: 2)
            w.field("statistical_neighbours_median"); w.double(c.neighboursMedian, decimals: 2)
            w.field("statistical_neighbours_count"); w.int(c.neighboursCount)
            w.endObject()
        }
        w.endArray()
        w.field("inspection"); inspection(u.inspection, into: &w)
        w.field("ofsted_judgement_in_force"); judgement(u.judgementInForce, into: &w)
        w.field("notes"); w.strings(u.notes)
        w.endObject()
    }

    static func change(_ change: YearChange?, into w: inout JSONWriter) {
        guard let c = change else { return w.null() }
        w.beginObject()
        w.field("previous_overall_rank"); w.int(c.previousRank)
        w.field("overall_rank_change"); w.int(c.rankChange)
        w.field("overall_score_change"); w.double(c.scoreChange, decimals: Ranking.scoreDecimals)
        w.field("note"); w.string(c.note)
        w.endObject()
    }

    static func component(_ c: ComponentScore, into w: inout JSONWriter) {
        w.beginObject()
        w.field("score"); w.double(c.value, decimals: Ranking.scoreDecimals)
        w.field("rank"); w.int(c.rank)
        w.field("band"); w.string(c.band?.rawValue)
        w.field("coverage"); w.double(c.coverage, decimals: 2)
        w.field("significantly_worse_than_england"); w.int(c.significantlyWorse)
        w.field("indicators")
        w.beginArray()
        for i in c.indicators {
            w.beginObject()
            w.field("indicator"); w.string(i.indicator.rawValue)
            w.field("value"); w.double(i.value, decimals: 4)
            w.field("adjusted"); w.double(i.adjusted, decimals: 4)
            w.field("z"); w.double(i.z, decimals: 4)
            w.field("weight"); w.double(i.weight, decimals: 4)
            w.field("contribution"); w.double(i.contribution, decimals: 4)
            w.field("rank"); w.int(i.rank)
            w.field("band"); w.string(i.z.map { Band.of(distance: $0).rawValue })
            w.field("sampling_sd"); w.double(i.sd, decimals: 4)
            w.field("denominator"); w.double(i.denominator, decimals: 4)
            w.field("reliability"); w.double(i.reliability, decimals: 4)
            w.field("interval_method"); w.string(i.intervalMethod?.rawValue)
            w.field("ci95_low"); w.double(i.ci95?.low, decimals: 4)
            w.field("ci95_high"); w.double(i.ci95?.high, decimals: 4)
            w.field("ci998_low"); w.double(i.ci998?.low, decimals: 4)
            w.field("ci998_high"); w.double(i.ci998?.high, decimals: 4)
            w.field("vs_england"); w.string(i.vsEngland?.rawValue)
            w.field("vs_england_998"); w.string(i.vsEngland998?.rawValue)
            w.field("note"); w.string(i.note)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func judgement(_ j: LinkedJudgement?, into w: inout JSONWriter) {
        guard let j else { return w.null() }
        w.beginObject()
        w.field("grade"); w.string(j.judgement.grade.rawValue)
        w.field("published"); w.string(j.judgement.publishedText)
        w.field("authority"); w.string(j.judgement.name)
        w.field("old_la_code"); w.string(j.judgement.oldCode)
        w.field("relation"); w.string(j.relation.rawValue)
        w.field("framework"); w.string(j.judgement.framework.rawValue)
        w.endObject()
    }

    static func inspection(_ e: InspectionEvidence?, into w: inout JSONWriter) {
        guard let e else { return w.null() }
        w.beginObject()
        w.field("latest_date"); w.string(e.latestDate)
        w.field("judgement"); w.string(e.judgement)
        w.field("instability_concern"); w.double(e.instabilityConcern, decimals: 4)
        w.field("caseload_concern"); w.double(e.caseloadConcern, decimals: 4)
        w.field("evidence")
        w.beginArray()
        for q in e.quotes {
            w.beginObject()
            w.field("file"); w.string(q.file)
            w.field("date"); w.string(q.date)
            w.field("theme"); w.string(q.theme)
            w.field("polarity"); w.string(q.polarity)
            w.field("evidence"); w.string(q.text)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
