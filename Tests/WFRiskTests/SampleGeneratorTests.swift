import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskInspections
@testable import WFRisk

/// `wfrisk sample` at scale (the benchmark's workload generator).
@Suite struct SampleGeneratorTests {
    func files(under dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)!
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + f, isDirectory: &isDir), !isDir.boolValue {
                out[f] = FileManager.default.contents(atPath: dir + "/" + f)
            }
        }
        return out
    }

    @Test func sameSeedSameBytesAndTheOutputReadsBack() throws {
        let registry = try Fixtures.registry()
        func make(_ seed: UInt64) throws -> String {
            let dir = Fixtures.temporaryDirectory()
            _ = try SampleGenerator(options: .init(authorities: 120, firstYear: 2019, lastYear: 2023, seed: seed, texts: 6),
                                    registry: registry).write(to: dir)
            return dir
        }
        let a = try make(9), b = try make(9), c = try make(10)
        let fa = try files(under: a), fb = try files(under: b), fc = try files(under: c)
        #expect(!fa.isEmpty && fa == fb)
        #expect(fa != fc)
        // The invented authorities come with their own reference rows, and the workforce file
        // (quoted names, some with line breaks, suppressed cells) reads back whole.
        let invented = try AuthorityRegistry.load(authorities: a + "/reference/authorities.csv", aliases: nil, jointReturns: nil)
        #expect(invented.all.count == 120)
        let csv = try PathPatterns.expand([a + "/workforce/*.csv"], kind: "workforce")
        let text = String(decoding: fa[String(csv[0].dropFirst(a.count + 1))]!, as: UTF8.self)
        #expect(text.contains(",\"Synthetic Authority"))
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(), markers: try SuppressionMarkers.bundled(), registry: invented)
        let file = try reader.read(path: csv[0], wanted: Measure.workforce, kind: "workforce")
        let las = file.records.filter { $0.level == .localAuthority }
        #expect(las.count == 120 * 5)
        #expect(Set(las.compactMap(\.unit)).count == 120)
        #expect(las.contains { $0.publishedName.contains("\n") }, "some names carry a quoted line break")
        #expect(las.contains { r in r.values.contains { if case .missing = $0.1 { return true } else { return false } } })
        // Texts link to the invented authorities.
        let docs = try InspectionIngest.read(try InspectionIngest.expand([a + "/inspections"]), registry: invented, threads: 2)
        #expect(docs.documents.count >= 5)
    }
}
