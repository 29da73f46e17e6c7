import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskOfsted

@Suite struct OfstedHistoryTests {
    func judgement(_ code: String, _ date: String, _ grade: OfstedGrade, line: Int = 2) -> OfstedJudgement {
        OfstedJudgement(oldCode: code, name: "LA \(code)", framework: .ilacs, published: DayStamp(iso: date)!, publishedText: date,
                        grade: grade, place: RecordPlace(file: "test.csv", line: line))
    }

    @Test func datesReadWithMonthPrecisionAsTheMonthsLastDay() throws {
        #expect(DayStamp(iso: "2018-09") == DayStamp.census(2018))
        #expect(DayStamp(iso: "2020-02")!.day == 29)
        #expect(DayStamp(iso: "2018-13-01") == nil && DayStamp(iso: "2018-02-30") == nil && DayStamp(iso: "soon") == nil)
        #expect(DayStamp.census(2018).adding(months: 24) == DayStamp(iso: "2020-09-30"))
        #expect(DayStamp.census(2018).adding(months: 5) == DayStamp(iso: "2019-02-28"))
        #expect(DayStamp(iso: "2017-10-01")!.months(to: DayStamp.census(2018)) == 11)
        #expect(DayStamp(iso: "2017-09-30")!.months(to: DayStamp.census(2018)) == 12)
    }

