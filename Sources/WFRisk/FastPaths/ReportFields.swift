/// The report's view structs as the templates see them, field by field, written out by hand.
///
/// Why: `ScoresReport.plain` (the plain path) turns a view into nested dictionaries by
/// reflection (`Mirror`); at about 40 KB of page per unit that was about 39% of the report's
/// rendering (docs/performance.md, "Issue 25: the write stage"). These give the same
/// dictionaries, key for key and value for value (a nil optional left out, as `plain` leaves it),
/// without reflection. `WriteFastPathTests` pins `fields` to `plain` on every view of synthetic
/// reports in both layouts, so a field added to a view and not here fails there.
protocol TemplateFields {
    var fields: [String: Any] { get }
}

extension Array where Element: TemplateFields {
    var fields: [Any] { map(\.fields) }
}

/// A list of views whose fields are made as the template reaches each item, instead of all at
/// once. Why: the national view lists every unit in its table, its index and each funnel's
/// table; at 20,000 units those lists' dictionaries were 87 MB of live heap at the end of the
/// write stage, the default formats' peak (heaptrack, docs/performance.md "Issue 25, session
/// 18").
/// `ReportTemplate` renders it item by item; swift-mustache and the tests see `materialized`,
/// the plain list (`[Any]` of the items' fields).
struct TemplateList {
    let count: Int
    let item: (Int) -> [String: Any]

    init<T: TemplateFields>(_ items: [T]) {
        count = items.count
        item = { items[$0].fields }
    }

    var materialized: [Any] { (0..<count).map(item) }

    /// `value` with every `TemplateList` in it made a plain list (and `RenderedHTML` its string).
    static func materializing(_ value: Any) -> Any {
        switch value {
        case let list as TemplateList: return list.materialized.map(materializing)
        case let html as RenderedHTML: return html.string
        case let d as [String: Any]: return d.mapValues(materializing)
        case let a as [Any]: return a.map(materializing)
        default: return value
        }
    }
}

