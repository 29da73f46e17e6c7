import Foundation
import WFRiskCore

/// Every graded judgement of a judgements file (schema: `../shared/data/ofsted/README.md`),
/// by authority, with the two questions the scores ask of it: which judgement was in force
/// at a census (never one published after it), and which one came next.
public struct OfstedHistory: Sendable {
    /// Per 3-digit code, oldest publication first.
    package private(set) var byCode: [String: [OfstedJudgement]]
    public let file: String

    public init(judgements: [OfstedJudgement], file: String = "") {
        self.file = file
        var map: [String: [OfstedJudgement]] = [:]
        for j in judgements { map[j.oldCode, default: []].append(j) }
        for k in map.keys { map[k]!.sort { ($0.published, $0.line) < ($1.published, $1.line) } }
        byCode = map
    }

    public var all: [OfstedJudgement] { byCode.keys.sorted().flatMap { byCode[$0]! } }
    public var latestPublication: DayStamp? { all.map(\.published).max() }

    /// Reads a judgements file through libcsv. Rows whose grade or date cannot be read are an
    /// error naming file, line and field; a code unknown to the registry is kept as given.
    public static func load(path: String, registry: AuthorityRegistry) throws -> OfstedHistory {
        let table: KeyedCSV
        do { table = try KeyedCSV(path: path) } catch let e as CSVError {
            throw WFRiskError.input(InputProblem(file: e.file, line: e.line, message: e.message))
        }
        try table.require(["old_la_code", "publication_date", "overall_effectiveness"])
        var out: [OfstedJudgement] = []
        var problems: [InputProblem] = []
        for row in table.rows {
            let v = row.values
            var code = v["old_la_code"] ?? ""
            if code.isEmpty, let new = v["new_la_code"], let a = registry.authority(newCode: new) { code = a.oldCode }
            guard !code.isEmpty else {
                problems.append(InputProblem(file: path, line: row.line, field: "old_la_code", message: "empty code (and no known new_la_code)"))
                continue
            }
            let dateText = v["publication_date"] ?? ""
            guard let date = DayStamp(iso: dateText) else {
                problems.append(InputProblem(file: path, line: row.line, field: "publication_date",
                                             message: "'\(dateText)' is not a date (YYYY-MM-DD or YYYY-MM)"))
                continue
            }
            let gradeText = v["overall_effectiveness"] ?? ""
            guard let grade = OfstedGrade(text: gradeText) else {
                problems.append(InputProblem(file: path, line: row.line, field: "overall_effectiveness",
                                             message: "'\(gradeText)' is not outstanding, good, requires improvement or inadequate"))
                continue
            }
            out.append(OfstedJudgement(oldCode: code, name: v["la_name"] ?? registry.authority(oldCode: code)?.name ?? code,
                                       framework: v["framework"] ?? "", published: date, publishedText: dateText,
                                       grade: grade, line: row.line))
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        return OfstedHistory(judgements: out, file: path)
    }

    /// The look-ahead guard: only judgements published on or before `date`. Everything that
    /// informs a score of census year `Y` goes through `known(at: .census(Y))`.
    public func known(at date: DayStamp) -> OfstedHistory {
        OfstedHistory(judgements: all.filter { $0.published <= date }, file: file)
    }

    // MARK: In force

    /// The judgement in force for `unit` at the census of `year`: per member, its newest judgement
    /// published by 30 September of `year` (or, for an authority created since its last
    /// inspection, its predecessors' newest); for a joint return, the most severe of its members'.
    public func inForce(_ unit: ReportingUnit, year: Int, registry: AuthorityRegistry) -> LinkedJudgement? {
        let visible = known(at: .census(year))
        var found: [LinkedJudgement] = []
        for member in unit.memberCodes {
            if let own = visible.byCode[member]?.last {
                found.append(LinkedJudgement(judgement: own, relation: unit.isJoint ? .member : .own))
                continue
            }
            let older = OfstedHistory.ancestors(of: member, registry: registry).compactMap { visible.byCode[$0]?.last }
            if let newest = older.max(by: { ($0.published, $0.grade) < ($1.published, $1.grade) }) {
                found.append(LinkedJudgement(judgement: newest, relation: .predecessor))
            }
        }
        return found.max { ($0.judgement.grade, $0.judgement.published) < ($1.judgement.grade, $1.judgement.published) }
    }

    // MARK: Next judgement

    /// The next graded judgement after the census of `year`, published within `horizonMonths`:
    /// per member, the first one of the member or (once it is abolished) of an authority that
    /// took over its area; for a joint return, the most severe of its members'. Nil when no
    /// member was inspected in the window (such units leave that year's pairs).
    public func next(_ unit: ReportingUnit, year: Int, horizonMonths: Int, registry: AuthorityRegistry) -> LinkedJudgement? {
        let start = DayStamp.census(year), end = start.adding(months: horizonMonths)
        var found: [LinkedJudgement] = []
        for member in unit.memberCodes {
            let codes = [member] + OfstedHistory.descendants(of: member, registry: registry)
            let first = codes.flatMap { code in (byCode[code] ?? []).filter { $0.published > start && $0.published <= end } }
                .min { ($0.published, $0.line) < ($1.published, $1.line) }
            if let first {
                let relation: LinkedJudgement.Relation = first.oldCode == member ? (unit.isJoint ? .member : .own) : .successor
                found.append(LinkedJudgement(judgement: first, relation: relation))
            }
        }
        return found.max { ($0.judgement.grade, $1.judgement.published) < ($1.judgement.grade, $0.judgement.published) }
    }

    /// Authorities that took over `code`'s area, following chains (Dorset 835 → 838, 839).
    static func descendants(of code: String, registry: AuthorityRegistry) -> [String] {
        var out: [String] = []
        var queue = registry.authority(oldCode: code)?.successors ?? []
        while let c = queue.first {
            queue.removeFirst()
            guard !out.contains(c) else { continue }
            out.append(c)
            queue += registry.authority(oldCode: c)?.successors ?? []
        }
        return out
    }

    /// Authorities whose area `code` took over, following chains.
    static func ancestors(of code: String, registry: AuthorityRegistry) -> [String] {
        var out: [String] = []
        var queue = registry.predecessors(of: ReportingUnit(code)).map(\.oldCode)
        while let c = queue.first {
            queue.removeFirst()
            guard !out.contains(c) else { continue }
            out.append(c)
            queue += registry.predecessors(of: ReportingUnit(c)).map(\.oldCode)
        }
        return out
    }
}

/// A judgement as it applies to a reporting unit, with how it was linked.
public struct LinkedJudgement: Sendable, Equatable {
    public enum Relation: String, Sendable {
        /// The unit's own authority.
        case own
        /// One member of a joint return.
        case member
        /// An abolished authority whose area the unit now covers.
        case predecessor
        /// An authority that took over the unit's area after the census.
        case successor
    }
    public var judgement: OfstedJudgement
    public var relation: Relation

    /// "good, 2019-07-29 (Northamptonshire, predecessor)".
    public var source: String {
        relation == .own ? judgement.name : "\(judgement.name) (\(relation.rawValue))"
    }
}
