import Foundation

/// Compares two score files per authority: every score, rank and band, and which
/// authorities are present. Used by `wfrisk diff` and `wfrisk run --baseline`.
public struct ScoreDiff: Sendable {
    public struct Change: Sendable, Equatable {
        public var oldCode: String
        public var name: String
        public var field: String
        public var baseline: String
        public var new: String
        /// new − baseline for numbers; nil for text fields.
        public var change: Double?
    }

    public var changes: [Change]
    public var added: [String]
    public var removed: [String]
    public var changedAuthorities: Int
    public var unchangedAuthorities: Int

    public var isClean: Bool { changes.isEmpty && added.isEmpty && removed.isEmpty }

    public static let scoreFields = ["overall_score", "instability_score", "caseload_risk_score", "coverage"]
    public static let rankFields = ["overall_rank", "instability_rank", "caseload_risk_rank"]
    public static let textFields = ["band", "status"]
    /// Columns of a baseline extract (`wfrisk baseline update`): what a diff compares, and nothing
    /// copied from the inputs.
    public static let baselineColumns = ["old_la_code", "la_name"] + rankFields + scoreFields + textFields

    /// Whether a file holds only the baseline extract's columns.
    static func isExtract(_ f: ScoreFile) -> Bool { Set(f.header) == Set(baselineColumns) }

    /// A score file read for comparison: rows keyed by `old_la_code`.
    public struct ScoreFile: Sendable {
        public var path: String
        public var header: [String]
        public var rows: [String: [String: String]]
        /// `metadata.schema_version` of the scores.json beside it, when there is one.
        public var schemaVersion: String?
    }

    /// Reads `scores.csv` (or the one inside a run folder / `latest`). Failures are `.usage` errors (exit 2).
    public static func load(_ path: String) throws -> ScoreFile {
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
        let json = ((csv as NSString).deletingLastPathComponent as NSString).appendingPathComponent("scores.json")
        if (csv as NSString).lastPathComponent == "scores.csv", let data = FileManager.default.contents(atPath: json) {
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            schema = (object?["metadata"] as? [String: Any])?["schema_version"] as? String
        }
        return ScoreFile(path: csv, header: header, rows: rows, schemaVersion: schema)
    }

    /// The extract of a score file that baselines keep.
    public static func extract(_ f: ScoreFile) -> [UInt8] {
        var w = CSVWriter()
        w.writeRow(baselineColumns)
        let ordered = f.rows.values.sorted { a, b in
            let ra = Int(a["overall_rank"] ?? "") ?? Int.max, rb = Int(b["overall_rank"] ?? "") ?? Int.max
            return ra != rb ? ra < rb : (a["old_la_code"] ?? "") < (b["old_la_code"] ?? "")
        }
        for row in ordered { w.writeRow(baselineColumns.map { CSVCell.number(row[$0] ?? "") }) }
        return w.bytes
    }

    public static func compare(_ a: ScoreFile, _ b: ScoreFile, tolerance: Double, rankTolerance: Int) throws -> ScoreDiff {
        if let x = a.schemaVersion, let y = b.schemaVersion, x != y {
            throw WFRiskError.usage("cannot compare: different schema versions (baseline \(a.path) is version \(x), new \(b.path) is version \(y))")
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
                if u == v { return }
                if let p = Double(u), let q = Double(v) {
                    if abs(q - p) > limit + 1e-9 { changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: q - p)) }
                } else {
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil))
                }
            }
            for f in scoreFields { numeric(f, limit: tolerance) }
            for f in rankFields { numeric(f, limit: Double(rankTolerance)) }
            for f in textFields where x[f] != y[f] {
                changes.append(Change(oldCode: code, name: name, field: f, baseline: x[f] ?? "", new: y[f] ?? "", change: nil))
            }
            if changes.contains(where: { $0.oldCode == code }) { changed.insert(code) }
        }
        // Largest numeric change first; rank, band and status changes after scores of equal size.
        changes.sort { l, r in
            let lm = abs(l.change ?? 0), rm = abs(r.change ?? 0)
            let lScore = scoreFields.contains(l.field), rScore = scoreFields.contains(r.field)
            if lScore != rScore { return lScore }
            if lm != rm { return lm > rm }
            return (l.oldCode, l.field) < (r.oldCode, r.field)
        }
        return ScoreDiff(changes: changes, added: Set(b.rows.keys).subtracting(a.rows.keys).sorted(),
                         removed: Set(a.rows.keys).subtracting(b.rows.keys).sorted(),
                         changedAuthorities: changed.count, unchangedAuthorities: common.count - changed.count)
    }

    public var summary: String {
        "\(changedAuthorities) authorities changed, \(unchangedAuthorities) unchanged, \(added.count) added, \(removed.count) removed"
    }

    public func table(baseline: ScoreFile, new: ScoreFile) -> String {
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

    public func json() -> String {
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
        ]).rendered()
    }
}
