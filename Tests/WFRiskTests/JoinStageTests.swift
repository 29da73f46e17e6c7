import Foundation
import Testing
import WFRiskCore
import WFRiskIngest
import WFRiskInspections
import WFRiskScoring
import WFRiskTestSupport
@testable import WFRisk

/// The join stage on the synthetic sample data (sample-data/), called directly.
@Suite struct JoinStageTests {
    struct Read {
        let references: RunReferences
        let workforce: TidyDataset
        let documents: [InspectionDocument]
    }

    static func read() throws -> Read {
        let refs = try RunReferences.load(inputs: PipelineInputs(), settings: try RunSettings.defaults())
        let sample = Fixtures.repoRoot + "/sample-data"
        let files = try TidyIngest.read([sample + "/workforce/csww_2019_to_2020_older_release.csv", sample + "/workforce/csww_2021_to_2023.csv"],
                                        wanted: Measure.workforce, kind: "workforce", reader: refs.reader, threads: 1)
        let documents = try InspectionIngest.read(try InspectionIngest.expand([sample + "/inspections"]), registry: refs.registry, threads: 1).documents
        return Read(references: refs, workforce: try TidyDataset.merge(files), documents: documents)
    }

    @Test func evidenceIsJoinedForTheScoringYearAndEachHistoryYear() throws {
        let r = try Self.read()
        let settings = try Fixtures.settings()
        let joined = try JoinStage.run(references: r.references, workforce: r.workforce, demand: nil, documents: r.documents,
                                       ofsted: nil, settings: settings)
        let year = try #require(r.workforce.latestYear)
        let evidence = try #require(joined.input.inspections)
        #expect(!evidence.isEmpty)
        // Only units the workforce data has in the scoring year get evidence.
        let units = Set(r.workforce.localAuthorities(in: year).keys)
        #expect(evidence.keys.allSatisfy { units.contains($0) })
        #expect(joined.counts["units_with_inspection_evidence"] == evidence.count)
        #expect(!joined.historyYears.isEmpty && joined.historyYears.allSatisfy { $0 < year })
        #expect(joined.historyEvidence.map { Set($0.keys) } == Set(joined.historyYears))
        #expect(joined.counts["history_years"] == joined.historyYears.count)
        #expect(joined.input.judgements == nil && joined.counts["authorities_with_ofsted_judgements"] == 0)
    }

    @Test func withoutTextsThereIsNoEvidenceAndNothingUnused() throws {
        let r = try Self.read()
        let joined = try JoinStage.run(references: r.references, workforce: r.workforce, demand: nil, documents: nil,
                                       ofsted: nil, settings: try Fixtures.settings())
        #expect(joined.input.inspections == nil && joined.historyEvidence == nil && joined.unusedInspections.isEmpty)
        #expect(joined.counts["units_with_inspection_evidence"] == 0)
    }

    @Test func textsOutsideTheWindowAreNamedAsUnused() throws {
        let r = try Self.read()
        var settings = try Fixtures.settings()
        settings.inspections.windowMonths = 1
        let joined = try JoinStage.run(references: r.references, workforce: r.workforce, demand: nil, documents: r.documents,
                                       ofsted: nil, settings: settings)
        let wide = try JoinStage.run(references: r.references, workforce: r.workforce, demand: nil, documents: r.documents,
                                     ofsted: nil, settings: try Fixtures.settings())
        #expect(joined.unusedInspections.count > wide.unusedInspections.count)
        #expect(joined.unusedInspections.contains { $0.contains("outside the 1-month window before 30 September") })
        #expect((joined.input.inspections?.count ?? 0) < (wide.input.inspections?.count ?? 0))
    }
}
