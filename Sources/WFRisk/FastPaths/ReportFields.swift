/// The report's view structs as the templates see them: each answers a template's name with its
/// field's value, written out by hand.
///
/// Why: `ScoresReport.plain` (the plain path) turns a view into nested dictionaries by
/// reflection (`Mirror`); at about 40 KB of page per unit that was about 39% of the report's
/// rendering (docs/performance.md, "Issue 25: the write stage"). Hand-written dictionaries of
/// the same fields (sessions 14 to 22) still cost a fifth of a unit page's rendering to build and
/// two fifths more to look names up in (each name hashed at every level of the stack, each value
/// cast from `Any`: `perf`, docs/performance.md "Issue 25, session 23"). So a template's names are
/// `TemplateKey`s, found once when it is parsed, and a view answers one with a `switch`.
/// A nil optional answers nil, as `plain` leaves it out. `WriteFastPathTests` pins every view's
/// `field` to `plain`, name by name, on synthetic reports in both layouts, so a field added to a
/// view and not here fails there.
protocol TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue?
}

/// Every name a view answers (the union of the views' field names).
enum TemplateKey: String, Sendable, CaseIterable {
    case anchor, backHref, band, basedOn, binRows, caption, caseload, cells, chart, ci95, ci998, code, contributionChart
    case contributionLimit, counts, css, date, denominator, detail, distributions, england, evidence, excludedCount
    case exclusionReason, facts, file, funnels, hasDemand, hasEvidence, hasExcluded, hasFunnels, hasInspections
    case hasIntervalRows, hasIntervals, hasNotes, heading, href, id, index, indicatorGroups, inputs, instability
    case interval, intervalRows, judgement, kind, label, legend, limits95, limits998, mainDrivers, median
    case methodologyVersion, name, nationalRows, neighbours, newCode, note, notes, oldCode, overall, points
    case pointsClass, polarity, position, rank, rankChart, rankChartCaption, ranked, rankedCount, range, reason
    case region, reliability, rows, score, seriesChart, seriesHeaders, seriesRows, sha256, sources, status, summary
    case swatch, synthetic, text, theme, title, unitCount, unitPages, unitSections, value, vsEngland, vsNeighbours
    case weight, wfriskVersion, year
}

/// A value as `ReportTemplate` reads it: a view's field, or a value handed in as `Any` (a
/// dictionary of names, as `ScoresReport.unitPage` and the tests give), converted when read.
enum TemplateValue {
    case text(String)
    /// HTML already rendered, placed by `{{{name}}}` as its bytes.
    case html(RenderedHTML)
    case flag(Bool)
    case number(Int)
    case texts([String])
    /// A list of views, each read as the template reaches it.
    case views(TemplateList)
    case view(any TemplateFields)
    case names([String: Any])
    case list([Any])
    /// Anything else, printed as Swift describes it (as swift-mustache does).
    case other(Any)

    init(_ value: Any) {
        switch value {
        case let s as String: self = .text(s)
        case let html as RenderedHTML: self = .html(html)
        case let b as Bool: self = .flag(b)
        case let i as Int: self = .number(i)
        case let d as [String: Any]: self = .names(d)
        case let l as TemplateList: self = .views(l)
        case let v as any TemplateFields: self = .view(v)
        case let a as [Any]: self = .list(a)
        default: self = .other(value)
        }
    }

    /// What `plain` gives for it (the fields of views by reflection, every list whole, HTML as its
    /// string): what swift-mustache and the tests see.
    var plain: Any {
        switch self {
        case .text(let s): return s
        case .html(let h): return h.string
        case .flag(let b): return b
        case .number(let i): return i
        case .texts(let t): return t
        case .views(let l): return l.materialized
        case .view(let v): return ScoresReport.plain(v) ?? [String: Any]()
        case .names(let d): return d.mapValues { TemplateValue($0).plain }
        case .list(let a): return a.map { TemplateValue($0).plain }
        case .other(let v): return v
        }
    }
}

