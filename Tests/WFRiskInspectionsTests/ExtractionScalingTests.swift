import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskInspections

/// Extraction work grows linearly with a text's length, however long its sentences (issue 27:
/// a 4.7 MB sentence took 16.8 s where the same bytes in short sentences took 1.0 s). Work is
/// counted by `WorkMeter` (the steps of every lookup between a sentence's cue matches), not
/// timed, so the test is the same on a busy machine.
@Suite struct ExtractionScalingTests {
    /// One invented clause dense in cues: a council, a judgement, themes, concern and positive
    /// cues, negations, level words, an aim, figures beside England's.
    static let clause = "Tameside Council's children's services were judged inadequate by Ofsted, and high turnover of social workers "
        + "and the use of agency staff remain a concern, although recruitment has improved, caseloads are not too high, "
        + "the council aims to reduce vacancies, turnover was 21 per cent against 15 per cent in England, "
        + "workforce instability is a significant challenge; "

    /// A text of `copies` clauses: one sentence (`long`) or one sentence each.
    static func text(copies: Int, long: Bool) -> String {
        let body = long ? String(repeating: clause, count: copies) + "done." : (0..<copies).map { _ in clause.dropLast(2) + ". " }.joined()
        return "Ofsted monitoring visit letter\n\n" + body + "\n"
    }

    func work(_ text: String) throws -> (steps: Int, signals: Int) {
        let path = Fixtures.temporaryDirectory() + "/t.txt"
        try Fixtures.write(text, to: path)
        guard case .success(let source) = try InspectionSourceReader.read(path: path) else { throw WFRiskError.usage("unreadable") }
        var extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
        let meter = WorkMeter()
        extractor.meter = meter
        let d = try extractor.extract(source)
        return (meter.steps, d.signals.count)
    }

    @Test(arguments: [true, false])
    func workOnFourTimesTheTextIsAboutFourTimesTheWork(long: Bool) throws {
        let n = 150
        let small = try work(Self.text(copies: n, long: long))
        let large = try work(Self.text(copies: 4 * n, long: long))
        #expect(small.signals > 0 && small.steps > 0, "the text must exercise the signal reader")
        let ratio = Double(large.steps) / Double(small.steps)
        // Linear: 4; quadratic: 16. The margin allows the sentence-count constant, not a power.
        #expect(ratio > 3 && ratio < 5, "work \(small.steps) -> \(large.steps): ratio \(ratio)")
    }

    /// One long sentence costs about what the same clauses cost as short sentences.
    @Test func aLongSentenceCostsAboutWhatShortOnesDo() throws {
        let long = try work(Self.text(copies: 400, long: true))
        let short = try work(Self.text(copies: 400, long: false))
        let ratio = Double(long.steps) / Double(short.steps)
        #expect(ratio < 3, "long sentence \(long.steps) steps, short sentences \(short.steps): \(ratio)")
    }
}
