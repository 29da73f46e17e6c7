import Foundation
import Testing
import WFRiskTestSupport
import WFRiskOfsted
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskInspections
@testable import WFRiskScoring
@testable import WFRisk

/// Tests on the real DfE files in ../shared/data (skipped, with a message, when absent).
@Suite(.enabled(if: Fixtures.sharedAvailable, Comment(rawValue: Fixtures.sharedSkipMessage)))
struct RealDataTests {
    func score(_ workforce: [String], demand: [String] = [], neighbours: String? = nil) throws -> ScoreTable {
        let reader = try Fixtures.reader()
        let wf = try TidyDataset.merge(workforce.map { try reader.read(path: $0, wanted: Measure.workforce, kind: "workforce") })
        let dm = demand.isEmpty ? nil : try TidyDataset.merge(demand.map { try reader.read(path: $0, wanted: Measure.demand, kind: "demand") })
        return try Scorer.score(ScoringInput(workforce: wf, demand: dm, registry: try Fixtures.registry(),
                                             neighbours: try neighbours.map { try StatisticalNeighbours.load(path: $0) },
                                             settings: try Fixtures.settings()))
    }

    @Test func everyReportingUnitOf2023IsInTheOutput() throws {
        let table = try score([Fixtures.realWorkforce], demand: [Fixtures.realB1, Fixtures.realC1], neighbours: Fixtures.realNeighbours)
        #expect(table.year == 2023)
        // Every local-authority row of 2023 in the file, by its published code.
        var published = Set<String>()
        try CSVReader.read(path: Fixtures.realWorkforce) { r in
            if r.string(at: 0) == "2023" && r.string(at: 2) == "Local authority" { published.insert(r.string(at: 7)) }
        }
        #expect(published.count == 151)
        #expect(Set(table.units.map(\.oldCode)) == published)
        for u in table.units where !u.isRanked {
            #expect(u.exclusionReason?.isEmpty == false, "\(u.name) excluded without a reason")
        }
    }

    @Test func boundaryChangesAndJointReturnsAreHandled() throws {
        let table = try score([Fixtures.realWorkforce], demand: [Fixtures.realB1, Fixtures.realC1], neighbours: Fixtures.realNeighbours)
        let cumberland = table.units.first { $0.oldCode == "942" }!
        #expect(cumberland.notes.contains { $0.contains("Cumbria") })
        let cin = cumberland.caseloadRisk.indicators.first { $0.indicator == .cinRate }!
        #expect(cin.value != nil && cin.note?.contains("Cumbria") == true)
        let kingston = table.units.first { $0.oldCode == "314 / 318" }!
        let kcin = kingston.caseloadRisk.indicators.first { $0.indicator == .cinRate }!
        #expect(kcin.value != nil)
        #expect(kingston.comparisons.first!.neighboursCount >= 5)
    }

