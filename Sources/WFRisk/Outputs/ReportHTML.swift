import Foundation
import Mustache
import WFRiskCore

/// `report.html`: one self-contained page (inline CSS and SVG, no script, nothing fetched)
/// with the national view and a section per unit, rendered from the Mustache templates in
/// `Resources/report/`.
enum ScoresReport {
    static let templateNames = ["report", "unit"]

    static func write(_ data: ReportData, to path: String, threads: Int = 1) throws {
        try FileOutput.writeAtomically(try render(data, threads: threads), to: path)
    }

    /// The page; units' sections are rendered on up to `threads` threads (same bytes at any count).
    static func render(_ data: ReportData, threads: Int = 1) throws -> String {
        let library = try templates()
        let css = ReportPalette.cssVariables + (try resource("report/style.css"))
        let (built, units) = try ReportModel.page(data, css: css)
        let sections = try Parallel.map(units, threads: threads) { unit -> String in
            guard let html = library.render(plain(unit) as Any, withTemplate: "unit") else {
                throw WFRiskError.runtime("report template 'unit' is missing from \(try ReferenceFiles.path("report/unit.mustache"))")
            }
            return html
        }
        var page = built
        page.unitSections = sections.joined()
        guard let html = library.render(plain(page) as Any, withTemplate: "report") else {
            throw WFRiskError.runtime("report template 'report' is missing from \(try ReferenceFiles.path("report/report.mustache"))")
        }
        return html
    }

    /// The view model as nested dictionaries and arrays, reflected once: Mustache otherwise
    /// reflects an object on every name it looks up, which costs seconds on a national report.
    /// Nil optionals are left out, as Mustache treats them.
    static func plain(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int: return value
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

    static func templates() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for name in templateNames {
            let file = "report/\(name).mustache"
            do {
                try library.register(try resource(file), named: name)
            } catch let e as MustacheTemplate.ParserError {
                throw WFRiskError.runtime("template \(try ReferenceFiles.path(file)) line \(e.context.lineNumber): \(e.error)")
            }
        }
        return library
    }

    static func resource(_ name: String) throws -> String {
        let path = try ReferenceFiles.path(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WFRiskError.runtime("cannot read the report resource \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
