import Foundation
import WFRiskCore
import WFRiskIngest

/// Compares two score files per authority: every column a reader acts on (scores, coverage,
/// ranks, rank intervals, `p_high_band`, quartile, bands, drivers, summary, change note, status,
/// judgements), and which authorities are present. Used by `wfrisk diff`, `wfrisk run --baseline`
/// and `wfrisk baseline update`.
///
/// Each kind of number has its own tolerance (`Tolerances`): a score's points (0–100) are not a
/// coverage's share (0–1) nor a probability. Never a pass on nonsense: a cell that is not a valid
/// value of its kind (`nan`, `inf`, hex such as `0x4F`, a score of 1e17, a coverage of 2) is
/// always a change, in either file. Text columns compare exactly, bands included (a band follows
/// the score's distance from the median, so it can move while the score stands still); only the
/// quartile, which follows the overall rank, may move to a neighbouring quartile when the overall
/// rank moved within the rank tolerance. Files of different scoring years or methodology versions
/// are not compared (a usage error) unless asked for.
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

    /// How far each kind of column may move and still count as unchanged (all 0 by default: exact to the written decimals).
    package struct Tolerances: Sendable, Equatable {
        /// Points on a 0–100 score (`--score-tolerance`).
        package var score = 0.0
        /// Share, 0–1 (`--coverage-tolerance`).
        package var coverage = 0.0
        /// Places of overall, instability and caseload-risk rank (`--rank-tolerance`).
        package var rank = 0
        /// Places of each end of the 90% rank interval (`--interval-tolerance`).
        package var interval = 0
        /// Probability, 0–1 (`--probability-tolerance`, `p_high_band`).
        package var probability = 0.0
        package init(score: Double = 0, coverage: Double = 0, rank: Int = 0, interval: Int = 0, probability: Double = 0) {
            self.score = score; self.coverage = coverage; self.rank = rank; self.interval = interval; self.probability = probability
        }
    }

    /// What a compared column holds: its valid values and which tolerance applies.
    enum Kind: Sendable {
        case score, coverage, rank, interval, probability, quartile, text

        /// Whether `text` is a valid value of this kind (empty cells are compared as text).
        func isValid(_ text: String) -> Bool {
            switch self {
            case .text: return true
            case .score: return DecimalNumber.parse(text).map { (0...100).contains($0) } ?? false
            case .coverage, .probability: return DecimalNumber.parse(text).map { (0...1).contains($0) } ?? false
            case .rank, .interval: return DecimalNumber.integer(text).map { $0 >= 1 } ?? false
            case .quartile: return DecimalNumber.integer(text).map { (1...4).contains($0) } ?? false
            }
        }

        func limit(_ t: Tolerances) -> Double {
            switch self {
            case .score: return t.score
            case .coverage: return t.coverage
            case .rank, .quartile: return Double(t.rank)
            case .interval: return Double(t.interval)
            case .probability: return t.probability
            case .text: return 0
            }
        }

        var isNumeric: Bool { self != .text }
    }

    struct Change: Sendable, Equatable {
        var oldCode: String
        var name: String
        var field: String
        var baseline: String
        var new: String
        /// new − baseline for numbers; nil for text fields and invalid values.
        var change: Double?
    }

    var changes: [Change]
    var added: [String]
    var removed: [String]
    var changedAuthorities: Int
    var unchangedAuthorities: Int

    package var isClean: Bool { changes.isEmpty && added.isEmpty && removed.isEmpty }

    /// Every column compared, in the order a reader meets them (scores.csv's order), with its kind.
    static let comparedColumns: [(name: String, kind: Kind)] = [
        ("overall_rank", .rank), ("overall_score", .score), ("instability_score", .score), ("instability_rank", .rank),
        ("caseload_risk_score", .score), ("caseload_risk_rank", .rank), ("band", .text), ("coverage", .coverage),
        ("quartile", .quartile), ("overall_rank_low", .interval), ("overall_rank_high", .interval), ("p_high_band", .probability),
        ("previous_overall_rank", .rank), ("change_note", .text), ("main_drivers", .text), ("summary", .text),
        ("instability_band", .text), ("caseload_risk_band", .text), ("instability_coverage", .coverage),
        ("caseload_risk_coverage", .coverage), ("inspection_judgement", .text), ("ofsted_judgement_in_force", .text),
        ("ofsted_judgement_date", .text), ("ofsted_judgement_authority", .text), ("status", .text), ("exclusion_reason", .text),
    ]
    static let kinds: [String: Kind] = Dictionary(uniqueKeysWithValues: comparedColumns.map { ($0.name, $0.kind) })
    static let scoreFields = ["overall_score", "instability_score", "caseload_risk_score", "coverage"]
    static let rankFields = ["overall_rank", "instability_rank", "caseload_risk_rank"]
    static let textFields = ["band", "status"]
    /// Columns of a baseline extract (`wfrisk baseline update`): every compared column, what the
    /// scores mean (scoring year, methodology version), and nothing copied from the inputs.
    static let baselineColumns = ["old_la_code", "la_name", "time_period", "methodology_version"] + comparedColumns.map(\.name)
    /// Extracts written before they kept every compared column (scores, ranks, band, coverage and
    /// status only): still compared, on the columns they have; `baseline update` rewrites them in full.
    static let formerBaselineColumns = ["old_la_code", "la_name", "time_period", "methodology_version"] + rankFields + scoreFields + textFields
    /// Baselines written before they carried year and methodology; `baseline update` may replace them.
    static let legacyBaselineColumns = ["old_la_code", "la_name"] + rankFields + scoreFields + textFields

    /// Whether a file holds only a baseline extract's columns.
    static func isExtract(_ f: ScoreFile) -> Bool {
        [baselineColumns, formerBaselineColumns, legacyBaselineColumns].contains { Set(f.header) == Set($0) }
    }

    /// An extract with fewer columns than `baseline update` now writes (former or legacy).
    package static func isOutdatedExtract(_ f: ScoreFile) -> Bool { isExtract(f) && Set(f.header) != Set(baselineColumns) }

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
            let ra = DecimalNumber.integer(a["overall_rank"] ?? "") ?? Int.max, rb = DecimalNumber.integer(b["overall_rank"] ?? "") ?? Int.max
            return ra != rb ? ra < rb : (a["old_la_code"] ?? "") < (b["old_la_code"] ?? "")
        }
        for row in ordered {
            w.writeRow(baselineColumns.map { c in
                switch c {
                case "time_period": return CSVCell.number(row[c].flatMap { $0.isEmpty ? nil : $0 } ?? year)
                case "methodology_version": return CSVCell.number(method)
                default:
                    let v = row[c] ?? ""
                    return kinds[c]?.isNumeric == false ? CSVCell.text(v) : CSVCell.number(v)
                }
            })
        }
        return w.bytes
    }

    package static func compare(_ a: ScoreFile, _ b: ScoreFile, tolerances: Tolerances,
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
        let columns = comparedColumns.filter { a.header.contains($0.name) && b.header.contains($0.name) }
        for code in common.sorted() {
            let x = a.rows[code]!, y = b.rows[code]!
            let name = y["la_name"] ?? ""
            for (field, kind) in columns {
                let u = x[field] ?? "", v = y[field] ?? ""
                guard kind.isNumeric else {
                    if u != v { changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil)) }
                    continue
                }
                // A value that is not one of its kind (nan, inf, hex, a score of 1e17) is never
                // "unchanged", even against the same nonsense; an empty cell only equals an empty cell.
                let validU = u.isEmpty || kind.isValid(u), validV = v.isEmpty || kind.isValid(v)
                if !validU || !validV {
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil))
                    continue
                }
                if u == v { continue }
                guard let p = DecimalNumber.parse(u), let q = DecimalNumber.parse(v) else {
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: nil))
                    continue
                }
                if kind == .quartile {
                    if quartileChangeWithinTolerance(x, y, tolerances: tolerances) { continue }
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: q - p))
                    continue
                }
                if abs(q - p) > kind.limit(tolerances) + 1e-9 {
                    changes.append(Change(oldCode: code, name: name, field: field, baseline: u, new: v, change: q - p))
                }
            }
            if changes.contains(where: { $0.oldCode == code }) { changed.insert(code) }
        }
        // Score and coverage changes first, largest first; then the rest, numbers by size, then text.
        changes.sort { l, r in
            // A value that is no longer a number (nan, empty, text) counts as the largest change.
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

    /// A quartile change that only follows an overall rank change within tolerance: to a neighbouring quartile, the rank moved by at most the rank tolerance (above 0).
    static func quartileChangeWithinTolerance(_ x: [String: String], _ y: [String: String], tolerances: Tolerances) -> Bool {
        guard tolerances.rank > 0,
              let i = DecimalNumber.integer(x["quartile"] ?? ""), let j = DecimalNumber.integer(y["quartile"] ?? ""), abs(i - j) == 1,
              let r1 = DecimalNumber.integer(x["overall_rank"] ?? ""), let r2 = DecimalNumber.integer(y["overall_rank"] ?? ""),
              abs(r1 - r2) <= tolerances.rank else { return false }
        return true
    }

    package var summary: String {
        "\(changedAuthorities) authorities changed, \(unchangedAuthorities) unchanged, \(added.count) added, \(removed.count) removed"
    }

    package func table(baseline: ScoreFile, new: ScoreFile) -> String {
        var lines: [String] = []
        let header = ["authority", "field", "baseline", "new", "change"]
        var rows: [[String]] = changes.map { c in
            ["\(c.name) (\(c.oldCode))", c.field, c.baseline, c.new, c.change.map { change in
                let kind = Self.kinds[c.field] ?? .score
                let decimals = kind == .score || kind == .coverage || kind == .probability ? 2 : 0
                return (change > 0 ? "+" : "") + Decimals.format(change, decimals)
            } ?? "changed"]
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
