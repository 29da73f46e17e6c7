import Foundation
import Mustache
import WFRiskCore
import WFRiskScoring

/// `report.html`: self-contained pages (inline CSS and SVG, no script, nothing fetched),
/// rendered from the Mustache templates in `Resources/report/`. Up to
/// `settings.report.unit_pages_above` units, one page with the national view and a section per
/// unit; above it, report.html is the national view and the units' sections are on pages of
/// `settings.report.units_per_page` units in `report/` beside it (`ReportLayout`), so no page
/// grows with the number of units beyond the national tables.
enum ScoresReport {
    static let templateNames = ["report", "unit", "unit_page"]

    /// Writes `path` (report.html) and, for `.unitPages`, the folder of pages of units beside it,
    /// whole or not at all (`FileOutput.writeFolderAtomically`), before report.html itself.
    /// Returns what was written: report.html and, for `.unitPages`, each page by name.
    @discardableResult
    static func write(_ data: ReportData, to path: String, threads: Int = 1,
                      engine: Engine = .fast) throws -> (report: WrittenFile, pages: [String: WrittenFile]?) {
        switch data.layout {
        case .onePage:
            // To the file in blocks, as the unit-pages layout's national view: held whole, the
            // page grew by doubling, each time copied and its new pages faulted in (a sixth of
            // the national report's samples, `perf`, docs/performance.md).
            let (page, library) = try onePage(data, threads: threads, engine: engine)
            let report = try FileOutput.writeAtomically(to: path) { write in
                try library.render(page, template: "report", blockSize: 1 << 20, to: write)
            }
            return (report, nil)
        case .unitPages:
            let library = try templates(engine: engine)
            let (page, units) = try ReportModel.pageAndViews(data, css: try css(), layout: .unitPages)
            let pages = try FileOutput.writeFolderAtomically(to: pagesFolder(beside: path)) { write in
                _ = try Parallel.map(Array(units.pages.indices), threads: threads) { p in
                    try write(units.pages[p].file, try unitsPage(p, of: units, page: page, library: library))
                }
            }
            let report = try FileOutput.writeAtomically(to: path) { write in
                try library.render(page, template: "report", blockSize: 1 << 20, to: write)
            }
            return (report, pages)
        }
    }

    /// The folder of unit pages beside report.html at `path`.
    static func pagesFolder(beside path: String) -> String {
        ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(ReportLayout.pagesFolder)
    }

    /// Page `p` of `units.pages`: its units' sections (the one page's `unit` template, each
    /// funnel's frame drawn once on the page), a list of them, and links back to the national
    /// view and to the pages before and after it.
    static func unitsPage(_ p: Int, of units: ReportModel.UnitViews, page: ReportPage, library: Templates) throws -> [UInt8] {
        let pages = units.pages
        var framesDrawn = Set<Indicator>()
        var sections: [UInt8] = []
        var entries: [IndexEntry] = []
        for i in pages[p].units {
            let unit = units.view(i, framesDrawn: &framesDrawn)
            sections.append(contentsOf: try library.render(unit, template: "unit"))
            entries.append(IndexEntry(href: "#" + unit.anchor, name: unit.name))
        }
        var values: [String: Any] = [
            "title": page.title, "synthetic": page.synthetic, "year": String(page.year), "wfriskVersion": page.wfriskVersion,
            "methodologyVersion": page.methodologyVersion, "css": page.css,
            "name": entries.count == 1 ? entries[0].name : "\(entries.first?.name ?? "") to \(entries.last?.name ?? "")",
            "number": String(p + 1), "count": String(pages.count),
            "units": TemplateList(entries), "section": RenderedHTML(bytes: sections),
        ]
        if p > 0 { values["previous"] = pages[p - 1].file }
        if p + 1 < pages.count { values["next"] = pages[p + 1].file }
        return try library.render(values, template: "unit_page")
    }

    static func css() throws -> String { ReportPalette.cssVariables + (try resource("report/style.css")) }

    /// The one page, whole (`write` sends it to the file in blocks; the tests compare the two);
    /// units' sections are rendered on up to `threads` threads (same bytes at any count).
    /// `engine`: the fast template path (the default) or swift-mustache (the plain path it is pinned to).
    static func render(_ data: ReportData, threads: Int = 1, engine: Engine = .fast) throws -> String {
        let (page, library) = try onePage(data, threads: threads, engine: engine)
        return String(decoding: try library.render(page, template: "report"), as: UTF8.self)
    }