    @Test func tinyAuthoritiesDoNotTopTheTable() throws {
        let table = try score([Fixtures.realWorkforce])
        for code in ["201", "420"] {
            guard let u = table.units.first(where: { $0.oldCode == code }) else { Issue.record("missing \(code)"); continue }
            // Shrinkage keeps tiny units out of the top five of a component and the top ten overall
            // unless a weighted indicator of that score is significantly worse than England at
            // 99.8% (3.0.0: the Isles of Scilly, no staff in post, is 4th on instability on its
            // 3.5 FTE all agency, 99.8% interval 26.8% to 100% against England's 17.8%).
            func evidence(_ c: ComponentScore) -> Bool { c.indicators.contains { $0.weight > 0 && $0.significantlyWorse(.ci998) } }
            if let rank = u.instability.rank, !evidence(u.instability) { #expect(rank > 5, "\(u.name) instability rank \(rank)") }
            if let rank = u.caseloadRisk.rank, !evidence(u.caseloadRisk) { #expect(rank > 5, "\(u.name) caseload risk rank \(rank)") }
            if let rank = u.overallRank, !evidence(u.instability) && !evidence(u.caseloadRisk) { #expect(rank > 10, "\(u.name) overall rank \(rank)") }
        }
    }

    /// Methodology 3.1.0 (§5): each indicator is standardised on the spread of its values before
    /// shrinkage, so a value that shrinkage pulls toward England has a z-score pulled toward 0 with
    /// it. Under 3.0.0 the spread was the shrunk values' (absence 2023: 0.054 points), and an
    /// absence z of 0.92 rested on a twentieth of a point.
    @Test func zScoresShrinkWithTheirValues() throws {
        let table = try score([Fixtures.realWorkforce], demand: [Fixtures.realB1, Fixtures.realC1], neighbours: Fixtures.realNeighbours)
        var checked = 0
        for ref in table.references where ref.scaleMethod != "fixed" {
            let before = table.units.compactMap { u in u.result(ref.indicator) }.filter { $0.adjusted != nil }.compactMap { $0.value ?? $0.adjusted }
            #expect(abs(ref.scale - RobustScale.estimate(before).scale) < 1e-9, "\(ref.indicator): scale \(ref.scale)")
            checked += 1
        }
        #expect(checked >= 10)
        let absence = try #require(table.references.first { $0.indicator == .absenceRate })
        #expect(absence.scale > 0.5, "absence scale \(absence.scale): the shrunk values' spread again?")
    }

    @Test func anOlderReleaseWithOtherColumnNamesScoresTheSame() throws {
        // Rewrite the real file with an older release's names and a different column order.
        let rows = try CSVReader.readAll(path: Fixtures.realWorkforce).map(\.fields)
        let renames = ["inpost_fte": "social_worker_fte", "leavers_fte": "leaver_fte", "turnover_rate_fte": "turnover_rate_fte_%",
                       "agency_rate_fte": "agency_worker_rate_fte_%", "vacancy_rate_fte": "vacancy_rate_fte_%", "absence_rate_fte": "absence_rate_fte_%"]
        let order = Array(rows[0].indices.reversed())
        var writer = CSVWriter(byteOrderMark: true)
        writer.writeRow(order.map { renames[rows[0][$0]] ?? rows[0][$0] })
        for r in rows.dropFirst() { writer.writeRow(order.map { CSVCell.number(r[$0]) }) }
        let path = Fixtures.temporaryDirectory() + "/older_release.csv"
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        let a = try score([Fixtures.realWorkforce]), b = try score([path])
        #expect(ScoresCSV.render(a) == ScoresCSV.render(b))
    }

    @Test func realInspectionTextsLinkToTheirAuthorities() throws {
        let files = try InspectionIngest.expand([Fixtures.realInspections])
        let result = try InspectionIngest.read(files, registry: try Fixtures.registry(), threads: 2)
        let byFile = Dictionary(uniqueKeysWithValues: result.documents.map { (($0.file as NSString).lastPathComponent, $0) })
        let expectations: [(String, String, VisitType, Judgement?)] = [
            ("cumbria_monitoring_visit_news.txt", "909", .monitoringVisit, .inadequate),
            ("tameside_monitoring_visit_news.txt", "357", .monitoringVisit, .inadequate),
            ("medway_jtai_news.txt", "887", .jtai, nil),
        ]
        for (file, code, visit, judgement) in expectations {
            let d = try #require(byFile[file])
            #expect(d.primary.map(\.oldCode) == [code], "\(file)")
            #expect(d.visitType == visit)
            #expect(d.judgement == judgement)
            // Nothing attributed to places named only in boilerplate (Essex in a footer, Kent, Greater Manchester).
            #expect(d.authorities.allSatisfy { $0.oldCode == code }, "\(file): \(d.authorities.map(\.name))")
            #expect(d.signals.allSatisfy { $0.laCode == code })
        }
        let medway = byFile["medway_jtai_news.txt"]!
        #expect(medway.numbers.contains { $0.measure == "vacancy_rate" && $0.value == 34.7 && $0.laCode == "887" })
        #expect(medway.numbers.contains { $0.measure == "vacancy_rate" && $0.value == 17 && $0.laCode == "E92000001" })
        #expect(medway.numbers.contains { $0.measure == "turnover_rate" && $0.value == 13.6 && $0.laCode == "E92000001" })
        let cumbria = byFile["cumbria_monitoring_visit_news.txt"]!
        #expect(cumbria.signals.contains { $0.theme == .agency && $0.polarity == .positive && $0.evidence.contains("reduction in the reliance on agency") })
        #expect(cumbria.signals.contains { $0.theme == .vacanciesRecruitment && $0.polarity != .concern && $0.evidence.hasPrefix("Despite known challenges") })
        #expect(!cumbria.signals.contains { $0.evidence.contains("BASW") || $0.evidence.contains("family courts") })
        let tameside = byFile["tameside_monitoring_visit_news.txt"]!
        #expect(tameside.date == "2019-01-31")
        #expect(tameside.signals.contains { $0.theme == .vacanciesRecruitment && $0.polarity == .concern && $0.evidence.contains("significant challenge") })
    }
}