extension Optional where Wrapped == String {
    var templateValue: TemplateValue? { map(TemplateValue.text) }
}

extension Optional where Wrapped == BandView {
    var templateValue: TemplateValue? { map(TemplateValue.view) }
}

/// A list of views, read item by item as the template reaches each, never turned into a list of
/// dictionaries. Why: the national view lists every unit in its table, its index and each
/// funnel's table; at 20,000 units those lists' dictionaries were 87 MB of live heap at the end
/// of the write stage, the default formats' peak (heaptrack, docs/performance.md "Issue 25,
/// session 18"). swift-mustache and the tests see `materialized`, the plain list.
struct TemplateList {
    let count: Int
    let item: (Int) -> any TemplateFields

    init<T: TemplateFields>(_ items: [T]) {
        count = items.count
        item = { items[$0] }
    }

    var materialized: [Any] { (0..<count).map { ScoresReport.plain(item($0)) ?? [String: Any]() } }
}

/// HTML already rendered (the units' sections of the one page or of a page of units), placed
/// by `{{{name}}}` as it is. Why not a `String`: the sections are rendered as bytes;
/// made a `String` (every byte checked as UTF-8 and copied) and turned back into bytes by the
/// template, that round trip was about 2 % of a national run's samples and, at 100x, the 7 % of
/// the report's samples spent in `unitPage` itself (`perf`, docs/performance.md "Issue 25,
/// session 20"). `ReportTemplate` appends `bytes`; swift-mustache and
/// `ScoresReport.plain` (the plain path) see `string`.
struct RenderedHTML: Sendable {
    var bytes: [UInt8] = []
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

extension ReportPage: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .title: .text(title)
        case .synthetic: .flag(synthetic)
        case .year: .number(year)
        case .wfriskVersion: .text(wfriskVersion)
        case .methodologyVersion: .text(methodologyVersion)
        case .css: .text(css)
        case .unitCount: .number(unitCount)
        case .rankedCount: .number(rankedCount)
        case .excludedCount: .number(excludedCount)
        case .hasExcluded: .flag(hasExcluded)
        case .hasIntervals: .flag(hasIntervals)
        case .rankChart: .text(rankChart)
        case .rankChartCaption: .text(rankChartCaption)
        case .legend: .views(TemplateList(legend))
        case .distributions: .views(TemplateList(distributions))
        case .binRows: .views(TemplateList(binRows))
        case .hasDemand: .flag(hasDemand)
        case .hasInspections: .flag(hasInspections)
        case .nationalRows: .views(TemplateList(nationalRows))
        case .index: .views(TemplateList(index))
        case .unitPages: .flag(unitPages)
        case .unitSections: .html(unitSections)
        case .funnels: .views(TemplateList(funnels))
        case .hasFunnels: .flag(hasFunnels)
        case .inputs: .views(TemplateList(inputs))
        case .sources: .text(sources)
        case .contributionLimit: .text(contributionLimit)
        default: nil
        }
    }
}

extension LegendEntry: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .swatch: .text(swatch)
        case .name: .text(name)
        default: nil
        }
    }
}

extension Distribution: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .heading: .text(heading)
        case .chart: .text(chart)
        case .caption: .text(caption)
        case .median: .text(median)
        default: nil
        }
    }
}

extension BinRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .range: .text(range)
        case .counts: .texts(counts)
        default: nil
        }
    }
}

extension NationalRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .href: .text(href)
        case .rank: .text(rank)
        case .interval: interval.templateValue
        case .name: .text(name)
        case .code: .text(code)
        case .region: .text(region)
        case .band: band.templateValue
        case .overall: .text(overall)
        case .instability: .text(instability)
        case .caseload: .text(caseload)
        case .status: .text(status)
        case .reason: reason.templateValue
        default: nil
        }
    }
}

