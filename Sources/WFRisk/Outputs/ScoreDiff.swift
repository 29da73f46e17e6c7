import Foundation
import WFRiskCore
import WFRiskIngest

/// Compares two score files per authority: every score, rank and band, and which
/// authorities are present. Used by `wfrisk diff` and `wfrisk run --baseline`.
///
/// Never a pass on nonsense: a non-finite score (`nan`, `inf`) in the new file is always a change;
/// files of different scoring years or methodology versions are not compared (a usage error)
/// unless asked for. Bands follow the overall rank (quartiles): with a non-zero rank tolerance, a
/// move to a neighbouring band is not counted when the authority's overall rank and overall score
/// are within tolerance; a jump over a band, or any band change with exact tolerances, is.
package struct ScoreDiff: Sendable {
    /// Scores moved beyond tolerance against a baseline (`wfrisk run --baseline`; exit 1).
    package struct Drift: Error, CustomStringConvertible {
        package let baseline: String
        package let summary: String
        package init(baseline: String, summary: String) { self.baseline = baseline; self.summary = summary }
        package var description: String { "scores drifted beyond tolerance against \(baseline): \(summary)" }
    }

    /// Differences that make two files incomparable unless explicitly allowed.
    package enum Mismatch: String, Sendable, CaseIterable {
        case year, methodology
    }
    struct Change: Sendable, Equatable {
        var oldCode: String
        var name: String
        var field: String
        var baseline: String
        var new: String
        /// new − baseline for numbers; nil for text fields.
        var change: Double?
    }

    var changes: [Change]
    var added: [String]
    var removed: [String]
    var changedAuthorities: Int
    var unchangedAuthorities: Int

    package var isClean: Bool { changes.isEmpty && added.isEmpty && removed.isEmpty }

    static let scoreFields = ["overall_score", "instability_score", "caseload_risk_score", "coverage"]
    static let rankFields = ["overall_rank", "instability_rank", "caseload_risk_rank"]
    static let textFields = ["band", "status"]
    /// Bands from highest risk down: a change between neighbours may be within tolerance.
    static let bandOrder = ["high", "elevated", "moderate", "low"]
    /// Columns of a baseline extract (`wfrisk baseline update`): what a diff compares, what the
    /// scores mean (scoring year, methodology version), and nothing copied from the inputs.
    static let baselineColumns = ["old_la_code", "la_name", "time_period", "methodology_version"] + rankFields + scoreFields + textFields
    /// Baselines written before they carried year and methodology; `baseline update` may replace them.
    static let legacyBaselineColumns = ["old_la_code", "la_name"] + rankFields + scoreFields + textFields

    /// Whether a file holds only a baseline extract's columns.
    static func isExtract(_ f: ScoreFile) -> Bool { Set(f.header) == Set(baselineColumns) || Set(f.header) == Set(legacyBaselineColumns) }

    /// Whether a file is a baseline extract (as opposed to a run's scores.csv).
    package static func isBaseline(_ f: ScoreFile) -> Bool { isExtract(f) }

    /// A baseline from before baselines recorded their scoring year and methodology version.
    package static func isLegacy(_ f: ScoreFile) -> Bool { Set(f.header) == Set(legacyBaselineColumns) }

    /// A score file read for comparison: rows keyed by `old_la_code`.
    package struct ScoreFile: Sendable {
        package var path: String
        package var header: [String]
        package var rows: [String: [String: String]]
        /// `metadata.schema_version` of the scores.json beside it, when there is one.
        var schemaVersion: String?
        /// The scoring year(s) of its rows (`time_period`), e.g. "2023"; nil when not recorded.
        package var year: String?
        /// Methodology version: a baseline's column, or the scores.json/manifest.json beside a scores.csv.
        package var methodology: String?
        /// The file's real path when it was read (after resolving links such as `latest`).
        package var resolvedPath: String?
    }

    /// Reads `scores.csv` (or the one inside a run folder / `latest`). Failures are `.usage` errors (exit 2).
    package static func load(_ path: String) throws -> ScoreFile {
        var csv = path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            csv = (path as NSString).appendingPathComponent("scores.csv")
        }
        guard FileManager.default.fileExists(atPath: csv) else {
            throw WFRiskError.usage("cannot compare: \(csv) does not exist")
        }
        var header: [String] = []
        var rows: [String: [String: String]] = [:]
        do {
            try CSVReader.read(path: csv) { record in
                if header.isEmpty {
                    header = record.strings
                    return
                }
                let values = record.strings
                guard values.count == header.count else {
                    throw WFRiskError.usage("cannot compare: \(csv):\(record.line) has \(values.count) fields, the header has \(header.count)")
                }
                var row: [String: String] = [:]
                for (k, v) in zip(header, values) { row[k] = v }
                let key = row["old_la_code"] ?? ""
                if rows[key] != nil { throw WFRiskError.usage("cannot compare: \(csv):\(record.line) repeats authority \(key)") }
                rows[key] = row
            }
        } catch let e as CSVError {
            throw WFRiskError.usage("cannot compare: \(e)")
        }
        let required = ["old_la_code", "la_name"] + scoreFields + rankFields + textFields
        let missing = required.filter { !header.contains($0) }
        guard !missing.isEmpty || header.isEmpty == false else { throw WFRiskError.usage("cannot compare: \(csv) is empty") }
        guard missing.isEmpty else {
            throw WFRiskError.usage("cannot compare: \(csv) is not a wfrisk scores file (missing \(missing.joined(separator: ", ")))")
        }
        var schema: String?
        var methodology: String?
        let folder = (csv as NSString).deletingLastPathComponent
        if (csv as NSString).lastPathComponent == "scores.csv" {
            let scores = ScoresDocument.Header.load(path: (folder as NSString).appendingPathComponent("scores.json"))
            schema = scores?.schemaVersion
            methodology = scores?.methodologyVersion
                ?? RunManifest.Summary.load(path: (folder as NSString).appendingPathComponent("manifest.json"))?.methodologyVersion
        }
        func distinct(_ column: String) -> String? {
            guard header.contains(column) else { return nil }
            let values = Set(rows.values.compactMap { $0[column] }.filter { !$0.isEmpty })
            return values.isEmpty ? nil : values.sorted().joined(separator: "+")
        }
        methodology = distinct("methodology_version") ?? methodology
        let resolved = realpath(csv, nil).map { p in defer { free(p) }; return String(cString: p) }
        return ScoreFile(path: csv, header: header, rows: rows, schemaVersion: schema, year: distinct("time_period"),
                         methodology: methodology, resolvedPath: resolved)
    }

    /// The extract of a score file that baselines keep (with its scoring year and methodology version).
    package static func extract(_ f: ScoreFile) throws -> [UInt8] {
        guard let year = f.year, let method = f.methodology else {
            throw WFRiskError.usage("\(f.path) does not record its \(f.year == nil ? "scoring year" : "methodology version"); make baselines from a run folder (or its scores.csv beside manifest.json)")
        }
        var w = CSVWriter()
        w.writeRow(baselineColumns)
        let ordered = f.rows.values.sorted { a, b in
            let ra = Int(a["overall_rank"] ?? "") ?? Int.max, rb = Int(b["overall_rank"] ?? "") ?? Int.max
            return ra != rb ? ra < rb : (a["old_la_code"] ?? "") < (b["old_la_code"] ?? "")
        }
        for row in ordered {
            w.writeRow(baselineColumns.map { c in
                switch c {
                case "time_period": return CSVCell.number(row[c].flatMap { $0.isEmpty ? nil : $0 } ?? year)
                case "methodology_version": return CSVCell.number(method)
                default: return CSVCell.number(row[c] ?? "")
                }
            })
        }
        return w.bytes
    }

    package static func compare(_ a: ScoreFile, _ b: ScoreFile, tolerance: Double, rankTolerance: Int,
                               allow: Set<Mismatch> = []) throws -> ScoreDiff {
        if let x = a.schemaVersion, let y = b.schemaVersion, x != y {
            throw WFRiskError.usage("cannot compare: different schema versions (baseline \(a.path) is version \(x), new \(b.path) is version \(y))")
        }
        for (mismatch, what, x, y) in [(Mismatch.year, "scoring year", a.year, b.year), (.methodology, "methodology version", a.methodology, b.methodology)]
        where !allow.contains(mismatch) {
            let flag = "--allow-\(mismatch == .year ? "year" : "method")-change"
            guard let x, let y else {
                let which = x == nil ? "baseline \(a.path)" : "new \(b.path)"
                throw WFRiskError.usage("cannot compare: \(which) does not record its \(what) (an old baseline? recreate it with `wfrisk baseline update BASELINE NEW --yes`); pass \(flag) to compare anyway")
            }
            if x != y {
                throw WFRiskError.usage("cannot compare: baseline \(a.path) has \(what) \(x), new \(b.path) has \(y); pass \(flag) to compare them anyway")
            }
        }
        if a.header != b.header && !isExtract(a) && !isExtract(b) {
            let onlyA = a.header.filter { !b.header.contains($0) }, onlyB = b.header.filter { !a.header.contains($0) }
            throw WFRiskError.usage("""
                cannot compare: different schema versions (\(a.path) has \(a.header.count) columns, \(b.path) has \(b.header.count)\
                \(onlyA.isEmpty ? "" : "; only in baseline: \(onlyA.joined(separator: ", "))")\
                \(onlyB.isEmpty ? "" : "; only in new: \(onlyB.joined(separator: ", "))")\(onlyA.isEmpty && onlyB.isEmpty ? "; same columns in another order" : ""))
                """)
        }
        var changes: [Change] = []
        var changed = Set<String>()
        let common = Set(a.rows.keys).intersection(b.rows.keys)
        for code in common.sorted() {
            let x = a.rows[code]!, y = b.rows[code]!
            let name = y["la_name"] ?? ""
            func numeric(_ field: String, limit: Double) {
                let u = x[field] ?? "", v = y[field] ?? ""
                if let q = Double(v), !q.isFinite {
                    // A broken run (nan, inf) is never "unchanged", even against the same nonsense.
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil))
                    return
                }
                if u == v { return }
                if let p = Double(u), let q = Double(v), p.isFinite {
                    if abs(q - p) > limit + 1e-9 { changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: q - p)) }
                } else {
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil))
                }
            }
            for f in scoreFields { numeric(f, limit: tolerance) }
            for f in rankFields { numeric(f, limit: Double(rankTolerance)) }
            for f in textFields where x[f] != y[f] {
                if f == "band", bandChangeWithinTolerance(x, y, tolerance: tolerance, rankTolerance: rankTolerance) { continue }
                changes.append(Change(oldCode: code, name: name, field: f, baseline: x[f] ?? "", new: y[f] ?? "", change: nil))
            }
            if changes.contains(where: { $0.oldCode == code }) { changed.insert(code) }
        }
        // Score changes first, largest first; then rank, band and status changes.
        changes.sort { l, r in
            // A score that is no longer a number (nan, empty) counts as the largest change.
            let lm = l.change.map { abs($0) } ?? .infinity, rm = r.change.map { abs($0) } ?? .infinity
            let lScore = scoreFields.contains(l.field), rScore = scoreFields.contains(r.field)
            if lScore != rScore { return lScore }
            if lm != rm { return lm > rm }
            return (l.oldCode, l.field) < (r.oldCode, r.field)
        }
        return ScoreDiff(changes: changes, added: Set(b.rows.keys).subtracting(a.rows.keys).sorted(),
                         removed: Set(a.rows.keys).subtracting(b.rows.keys).sorted(),
                         changedAuthorities: changed.count, unchangedAuthorities: common.count - changed.count)
    }

    /// A band change that only follows a rank change within tolerance (see the type's comment).
    static func bandChangeWithinTolerance(_ x: [String: String], _ y: [String: String], tolerance: Double, rankTolerance: Int) -> Bool {
        guard rankTolerance > 0,
              let i = bandOrder.firstIndex(of: x["band"] ?? ""), let j = bandOrder.firstIndex(of: y["band"] ?? ""), abs(i - j) == 1,
              let r1 = Int(x["overall_rank"] ?? ""), let r2 = Int(y["overall_rank"] ?? ""), abs(r1 - r2) <= rankTolerance,
              let s1 = Double(x["overall_score"] ?? ""), let s2 = Double(y["overall_score"] ?? ""), s1.isFinite, s2.isFinite,
              abs(s1 - s2) <= tolerance + 1e-9 else { return false }
        return true
    }

    package var summary: String {
        "\(changedAuthorities) authorities changed, \(unchangedAuthorities) unchanged, \(added.count) added, \(removed.count) removed"
    }

    package func table(baseline: ScoreFile, new: ScoreFile) -> String {
        var lines: [String] = []
        let header = ["authority", "field", "baseline", "new", "change"]
        var rows: [[String]] = changes.map { c in
            ["\(c.name) (\(c.oldCode))", c.field, c.baseline, c.new, c.change.map { ($0 > 0 ? "+" : "") + Decimals.format($0, 2) } ?? "changed"]
        }
        rows += added.map { ["\(new.rows[$0]?["la_name"] ?? "") (\($0))", "authority", "", "present", "added"] }
        rows += removed.map { ["\(baseline.rows[$0]?["la_name"] ?? "") (\($0))", "authority", "present", "", "removed"] }
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func fmt(_ r: [String]) -> String {
            r.enumerated().map { i, v in v.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        if !rows.isEmpty {
            lines.append(fmt(header))
            lines += rows.map(fmt)
        }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    package func json() -> String { jsonValue.rendered() }

    package var jsonValue: JSONValue {
        JSONValue.object([
            ("clean", .bool(isClean)),
            ("summary", .string(summary)),
            ("changed_authorities", .int(changedAuthorities)),
            ("unchanged_authorities", .int(unchangedAuthorities)),
            ("added", .array(added.map { .string($0) })),
            ("removed", .array(removed.map { .string($0) })),
            ("changes", .array(changes.map { c in
                .object([("old_la_code", .string(c.oldCode)), ("la_name", .string(c.name)), ("field", .string(c.field)),
                         ("baseline", .string(c.baseline)), ("new", .string(c.new)), ("change", .double(c.change, decimals: 4))])
            })),
        ])
    }
}