    /// The one page's model with every unit's section rendered into it, and its templates.
    private static func onePage(_ data: ReportData, threads: Int, engine: Engine) throws -> (ReportPage, Templates) {
        let library = try templates(engine: engine)
        let (built, units) = try ReportModel.page(data, css: try css())
        let sections = try Parallel.map(units, threads: threads) { unit -> [UInt8] in
            try library.render(unit, template: "unit")
        }
        // Joined by whole arrays: `Array(sections.joined())` copied the bytes one at a time.
        var joined: [UInt8] = []
        joined.reserveCapacity(sections.reduce(0) { $0 + $1.count })
        for s in sections { joined.append(contentsOf: s) }
        var page = built
        page.unitSections = RenderedHTML(bytes: joined)
        return (page, library)
    }

    /// How the templates are rendered.
    enum Engine: Sendable {
        /// `ReportTemplate`, reading views through their `TemplateFields`, falling back to
        /// swift-mustache (over `plain`) for a template it does not handle.
        case fast
        /// swift-mustache over views turned into dictionaries by reflection (`plain`).
        case mustache
    }

    /// The report's templates, parsed once: each through `ReportTemplate` when the engine is
    /// `.fast` and the template is within its subset, else through swift-mustache.
    struct Templates: Sendable {
        let library: MustacheLibrary
        let fast: [String: ReportTemplate]

        /// `value`: a view, or a dictionary of names (which may hold views and `RenderedHTML`).
        func render(_ value: Any, template name: String) throws -> [UInt8] {
            if let t = fast[name] { return t.render(value) }
            return try mustache(value, template: name)
        }

        /// `render` handed to `write` in blocks (`ReportTemplate.render(_:blockSize:to:)`); whole
        /// for a template only swift-mustache renders.
        func render(_ value: Any, template name: String, blockSize: Int, to write: ([UInt8]) throws -> Void) throws {
            if let t = fast[name] { return try t.render(value, blockSize: blockSize, to: write) }
            try write(try mustache(value, template: name))
        }

        /// swift-mustache over `value` made plain: views by reflection, `RenderedHTML` its string.
        private func mustache(_ value: Any, template name: String) throws -> [UInt8] {
            guard let html = library.render(TemplateValue(value).plain, withTemplate: name) else {
                throw WFRiskError.runtime("report template '\(name)' is missing from \(try ReferenceFiles.path("report/\(name).mustache"))")
            }
            return Array(html.utf8)
        }
    }

    /// The view model as nested dictionaries and arrays, reflected once: Mustache otherwise
    /// reflects an object on every name it looks up, which costs seconds on a national report.
    /// Nil optionals are left out, as Mustache treats them. The plain path: the fast one is each
    /// view's `TemplateFields.field` (ReportFields.swift), pinned to this by `WriteFastPathTests`.
    static func plain(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int: return value
        case let html as RenderedHTML: return html.string
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { plain($0.value) }
        case .collection:
            return mirror.children.compactMap { plain($0.value) }
        case .struct, .class:
            var out: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let v = plain(child.value) { out[label] = v }
            }
            return out
        default:
            return value
        }
    }

    /// With the fast engine and every template within `ReportTemplate`'s subset (the shipped ones
    /// are), swift-mustache parses none: its parse, about 10 ms of every run, was made for each
    /// template and thrown away. Once any template is refused, swift-mustache parses them all,
    /// as before: the refused one renders through it, may include the others as partials, and
    /// its syntax errors are reported with their line.
    static func templates(engine: Engine = .fast) throws -> Templates {
        var library = MustacheLibrary()
        var fast: [String: ReportTemplate] = [:]
        var texts: [(name: String, file: String, text: String)] = []
        for name in templateNames {
            let file = "report/\(name).mustache"
            let text = try resource(file)
            texts.append((name, file, text))
            if engine == .fast { fast[name] = try? ReportTemplate(text) }
        }
        if fast.count < texts.count {
            for t in texts {
                do {
                    try library.register(t.text, named: t.name)
                } catch let e as MustacheTemplate.ParserError {
                    throw WFRiskError.runtime("template \(try ReferenceFiles.path(t.file)) line \(e.context.lineNumber): \(e.error)")
                }
            }
        }
        return Templates(library: library, fast: fast)
    }

    static func resource(_ name: String) throws -> String {
        let path = try ReferenceFiles.path(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WFRiskError.runtime("cannot read the report resource \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