/// HTML already rendered (the units' sections of the one page, a unit's section in its own
/// page), placed by `{{{name}}}` as it is. Why not a `String`: the sections are rendered as bytes;
/// made a `String` (every byte checked as UTF-8 and copied) and turned back into bytes by the
/// template, that round trip was about 2 % of a national run's samples and, at 100x, the 7 % of
/// the report's samples spent in `unitPage` itself (`perf`, docs/performance.md "Issue 25,
/// session 20"). `ReportTemplate` appends `bytes`; swift-mustache and
/// `ScoresReport.plain` (the plain path) see `string`.
struct RenderedHTML: Sendable {
    var bytes: [UInt8] = []
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

extension Array where Element == String {
    var fields: [Any] { map { $0 } }
}

extension ReportPage: TemplateFields {
    var fields: [String: Any] {
        [
            "title": title, "synthetic": synthetic, "year": year, "wfriskVersion": wfriskVersion,
            "methodologyVersion": methodologyVersion, "css": css, "unitCount": unitCount, "rankedCount": rankedCount,
            "excludedCount": excludedCount, "hasExcluded": hasExcluded, "hasIntervals": hasIntervals, "rankChart": rankChart,
            "rankChartCaption": rankChartCaption, "legend": legend.fields, "distributions": distributions.fields,
            "binRows": binRows.fields, "hasDemand": hasDemand, "hasInspections": hasInspections,
            "nationalRows": TemplateList(nationalRows), "index": TemplateList(index), "unitPages": unitPages, "unitSections": unitSections,
            "funnels": funnels.fields, "hasFunnels": hasFunnels, "inputs": inputs.fields, "sources": sources,
            "contributionLimit": contributionLimit,
        ]
    }
}

extension LegendEntry: TemplateFields {
    var fields: [String: Any] { ["swatch": swatch, "name": name] }
}

extension Distribution: TemplateFields {
    var fields: [String: Any] { ["heading": heading, "chart": chart, "caption": caption, "median": median] }
}

extension BinRow: TemplateFields {
    var fields: [String: Any] { ["range": range, "counts": counts.fields] }
}

extension NationalRow: TemplateFields {
    var fields: [String: Any] {
        var f: [String: Any] = [
            "href": href, "rank": rank, "name": name, "code": code, "region": region, "overall": overall,
            "instability": instability, "caseload": caseload, "status": status,
        ]
        if let interval { f["interval"] = interval }
        if let band { f["band"] = band.fields }
        if let reason { f["reason"] = reason }
        return f
    }
}

extension BandView: TemplateFields {
    var fields: [String: Any] { ["name": name, "css": css, "swatch": swatch] }
}

extension IndexEntry: TemplateFields {
    var fields: [String: Any] { ["href": href, "name": name] }
}

extension InputRow: TemplateFields {
    var fields: [String: Any] { ["kind": kind, "file": file, "sha256": sha256] }
}

extension UnitView: TemplateFields {
    var fields: [String: Any] {
        var f: [String: Any] = [
            "anchor": anchor, "page": page, "backHref": backHref, "name": name, "oldCode": oldCode, "newCode": newCode,
            "region": region, "ranked": ranked, "facts": facts.fields, "contributionChart": contributionChart,
            "indicatorGroups": indicatorGroups.fields, "seriesHeaders": seriesHeaders.fields, "seriesRows": seriesRows.fields,
            "evidence": evidence.fields, "hasEvidence": hasEvidence, "notes": notes.fields, "hasNotes": hasNotes,
            "intervalRows": intervalRows.fields, "hasIntervalRows": hasIntervalRows, "funnels": funnels.fields,
        ]
        if let exclusionReason { f["exclusionReason"] = exclusionReason }
        if let summary { f["summary"] = summary }
        if let mainDrivers { f["mainDrivers"] = mainDrivers }
        if let neighbours { f["neighbours"] = neighbours }
        if let band { f["band"] = band.fields }
        if let seriesChart { f["seriesChart"] = seriesChart }
        if let judgement { f["judgement"] = judgement }
        return f
    }
}

extension Fact: TemplateFields {
    var fields: [String: Any] {
        var f: [String: Any] = ["label": label, "value": value]
        if let detail { f["detail"] = detail }
        return f
    }
}

extension IndicatorGroup: TemplateFields {
    var fields: [String: Any] { ["heading": heading, "score": score, "rank": rank, "rows": rows.fields] }
}

extension IndicatorRow: TemplateFields {
    var fields: [String: Any] {
        var f: [String: Any] = [
            "label": label, "value": value, "england": england, "region": region, "neighbours": neighbours, "rank": rank,
            "weight": weight, "points": points, "pointsClass": pointsClass,
        ]
        if let band { f["band"] = band.fields }
        if let note { f["note"] = note }
        return f
    }
}

extension SeriesRow: TemplateFields {
    var fields: [String: Any] { ["year": year, "cells": cells.fields] }
}

extension SeriesHeader: TemplateFields {
    var fields: [String: Any] { ["name": name] }
}

extension Quote: TemplateFields {
    var fields: [String: Any] {
        var f: [String: Any] = ["text": text, "theme": theme, "polarity": polarity, "file": file]
        if let date { f["date"] = date }
        return f
    }
}

extension FunnelView: TemplateFields {
    var fields: [String: Any] { ["id": id, "heading": heading, "chart": chart, "caption": caption, "rows": TemplateList(rows)] }
}

extension FunnelRow: TemplateFields {
    var fields: [String: Any] {
        ["name": name, "denominator": denominator, "value": value, "limits95": limits95, "limits998": limits998, "position": position]
    }
}

extension IntervalRow: TemplateFields {
    var fields: [String: Any] {
        [
            "label": label, "value": value, "ci95": ci95, "ci998": ci998, "england": england, "vsEngland": vsEngland,
            "neighbours": neighbours, "vsNeighbours": vsNeighbours, "basedOn": basedOn, "reliability": reliability,
        ]
    }
}
