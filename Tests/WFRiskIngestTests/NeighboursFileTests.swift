import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest

/// Issue 27: the statistical-neighbours file is checked as DfE's real file always is (one row per
/// authority, distinct neighbours, never itself, known codes), each breach an error naming file,
/// line and field instead of a silently changed comparison.
@Suite struct NeighboursFileTests {
    let header = "old_la_code,la_name,sn1_old_la_code,sn2_old_la_code,sn3_old_la_code"

    func load(_ body: String) throws -> StatisticalNeighbours {
        let path = Fixtures.temporaryDirectory() + "/sn.csv"
        try Fixtures.write(header + "\n" + body, to: path)
        return try StatisticalNeighbours.load(path: path, registry: try Fixtures.registry())
    }

    func expectProblem(_ body: String, line: Int, field: String?, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try load(body)
            Issue.record("accepted: \(body)", sourceLocation: sourceLocation)
        } catch WFRiskError.input(let p) {
            #expect(p.line == line && p.field == field && p.message.contains(text), "\(p)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aGoodFileLoads() throws {
        let sn = try load("841,Darlington,805,806,807\n805,Hartlepool,841,,806\n")
        #expect(sn.neighbours["841"] == ["805", "806", "807"])
        #expect(sn.neighbours["805"] == ["841", "806"], "a blank cell is a shorter list")
    }

    @Test func aDuplicatedRowIsAnError() {
        expectProblem("841,Darlington,805,806,807\n805,Hartlepool,841,806,807\n841,Darlington,390,391,392\n",
                      line: 4, field: "old_la_code", "listed again (first on line 2)")
    }

    @Test func aNeighbourListedTwiceIsAnError() {
        expectProblem("841,Darlington,805,805,805\n", line: 2, field: "sn2_old_la_code", "neighbour 805 is listed again (already in sn1_old_la_code)")
    }

    @Test func aUnitAsItsOwnNeighbourIsAnError() {
        expectProblem("841,Darlington,805,841,807\n", line: 2, field: "sn2_old_la_code", "its own statistical neighbour")
    }

    @Test func aHeaderOnlyFileIsAnError() {
        expectProblem("", line: 1, field: nil, "a header and no rows")
    }

    @Test func unknownAndEmptyCodesAreErrors() {
        expectProblem("841,Darlington,805,999,807\n", line: 2, field: "sn2_old_la_code", "'999' is not an authority code")
        expectProblem("998,Nowhere,805,806,807\n", line: 2, field: "old_la_code", "'998' is not an authority code")
        expectProblem(",Darlington,805,806,807\n", line: 2, field: "old_la_code", "empty")
    }

    /// The rules hold on DfE's real file (they were derived from it) and on the sample data's.
    @Test func realAndSampleFilesPassTheChecks() throws {
        let registry = try Fixtures.registry()
        let sample = try StatisticalNeighbours.load(path: Fixtures.repoRoot + "/sample-data/reference/statistical_neighbours_sample.csv", registry: registry)
        #expect(sample.neighbours.count > 100)
        guard Fixtures.sharedAvailable else { return }
        let real = try StatisticalNeighbours.load(path: Fixtures.realNeighbours, registry: registry)
        #expect(real.neighbours.count == 158)
        #expect(real.neighbours.values.allSatisfy { $0.count == 10 })
    }
}