extension BandView: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .name: .text(name)
        case .css: .text(css)
        case .swatch: .text(swatch)
        default: nil
        }
    }
}

extension IndexEntry: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .href: .text(href)
        case .name: .text(name)
        default: nil
        }
    }
}

extension InputRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .kind: .text(kind)
        case .file: .text(file)
        case .sha256: .text(sha256)
        default: nil
        }
    }
}

extension UnitView: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .anchor: .text(anchor)
        case .backHref: .text(backHref)
        case .name: .text(name)
        case .oldCode: .text(oldCode)
        case .newCode: .text(newCode)
        case .region: .text(region)
        case .ranked: .flag(ranked)
        case .exclusionReason: exclusionReason.templateValue
        case .summary: summary.templateValue
        case .mainDrivers: mainDrivers.templateValue
        case .neighbours: neighbours.templateValue
        case .facts: .views(TemplateList(facts))
        case .band: band.templateValue
        case .contributionChart: .text(contributionChart)
        case .indicatorGroups: .views(TemplateList(indicatorGroups))
        case .seriesChart: seriesChart.templateValue
        case .seriesHeaders: .views(TemplateList(seriesHeaders))
        case .seriesRows: .views(TemplateList(seriesRows))
        case .evidence: .views(TemplateList(evidence))
        case .hasEvidence: .flag(hasEvidence)
        case .judgement: judgement.templateValue
        case .notes: .texts(notes)
        case .hasNotes: .flag(hasNotes)
        case .intervalRows: .views(TemplateList(intervalRows))
        case .hasIntervalRows: .flag(hasIntervalRows)
        case .funnels: .views(TemplateList(funnels))
        default: nil
        }
    }
}

extension Fact: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .label: .text(label)
        case .value: .text(value)
        case .detail: detail.templateValue
        default: nil
        }
    }
}

extension IndicatorGroup: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .heading: .text(heading)
        case .score: .text(score)
        case .rank: .text(rank)
        case .rows: .views(TemplateList(rows))
        default: nil
        }
    }
}

extension IndicatorRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .label: .text(label)
        case .value: .text(value)
        case .england: .text(england)
        case .region: .text(region)
        case .neighbours: .text(neighbours)
        case .rank: .text(rank)
        case .band: band.templateValue
        case .weight: .text(weight)
        case .points: .text(points)
        case .pointsClass: .text(pointsClass)
        case .note: note.templateValue
        default: nil
        }
    }
}

extension SeriesRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .year: .text(year)
        case .cells: .texts(cells)
        default: nil
        }
    }
}

extension SeriesHeader: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        key == .name ? .text(name) : nil
    }
}

extension Quote: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .text: .text(text)
        case .theme: .text(theme)
        case .polarity: .text(polarity)
        case .file: .text(file)
        case .date: date.templateValue
        default: nil
        }
    }
}

extension FunnelView: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .id: .text(id)
        case .heading: .text(heading)
        case .chart: .text(chart)
        case .caption: .text(caption)
        case .rows: .views(TemplateList(rows))
        default: nil
        }
    }
}

extension FunnelRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .name: .text(name)
        case .denominator: .text(denominator)
        case .value: .text(value)
        case .limits95: .text(limits95)
        case .limits998: .text(limits998)
        case .position: .text(position)
        default: nil
        }
    }
}

extension IntervalRow: TemplateFields {
    func field(_ key: TemplateKey) -> TemplateValue? {
        switch key {
        case .label: .text(label)
        case .value: .text(value)
        case .ci95: .text(ci95)
        case .ci998: .text(ci998)
        case .england: .text(england)
        case .vsEngland: .text(vsEngland)
        case .neighbours: .text(neighbours)
        case .vsNeighbours: .text(vsNeighbours)
        case .basedOn: .text(basedOn)
        case .reliability: .text(reliability)
        default: nil
        }
    }
}
