import Foundation
import Yams

/// The reading rules for inspection texts, from `Resources/inspection_lexicon.yml`
/// (or a file a pipeline names). Data, not code: extend it without rebuilding.
public struct InspectionLexicon: Sendable {
    let themes: [(String, CueSet)]
    let concern: CueSet
    let positive: CueSet
    let negations: CueSet
    let decrease: CueSet
    let levelLow: CueSet
    let levelHigh: CueSet
    let higherIsWorse: Set<String>
    let higherIsBetter: Set<String>
    let concessive: CueSet
    let visitTypes: [(String, CueSet)]
    let judgementWords: [(String, CueSet)]
    let judgementPatterns: [[String]]
    /// Judgement patterns split at their judgement slot, indexed by their first word.
    let judgementPatternsByFirst: [String: [(before: [String], after: [String])]]
    /// Filter over the keys of `judgementPatternsByFirst`, so most words skip the lookup (built on each call).
    var judgementFirstFilter: WordFilter {
        var f = WordFilter()
        for k in judgementPatternsByFirst.keys { f.insert(WordKey.of(k.utf8)) }
        return f
    }
    let notCouncilAfter: CueSet
    let notCouncilBefore: [[String]]
    let councilAfter: CueSet
    let councilBefore: [[String]]
    let ambiguousNames: Set<String>
    let childrenServicesCues: CueSet
    let otherSubjects: [(String, CueSet)]
    let articleEnd: [String]
    let furniture: [String]
    let englandCues: CueSet
    let measures: [(String, CueSet)]
    /// Measure → themes, for signals read from an authority's figure against England's.
    let measureThemes: [String: [String]]
    /// Every theme's, visit type's and judgement's cues in one set: most sentences match none,
    /// and one pass rules them out before the per-group passes.
    let anyTheme: CueSet
    let anyVisitType: CueSet
    let anyJudgement: CueSet
    /// Which of the sets above a word can start (see `CueIndex`).
    var cueIndex = CueIndex(sets: [])

    public static func bundled() throws -> InspectionLexicon {
        try load(path: ReferenceFiles.path("inspection_lexicon.yml"))
    }

    public static func load(path: String) throws -> InspectionLexicon {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw WFRiskError.usage("\(path): lexicon must be a mapping")
        }
        func list(_ key: String) throws -> [String] {
            guard let v = root[key] as? [Any] else { throw WFRiskError.usage("\(path): '\(key)' must be a list") }
            return v.map { "\($0)" }
        }
        func groups(_ key: String) throws -> [(String, [String])] {
            guard let v = root[key] as? [String: Any] else { throw WFRiskError.usage("\(path): '\(key)' must be a mapping of lists") }
            // Keep the file's order: Yams returns an unordered dictionary, so re-read the keys in order.
            let order = InspectionLexicon.keyOrder(text: text, section: key)
            return order.compactMap { k in (v[k] as? [Any]).map { (k, $0.map { "\($0)" }) } }
        }
        let themes = try groups("themes"), visitTypes = try groups("visit_types"), judgements = try groups("judgements")
        var made: [CueSet] = []
        // Each set gets a bit of the words' cue masks (CueIndex), while bits last.
        func cues(_ phrases: [String]) -> CueSet {
            let set = CueSet(phrases, bit: made.count < 64 ? 1 << UInt64(made.count) : 0)
            made.append(set)
            return set
        }
        var lexicon = InspectionLexicon(
            themes: themes.map { ($0.0, cues($0.1)) },
            concern: cues(try list("concern")),
            positive: cues(try list("positive")),
            negations: cues(try list("negations")),
            decrease: cues(try list("decrease")),
            levelLow: cues(try list("level_low")),
            levelHigh: cues(try list("level_high")),
            higherIsWorse: Set(try list("higher_is_worse")),
            higherIsBetter: Set(try list("higher_is_better")),
            concessive: cues(try list("concessive")),
            visitTypes: visitTypes.map { ($0.0, cues($0.1)) },
            judgementWords: judgements.map { ($0.0, cues($0.1)) },
            judgementPatterns: try list("judgement_patterns").map { Tokenizer.phrase($0) },
            judgementPatternsByFirst: Dictionary(grouping: try list("judgement_patterns").map { Tokenizer.phrase($0) }.compactMap { p -> (String, [String], [String])? in
                guard let x = p.firstIndex(of: "x"), let first = p.first else { return nil }
                return (first, Array(p[..<x]), Array(p[(x + 1)...]))
            }, by: { $0.0 }).mapValues { $0.map { (before: $0.1, after: $0.2) } },
            notCouncilAfter: cues(try list("not_council_after")),
            notCouncilBefore: try list("not_council_before").map { Tokenizer.phrase($0) },
            councilAfter: cues(try list("council_after")),
            councilBefore: try list("council_before").map { Tokenizer.phrase($0) },
            ambiguousNames: Set(try list("ambiguous_names").map { AuthorityRegistry.normalizedName($0) }),
            childrenServicesCues: cues(try list("children_services_cues")),
            otherSubjects: try groups("other_subject_cues").map { ($0.0, cues($0.1)) },
            articleEnd: try list("article_end_markers").map { $0.lowercased() },
            furniture: try list("furniture_markers").map { $0.lowercased() },
            englandCues: cues(try list("england_cues")),
            measures: try groups("measures").map { ($0.0, cues($0.1)) },
            measureThemes: Dictionary(uniqueKeysWithValues: try groups("measure_themes")),
            anyTheme: cues(themes.flatMap(\.1)),
            anyVisitType: cues(visitTypes.flatMap(\.1)),
            anyJudgement: cues(judgements.flatMap(\.1)))
        lexicon.cueIndex = CueIndex(sets: made)
        return lexicon
    }

    /// Keys of a top-level section in file order (two-space indented `key:` lines).
    static func keyOrder(text: String, section: String) -> [String] {
        var inSection = false
        var keys: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\(section):") { inSection = true; continue }
            if inSection {
                if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") { break }
                let trimmed = line.drop { $0 == " " }
                if line.hasPrefix("  ") && !line.hasPrefix("   "), let colon = trimmed.firstIndex(of: ":") {
                    keys.append(String(trimmed[..<colon]))
                }
            }
        }
        return keys
    }
}