    @Test func judgementInForceNeverComesFromAfterTheCensus() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("301", "2016-05-01", .good),
            judgement("301", "2018-09-30", .requiresImprovement),
            judgement("301", "2018-10-01", .inadequate),
            judgement("302", "2018-09", .inadequate),     // month precision: by 30 September, in force
            judgement("303", "2018-10", .inadequate),     // month precision: possibly after: not in force
        ])
        #expect(history.inForce(ReportingUnit("301"), year: 2018, registry: registry)?.judgement.grade == .requiresImprovement)
        #expect(history.inForce(ReportingUnit("301"), year: 2017, registry: registry)?.judgement.grade == .good)
        #expect(history.inForce(ReportingUnit("301"), year: 2015, registry: registry) == nil)
        #expect(history.inForce(ReportingUnit("302"), year: 2018, registry: registry)?.judgement.grade == .inadequate)
        #expect(history.inForce(ReportingUnit("303"), year: 2018, registry: registry) == nil)
        let known = history.known(at: .census(2018))
        #expect(known.all.allSatisfy { $0.published <= .census(2018) })
        #expect(known.all.count == 3)
    }

    @Test func nextJudgementIsTheFirstInTheHorizonAfterTheCensus() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("301", "2018-09-30", .inadequate),  // on the census day: in force, not next
            judgement("301", "2019-06-01", .good),
            judgement("301", "2020-03-01", .inadequate),
            judgement("302", "2020-09-30", .requiresImprovement), // last day of a 24-month horizon
            judgement("303", "2020-10-01", .inadequate),  // one day past it
        ])
        let next = try #require(history.next(ReportingUnit("301"), year: 2018, horizonMonths: 24, registry: registry))
        #expect(next.judgement.grade == .good && next.relation == .own)
        #expect(history.next(ReportingUnit("302"), year: 2018, horizonMonths: 24, registry: registry)?.judgement.grade == .requiresImprovement)
        // No inspection in the horizon: no pair.
        #expect(history.next(ReportingUnit("303"), year: 2018, horizonMonths: 24, registry: registry) == nil)
        #expect(history.next(ReportingUnit("303"), year: 2018, horizonMonths: 25, registry: registry)?.judgement.grade == .inadequate)
        #expect(history.next(ReportingUnit("304"), year: 2018, horizonMonths: 24, registry: registry) == nil)
    }

    @Test func successorsAcrossBoundaryChangesAndJointReturns() throws {
        let registry = try Fixtures.registry()
        let history = OfstedHistory(judgements: [
            judgement("835", "2016-05-23", .requiresImprovement),   // Dorset county, abolished 2019
            judgement("838", "2020-01-10", .good),                  // new Dorset
            judgement("839", "2019-12-01", .inadequate),            // BCP
            judgement("928", "2019-07-29", .inadequate),            // Northamptonshire
            judgement("940", "2021-08-01", .requiresImprovement),   // North Northamptonshire
            judgement("314", "2019-12-19", .outstanding),
            judgement("318", "2019-03-01", .inadequate),
        ])
        // Dorset county's census 2018: its area went to Dorset and BCP; the first judgement of either.
        let dorset = try #require(history.next(ReportingUnit("835"), year: 2018, horizonMonths: 24, registry: registry))
        #expect(dorset.judgement.oldCode == "839" && dorset.relation == .successor)
        // Poole's only successor is BCP.
        #expect(history.next(ReportingUnit("836"), year: 2018, horizonMonths: 24, registry: registry)?.judgement.oldCode == "839")
        // Northamptonshire census 2019: its 2019 judgement is in force, the next is North Northamptonshire's.
        let northants = try #require(history.next(ReportingUnit("928"), year: 2019, horizonMonths: 24, registry: registry))
        #expect(northants.judgement.oldCode == "940" && northants.relation == .successor)
        #expect(history.inForce(ReportingUnit("928"), year: 2019, registry: registry)?.judgement.grade == .inadequate)
        // The joint unit 940 / 941 at census 2020 (before its members existed) has its predecessor's judgement in force.
        let joint = try #require(history.inForce(ReportingUnit(memberCodes: ["940", "941"]), year: 2020, registry: registry))
        #expect(joint.judgement.oldCode == "928" && joint.relation == .predecessor)
        // Kingston and Richmond's joint return: the most severe of the members' next judgements.
        let kr = try #require(history.next(ReportingUnit(memberCodes: ["314", "318"]), year: 2018, horizonMonths: 24, registry: registry))
        #expect(kr.judgement.oldCode == "318" && kr.judgement.grade == .inadequate && kr.relation == .member)
        #expect(history.next(ReportingUnit(memberCodes: ["314", "318"]), year: 2019, horizonMonths: 24, registry: registry)?.judgement.grade == .outstanding)
    }

    /// Property: the judgement in force, read from each code's own list, is the one the plain
    /// path finds in `known(at: census)` (the whole record filtered to what was published by
    /// then), over random records of own codes, joint returns and boundary changes; and the first
    /// and latest publications it keeps are those of all its judgements.
    @Test func inForceReadsOnlyWhatWasKnown() throws {
        let registry = try Fixtures.registry()
        var rng = SystemRandomNumberGenerator()
        let codes = ["835", "838", "839", "928", "940", "941", "314", "318", "301", "836"]
        let units = codes.map { ReportingUnit($0) } + [ReportingUnit(memberCodes: ["940", "941"]), ReportingUnit(memberCodes: ["314", "318"])]
        func plain(_ h: OfstedHistory, _ unit: ReportingUnit, _ year: Int) -> LinkedJudgement? {
            let visible = h.known(at: .census(year))
            var found: [LinkedJudgement] = []
            for member in unit.memberCodes {
                if let own = visible.byCode[member]?.last {
                    found.append(LinkedJudgement(judgement: own, relation: unit.isJoint ? .member : .own)); continue
                }
                let older = OfstedHistory.ancestors(of: member, registry: registry).compactMap { visible.byCode[$0]?.last }
                if let newest = older.max(by: { ($0.published, $0.grade) < ($1.published, $1.grade) }) {
                    found.append(LinkedJudgement(judgement: newest, relation: .predecessor))
                }
            }
            return found.max { ($0.judgement.grade, $0.judgement.published) < ($1.judgement.grade, $1.judgement.published) }
        }
        let grades: [OfstedGrade] = [.outstanding, .good, .requiresImprovement, .inadequate]
        var compared = 0
        for _ in 0..<300 {
            let history = OfstedHistory(judgements: (0..<Int.random(in: 0...12, using: &rng)).map { k in
                let year = Int.random(in: 2014...2022, using: &rng)
                // A quarter on a census day itself (in force from that census), the rest anywhere.
                let date = Int.random(in: 0..<4, using: &rng) == 0 ? "\(year)-09-30"
                    : String(format: "%04d-%02d-%02d", year, Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
                return judgement(codes.randomElement(using: &rng)!, date, grades.randomElement(using: &rng)!, line: k + 2)
            })
            // The kept extremes are those of every judgement (empty histories included).
            #expect(history.firstPublication == history.all.map(\.published).min()
                    && history.latestPublication == history.all.map(\.published).max())
            for unit in units {
                for year in 2014...2023 {
                    let fast = history.inForce(unit, year: year, registry: registry), slow = plain(history, unit, year)
                    #expect(fast?.judgement.place == slow?.judgement.place && fast?.relation == slow?.relation, "\(unit) \(year)")
                    if slow != nil { compared += 1 }
                }
            }
        }
        #expect(compared > 1_000, "only \(compared) judgements in force compared")
    }

    @Test func badRowsAreErrorsNamingLineAndField() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/judgements.csv"
        try Fixtures.write("""
            new_la_code,old_la_code,la_name,framework,publication_date,overall_effectiveness
            E09000002,301,Barking and Dagenham,sif,2014-07-07,Requires improvement to be good
            E09000003,302,Barnet,sif,2017-07,inadequate
            E09000004,303,Bexley,sif,2017-07-07,excellent
            E09000005,304,Brent,sif,07/07/2017,good

            """, to: path)
        #expect {
            try OfstedRecord.load(paths: [path], registry: try Fixtures.registry()).history
        } throws: { error in
            let text = "\(error)"
            return text.contains("judgements.csv:4: field 'overall_effectiveness'") && text.contains("judgements.csv:5: field 'publication_date'")
        }
        try Fixtures.write("new_la_code,old_la_code,la_name,framework,publication_date,overall_effectiveness\nE09000002,301,B,sif,2014-07-07,Requires improvement to be good\nE09000003,302,Barnet,sif,2017-07,inadequate\n", to: path)
        let ok = try OfstedRecord.load(paths: [path], registry: try Fixtures.registry()).history
        #expect(ok.byCode["301"]?.first?.grade == .requiresImprovement)
        #expect(ok.byCode["302"]?.first?.published == DayStamp(iso: "2017-07-31"))
    }
}
