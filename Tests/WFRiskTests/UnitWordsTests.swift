import Foundation
import Testing
import WFRiskTestSupport
@testable import WFRiskCore
@testable import WFRiskIngest
@testable import WFRiskScoring
@testable import WFRisk

/// The summary's second sentence against the numbers, over many synthetic units: it names as the
/// cause only indicators that move the overall score the way it says, by at least
/// `Ranking.driverMinPoints` (docs/methodology.md §8, "Drivers").
@Suite struct UnitWordsTests {
    /// A scored table of 42 units with random rates (12 North East authorities and 30 more).
    func table(seed: UInt64) throws -> (ScoreTable, ScoringSettings) {
        var rng = SeededRandom(seed: seed &+ 1000)
        let rows = try SyntheticData.widened(SyntheticData.rows(seed: seed), rng: &rng, inpost: (60, 240), absence: true)
        let settings = try Fixtures.settings()
        var table = try SyntheticData.score(Fixtures.workforceCSV(rows), settings: settings)
        UnitWords.apply(&table, words: try UnitWords.bundled())
        return (table, settings)
    }

    /// The indicators a summary's second sentence names, read back from its words, and the
    /// direction it claims (+1 "comes from", −1 "held down by", 0 none named).
    func named(_ summary: String, words: UnitWords) -> (direction: Int, indicators: [Indicator])? {
        for (key, direction) in [("sentence_drivers_up", 1), ("sentence_drivers_down", -1)] {
            let template = words.templates[key]!
            let parts = template.components(separatedBy: "{drivers}")
            guard let r = summary.range(of: " " + parts[0]), summary.hasSuffix(parts[1]) else { continue }
            let list = String(summary[r.upperBound...].dropLast(parts[1].count))
            let labels = Indicator.allCases.map { ($0, words.indicators[$0.rawValue]!.label) }.sorted { $0.1.count > $1.1.count }
            var found: [Indicator] = []
            for item in list.components(separatedBy: words.templates["driver_separator"]!) {
                guard let (i, _) = labels.first(where: { item.hasPrefix($0.1 + " ") }) else { return nil }
                found.append(i)
            }
            return (direction, found)
        }
        return (0, [])
    }

    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func namedDriversMoveTheScoreTheWayTheSentenceSays(seed: UInt64) throws {
        let (table, settings) = try table(seed: seed)
        let words = try UnitWords.bundled()
        var namedCount = 0
        for u in table.units where u.isRanked {
            let summary = try #require(u.summary)
            let d = try #require(u.bandDistance)
            let read = try #require(named(summary, words: words), "unreadable drivers: \(summary)")
            // The sentence's direction is the one sentence 1 gives (at or above the median: up).
            if read.direction != 0 { #expect(read.direction == (d >= 0 ? 1 : -1), "\(u.name) d \(d): \(summary)") }
            else {
                let key = d >= 0 ? "sentence_no_drivers_up" : "sentence_no_drivers_down"
                let expected = words.fill(key, ["min_points": Decimals.format(Ranking.driverMinPoints, 1)])
                #expect(summary.hasSuffix(" " + expected), "\(u.name) d \(d): \(summary)")
            }
            #expect(read.indicators.count <= words.maxDrivers)
            var pointsOf: [Indicator: Double] = [:]
            for c in [u.instability, u.caseloadRisk] {
                for r in c.indicators { if let x = r.contribution, r.value != nil { pointsOf[r.indicator] = Ranking.overallPoints(x, of: c.kind, blend: settings.blend) } }
            }
            let sign = Double(d >= 0 ? 1 : -1)
            for i in read.indicators {
                let p = try #require(pointsOf[i], "\(u.name): \(i) named with no points")
                // Every named driver moves the score the way the sentence claims, by the stated size or more.
                #expect(sign * p >= Ranking.driverMinPoints, "\(u.name) d \(d): \(i) has \(p) points; \(summary)")
                namedCount += 1
            }
            // No indicator left unnamed moves it further that way than one that is named.
            if let weakest = read.indicators.map({ sign * pointsOf[$0]! }).min(), read.indicators.count == words.maxDrivers {
                for (i, p) in pointsOf where !read.indicators.contains(i) { #expect(sign * p <= weakest, "\(u.name): \(i) \(p) outranks the named; \(summary)") }
            }
            if read.indicators.count < words.maxDrivers {
                for (i, p) in pointsOf where !read.indicators.contains(i) {
                    #expect(sign * p < Ranking.driverMinPoints, "\(u.name): \(i) \(p) points but unnamed; \(summary)")
                }
            }
            // main_drivers is the sentence's list.
            if let main = u.mainDrivers { #expect(summary.contains(main)) }
        }
        #expect(namedCount > 0)
    }

    /// Each driver's words say "significantly above/below England's" exactly when its value's 95%
    /// interval lies wholly above/below England's value (`vs_england`, docs/methodology.md §3.3),
    /// read back from the words, not from the template that wrote them.
    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func driversSaySignificantOnlyWhenTheIntervalSaysSo(seed: UInt64) throws {
        let (table, _) = try table(seed: seed)
        let words = try UnitWords.bundled()
        var seen: [String: Int] = [:]
        for u in table.units where u.isRanked {
            let list = u.mainDrivers.map { $0.components(separatedBy: words.templates["driver_separator"]!) } ?? []
            for (item, d) in zip(list, u.drivers.prefix(words.maxDrivers)) {
                let r = try #require(u.result(d))
                let said: String = item.contains("significantly above England") ? "higher"
                    : item.contains("significantly below England") ? "lower"
                    : item.contains("not significantly different from England") ? "similar" : "none"
                #expect(said == (r.vsEngland?.rawValue ?? "none"), "\(u.name) \(d): \(item) but ci95 \(String(describing: r.ci95)) vs England \(String(describing: table.englandValues[d.ordinal]))")
                if let interval = r.ci95, let e = table.englandValues[d.ordinal], said == "higher" { #expect(interval.low > e) }
                seen[said, default: 0] += 1
            }
        }
        // The seeds give drivers of every kind, so each branch of the words is tried.
        if seed == 1 { #expect(seen["higher", default: 0] > 0 && seen["similar", default: 0] > 0, "\(seen)") }
    }

    /// An edited words file missing a template the words use is an error naming it, not an empty
    /// driver (the significance templates are looked up by `vs_england`'s value).
    @Test(arguments: ["driver_higher", "sentence_level", "well_below"])
    func aMissingTemplateIsAnErrorNamingIt(key: String) throws {
        let bundled = Fixtures.repoRoot + "/Sources/WFRisk/Resources/unit_words.yml"
        let lines = try String(contentsOfFile: bundled, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }
        #expect(kept.count == lines.count - 1)
        let path = Fixtures.temporaryDirectory() + "/unit_words.yml"
        try Fixtures.write(kept.joined(separator: "\n"), to: path)
        #expect(throws: WFRiskError.self) { try UnitWords(path: path) }
        do { _ = try UnitWords(path: path) } catch { #expect("\(error)".contains(key), "\(error)") }
        #expect(UnitWords.requiredTemplates.allSatisfy { try! UnitWords.bundled().templates[$0] != nil })
    }

    /// Units between 50 and the median are the case the sentence once got backwards: make sure
    /// the seeds above include some, so the property is tried where it matters.
    @Test func theSeedsIncludeUnitsBetweenFiftyAndTheMedian() throws {
        var between = 0
        for seed in UInt64(1)...UInt64(12) {
            let (table, _) = try table(seed: seed)
            between += table.units.filter { u in
                guard let s = u.overall, let d = u.bandDistance else { return false }
                return (s >= 50) != (d >= 0)
            }.count
        }
        #expect(between >= 3, "only \(between) units between 50 and the median")
    }

    /// The words filled on several threads, in small blocks, are those of the plain one-thread
    /// pass, unit by unit and in order (`UnitWords.apply`).
    @Test(arguments: [2, 3] as [Int])
    func wordsOnSeveralThreadsAreTheOneThreadWords(threads: Int) throws {
        for seed in [UInt64(4), 9] {
            var (table, _) = try table(seed: seed)
            for i in table.units.indices { table.units[i].mainDrivers = nil; table.units[i].summary = nil }
            var one = table, many = table
            UnitWords.apply(&one, words: try UnitWords.bundled(), threads: 1)
            UnitWords.apply(&many, words: try UnitWords.bundled(), threads: threads, block: 5)
            #expect(one.units.count > 10 && one.units.allSatisfy { $0.summary != nil })
            #expect(many.units.map(\.summary) == one.units.map(\.summary), "seed \(seed)")
            #expect(many.units.map(\.mainDrivers) == one.units.map(\.mainDrivers), "seed \(seed)")
        }
    }

    /// `fill` (templates split once, `TemplateParts`) against `plainFill` (the template searched
    /// on every call): every bundled template, and made-up ones with stray, empty and nested
    /// braces, under random values with names missing, empty or holding braces themselves.
    @Test func splitTemplatesFillAsThePlainSearch() throws {
        let bundled = try UnitWords.bundled()
        let odd = ["", "plain", "{", "}", "}{", "{}", "{a}", "{a}{b}", "x{a{b}y", "{a}}", "{{a}", "é{a}ü {b", "{ a }", "{unknown} and {a}"]
        var templates = bundled.templates
        for (k, t) in odd.enumerated() { templates["odd.\(k)"] = t }
        let words = UnitWords(indicators: bundled.indicators, templates: templates, maxDrivers: bundled.maxDrivers)
        let names = Set(templates.values.flatMap { t in t.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) } }
                        + ["a", "b", "a{b", " a "])
        var rng = SeededRandom(seed: 41)
        var filled = 0
        for trial in 0..<200 {
            var values: [String: String] = [:]
            for n in names where !rng.chance(0.3) { values[n] = ["", "7", "{b}", "x y", "über", "}"][Int(rng.next() % 6)] }
            for key in templates.keys.sorted() {
                let fast = words.fill(key, values), plain = words.plainFill(key, values)
                #expect(Array(fast.utf8) == Array(plain.utf8), "trial \(trial), template \(key)")
                if fast != templates[key] { filled += 1 }
            }
        }
        #expect(words.fill("no such template", [:]) == words.plainFill("no such template", [:]))
        #expect(filled > 1_000, "names were replaced: \(filled)")
    }
}
