import Foundation
import WFRiskCore
import WFRiskScoring
import Yams

/// `main_drivers` and `summary`: the unit's numbers in words, from the templates in
/// `Resources/unit_words.yml`. Deterministic: the same numbers give the same words.
struct UnitWords: Sendable {
    struct IndicatorWords: Sendable {
        var label: String
        var unit: String
        var decimals: Int
        var signed: Bool
    }

    let indicators: [String: IndicatorWords]
    let templates: [String: String]
    /// `templates`, each split once into text and names (`TemplateParts`).
    let parsedTemplates: [String: TemplateParts]
    let maxDrivers: Int

    /// The bundled templates (read once); a missing or broken file is an error, never a stop.
    static func bundled() throws -> UnitWords { try loaded.get() }
    private static let loaded = Result { try UnitWords(path: try ReferenceFiles.path("unit_words.yml")) }

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else { throw WFRiskError.usage("\(path): expected a mapping") }
        var words: [String: IndicatorWords] = [:]
        for (name, value) in root["indicators"] as? [String: Any] ?? [:] {
            guard let m = value as? [String: Any], let label = m["label"] as? String else { throw WFRiskError.usage("\(path): indicators.\(name) needs a label") }
            words[name] = IndicatorWords(label: label, unit: m["unit"] as? String ?? "", decimals: m["decimals"] as? Int ?? 1,
                                         signed: m["signed"] as? Bool ?? false)
        }
        for i in Indicator.allCases where words[i.rawValue] == nil { throw WFRiskError.usage("\(path): no words for indicator \(i.rawValue)") }
        var t: [String: String] = [:]
        for (k, v) in root { if let s = v as? String { t[k] = s } }
        for (k, v) in root["level"] as? [String: Any] ?? [:] { t["level." + k] = v as? String }
        // Every template the words use: one left out of an edited file would otherwise give an
        // empty driver or sentence (or stop the run) instead of an error naming it.
        for key in Self.requiredTemplates where t[key] == nil { throw WFRiskError.usage("\(path): no template '\(key)'") }
        self.init(indicators: words, templates: t, maxDrivers: root["drivers"] as? Int ?? 3)
    }

    /// The templates `drivers`, `level` and `summary` fill.
    static let requiredTemplates: [String] = ["driver", "driver_no_england", "driver_separator", "sentence_level", "interval",
        "change_up", "change_down", "change_same", "sentence_drivers_up", "sentence_drivers_down",
        "sentence_no_drivers_up", "sentence_no_drivers_down", "sentence_excluded"]
        + Significance.allCases.map { "driver_" + $0.rawValue }
        + ["well_above", "above", "similar", "below", "well_below"].map { "level." + $0 }

    init(indicators: [String: IndicatorWords], templates: [String: String], maxDrivers: Int) {
        self.indicators = indicators
        self.templates = templates
        parsedTemplates = templates.mapValues(TemplateParts.init)
        self.maxDrivers = maxDrivers
    }

    /// The template with each `{name}` replaced by its value (unknown names are left as written).
    func fill(_ key: String, _ values: [String: String]) -> String {
        parsedTemplates[key]?.fill(values) ?? ""
    }

    /// Plain path of `fill`: the template searched for braces on every call.
    func plainFill(_ key: String, _ values: [String: String]) -> String {
        let template = templates[key] ?? ""
        guard template.contains("{") else { return template }
        var out = ""
        out.reserveCapacity(template.utf8.count + 64)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// A number as the words write it.
    func number(_ i: Indicator, _ v: Double) -> String {
        let w = indicators[i.rawValue]!
        let text = Decimals.format(v, w.decimals)
        return w.signed && Decimals.round(v, w.decimals) > 0 ? "+" + text : text
    }

    /// "turnover 32.9%, significantly above England's 17.1%; vacancies 29.8%, not significantly
    /// different from England's 20.0%" (the 95% reading, `vs_england`; "vs England" where the
    /// value has no interval).
    func drivers(_ u: UnitScore, englandValues: [Double?]) -> String? {
        let parts = u.drivers.prefix(maxDrivers).compactMap { d -> String? in
            guard let r = u.result(d), let value = r.value else { return nil }
            let w = indicators[d.rawValue]!
            var values = ["label": w.label, "value": number(d, value), "unit": w.unit]
            if englandValues.indices.contains(d.ordinal), let e = englandValues[d.ordinal] {
                values["england"] = number(d, e)
                return fill(r.vsEngland.map { "driver_" + $0.rawValue } ?? "driver", values)
            }
            return fill("driver_no_england", values)
        }
        return parts.isEmpty ? nil : parts.joined(separator: templates["driver_separator"] ?? "; ")
    }

    /// The level phrase for a distance from the median in robust units (the thresholds of `Band`).
    func level(_ d: Double) -> String {
        switch Band.of(distance: d) {
        case .high: return templates["level.well_above"]!
        case .elevated: return templates["level.above"]!
        case .moderate: return templates["level.similar"]!
        case .low: return d <= -Band.highFrom ? templates["level.well_below"]! : templates["level.below"]!
        }
    }

    /// One or two sentences about the unit.
    func summary(_ u: UnitScore, table: ScoreTable, rankedCount: Int? = nil) -> String {
        guard u.isRanked, let rank = u.overallRank, let score = u.overall, let d = u.bandDistance else {
            let missing = [u.instability, u.caseloadRisk].filter { $0.value == nil }.map { $0.kind == .instability ? "instability" : "caseload" }
            return fill("sentence_excluded", ["name": u.name, "year": String(u.year),
                                              "scores": missing.isEmpty ? "workforce" : missing.joined(separator: " and ")])
        }
        var interval = ""
        if let q = u.uncertainty { interval = fill("interval", ["low": String(q.rankLow), "high": String(q.rankHigh)]) }
        var change = ""
        if let c = u.change, let previous = c.previousRank {
            let values = ["previous": String(previous), "previous_year": String(u.year - 1)]
            change = fill(previous > rank ? "change_up" : previous < rank ? "change_down" : "change_same", values)
        }
        let first = fill("sentence_level", ["name": u.name, "year": String(u.year), "level": level(d), "score": Decimals.format(score, Ranking.scoreDecimals),
                                            "rank": String(rank), "ranked": String(rankedCount ?? table.rankedCount), "interval": interval, "change": change])
        // `u.drivers` move the score the way `d` says it lies (Ranking.drivers), so the verb and the
        // indicators agree.
        guard let drivers = drivers(u, englandValues: table.englandValues) else {
            return first + " " + fill(d >= 0 ? "sentence_no_drivers_up" : "sentence_no_drivers_down",
                                      ["min_points": Decimals.format(Ranking.driverMinPoints, 1)])
        }
        return first + " " + fill(d >= 0 ? "sentence_drivers_up" : "sentence_drivers_down", ["drivers": drivers])
    }

    /// Fills every unit's `main_drivers` and `summary` (after ranking, changes and intervals), on
    /// up to `threads` threads.
    ///
    /// Why threads: on workload b (20,000 units) filling the templates one unit after another was
    /// about a quarter of the uncertainty stage, on one core. A unit's words read only that unit
    /// and the table's shared figures (never another unit's words), so blocks of units are worded
    /// side by side and set in order: the same words at any count (`UnitWordsTests` pins 2 and 3
    /// threads to the plain one-thread pass).
    static func apply(_ table: inout ScoreTable, words: UnitWords, threads: Int = 1, block: Int = 512) {
        let filled = worded(table, words: words, threads: threads, block: block)
        for (i, w) in filled.enumerated() {
            table.units[i].mainDrivers = w.drivers
            table.units[i].summary = w.summary
        }
    }

    /// Each unit's words, in the table's order (the table is only read, so `apply` then writes
    /// into units no other reference shares).
    private static func worded(_ table: ScoreTable, words: UnitWords, threads: Int, block: Int) -> [(drivers: String?, summary: String)] {
        let ranked = table.rankedCount
        let count = table.units.count
        return Parallel.map(Array(stride(from: 0, to: count, by: block)), threads: threads) { start in
            (start..<min(count, start + block)).map { i in
                (words.drivers(table.units[i], englandValues: table.englandValues), words.summary(table.units[i], table: table, rankedCount: ranked))
            }
        }.flatMap { $0 }
    }
}
