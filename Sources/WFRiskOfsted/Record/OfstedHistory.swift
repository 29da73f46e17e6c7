import Foundation
import WFRiskCore

/// Ofsted's record: every graded judgement read from one or more sources (`OfstedRecord.load`),
/// by authority, with the two questions the scores ask of it: which judgement was in force
/// at a census (never one published after it), and which one came next.
public struct OfstedHistory: Sendable {
    /// Per 3-digit code, oldest publication first.
    package let byCode: [String: [OfstedJudgement]]
    /// The sources it was read from, as given (one name for messages and outputs).
    public let file: String
    /// The oldest and newest publication dates of its judgements; nil when it holds none. Kept,
    /// not found when asked: each inspection text asks (`record(of:on:)`), and gathering every
    /// judgement to find them was 2% of the national run's samples (`perf`, docs/performance.md).
    public let firstPublication: DayStamp?
    public let latestPublication: DayStamp?

    public init(judgements: [OfstedJudgement], file: String = "") {
        self.file = file
        var map: [String: [OfstedJudgement]] = [:]
        for j in judgements { map[j.oldCode, default: []].append(j) }
        for k in map.keys { map[k]!.sort { ($0.published, $0.line) < ($1.published, $1.line) } }
        byCode = map
        firstPublication = judgements.map(\.published).min()
        latestPublication = judgements.map(\.published).max()
    }

    public var all: [OfstedJudgement] { byCode.keys.sorted().flatMap { byCode[$0]! } }

    /// The census years whose judgement in force the record may not know: those after the year
    /// of its newest publication (a file that ends in 2021 cannot say what was in force in 2023).
    public func staleness(forCensus year: Int) -> String? {
        guard let last = latestPublication else { return "the Ofsted record \(file) holds no judgement" }
        guard DayStamp.census(year) > last.adding(months: 12) else { return nil }
        return "the Ofsted record \(file) ends \(last), more than a year before the \(year) census: a judgement shown as in force may since have been replaced"
    }

    /// The look-ahead guard: only judgements published on or before `date`. Everything that
    /// informs a score of census year `Y` goes through `known(at: .census(Y))`.
    public func known(at date: DayStamp) -> OfstedHistory {
        OfstedHistory(judgements: all.filter { $0.published <= date }, file: file)
    }

    /// A code's newest judgement published on or before `date`: `known(at: date).byCode[code]?.last`.
    func newest(of code: String, at date: DayStamp) -> OfstedJudgement? {
        byCode[code]?.last { $0.published <= date }
    }

    // MARK: In force

    /// The judgement in force for `unit` at the census of `year`: per member, its newest judgement
    /// published by 30 September of `year` (or, for an authority created since its last
    /// inspection, its predecessors' newest); for a joint return, the most severe of its members'.
    ///
    /// Asked once per unit and year, so it reads each code's own list (`newest(of:at:)`) instead
    /// of building `known(at:)`'s whole filtered record each time (4% of the national run);
    /// `OfstedHistoryTests.inForceReadsOnlyWhatWasKnown` pins it to `known(at:)`.
    public func inForce(_ unit: ReportingUnit, year: Int, registry: AuthorityRegistry) -> LinkedJudgement? {
        let census = DayStamp.census(year)
        var found: [LinkedJudgement] = []
        for member in unit.memberCodes {
            if let own = newest(of: member, at: census) {
                found.append(LinkedJudgement(judgement: own, relation: unit.isJoint ? .member : .own))
                continue
            }
            let older = OfstedHistory.ancestors(of: member, registry: registry).compactMap { newest(of: $0, at: census) }
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
