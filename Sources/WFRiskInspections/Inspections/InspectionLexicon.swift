import Foundation
import WFRiskCore
import WFRiskOfsted
import Yams

/// The reading rules for inspection texts, from `Resources/inspection_lexicon.yml`
/// (or a file a pipeline names). Data, not code: extend it without rebuilding.
/// docs/inspections.md says what each list does and what it was measured to change.
public struct InspectionLexicon: Sendable {
    // Signals (docs/inspections.md §5).
    let themes: [(Theme, CueSet)]
    let themeExclusions: CueSet
    let splitThemes: [(theme: Theme, describe: Set<String>, nouns: Set<String>)]
    /// Every split theme's describing words, so most sentences skip the split-theme search.
    let splitDescribe: CueSet
    let gapBlockers: Set<String>
    let themeNegationGap: Set<String>
    let concern: CueSet
    let positive: CueSet
    let negations: CueSet
    let postNegations: CueSet
    let modality: CueSet
    let decrease: CueSet
    let levelLow: CueSet
    let levelHigh: CueSet
    let concessive: CueSet
    let clauseOpeners: CueSet
    let clauseAfterComma: CueSet
    // Visit facts (§4).
    let visitTypes: [(VisitType, CueSet)]
    let inspectionCues: CueSet
    let backgroundVisit: CueSet
    let backgroundVisitAfter: CueSet
    let reportedVisit: CueSet
    let eraCues: [(year: Int, cues: CueSet)]
    let judgementWords: [(Judgement, CueSet)]
    let judgementPatterns: [[String]]
    /// Judgement patterns split at their judgement slot, indexed by their first word.
    let judgementPatternsByFirst: [String: [(before: [String], after: [String])]]
    let judgementFirstFilter: WordFilter
    let judgementSelfStating: CueSet
    let judgementAreas: CueSet
    let judgementOverall: CueSet
    let judgementEarlier: CueSet
    let judgementEarlierAfter: CueSet
    let judgementHypothetical: CueSet
    let judgementDenied: CueSet
    // Authorities (§3).
    let notCouncilAfter: CueSet
    let notCouncilBefore: [[String]]
    let councilAfter: CueSet
    let councilBefore: [[String]]
    let helperBefore: CueSet
    let outcomeCues: CueSet
    let definiteDescriptions: CueSet
    let ambiguousNames: Set<String>
    let childrenServicesCues: CueSet
    let specificChildrenCues: CueSet
    let otherSubjects: [(String, CueSet)]
    let otherNationRegulators: CueSet
    // Article (§2).
    let articleEnd: [String]
    let furniture: [String]
    // Figures (§6).
    let englandCues: CueSet
    let measures: [(String, CueSet)]
    /// Measure → themes, for signals read from an authority's figure against England's.
    let measureThemes: [String: [Theme]]
    /// Every theme's, visit type's and judgement's cues in one set: most sentences match none,
    /// and one pass rules them out before the per-group passes.
    let anyTheme: CueSet
    let anyVisitType: CueSet
    let anyJudgement: CueSet
    /// Which of the sets above a word can start (see `CueIndex`).
    var cueIndex = CueIndex(sets: [])
    /// Every cue set above, for the tests that pin fast paths to plain ones.
    var cueSets: [CueSet] = []
    /// How Ofsted's own reports and letters are read (`Resources/ofsted_reports.yml`).
    var reportPhrases = OfstedReportReader.Phrases()

    /// The lexicon shipped with wfrisk (`Resources/inspection_lexicon.yml`).
    static func bundledPath() throws -> String { try ReferenceFiles.path("inspection_lexicon.yml") }

    /// The first phrase (with its key) whose `*` is not at its end: the matcher reads a star only
    /// on a phrase's last word, so such an entry would never match and no one would know.
    static func starBeforeLastWord(_ node: Any, key: String = "") -> (String, String)? {
        switch node {
        case let text as String:
            guard let star = text.firstIndex(of: "*"), text[text.index(after: star)...].contains(where: { !$0.isWhitespace }) else { return nil }
            return (key, text)
        case let list as [Any]:
            for item in list { if let found = starBeforeLastWord(item, key: key) { return found } }
        case let map as [String: Any]:
            for k in map.keys.sorted() {
                if let found = starBeforeLastWord(map[k]!, key: key.isEmpty ? k : key + "." + k) { return found }
            }
        case let map as [AnyHashable: Any]:
            for (k, v) in map.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                if let found = starBeforeLastWord(v, key: key.isEmpty ? "\(k)" : key + ".\(k)") { return found }
            }
        default: break
        }
        return nil
    }

    public static func bundled() throws -> InspectionLexicon {
        try load(path: try bundledPath())
    }

    public static func load(path: String) throws -> InspectionLexicon {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw WFRiskError.usage("\(path): lexicon must be a mapping")
        }
        if let (key, phrase) = starBeforeLastWord(root) {
            throw WFRiskError.usage("\(path): '\(key)' has \"\(phrase)\": `*` (any ending) works only on a phrase's last word; write the other word's forms out (\"fails to\", \"failed to\", ...)")
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
        /// A group keyed by a vocabulary's contract strings; an unknown key is an error.
        func vocabulary<V: RawRepresentable & CaseIterable>(_ key: String, _: V.Type) throws -> [(V, [String])] where V.RawValue == String {
            try groups(key).map { k, v in
                guard let value = V(rawValue: k) else {
                    throw WFRiskError.usage("\(path): '\(key)' has '\(k)'; expected one of: \(V.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return (value, v)
            }
        }
        let themes = try vocabulary("themes", Theme.self), visitTypes = try vocabulary("visit_types", VisitType.self)
        let judgements = try vocabulary("judgements", Judgement.self)
        var made: [CueSet] = []
        // Each set gets a bit of the words' cue masks (CueIndex), while bits last.
        func cues(_ phrases: [String]) -> CueSet {
            let set = CueSet(phrases, bit: made.count < 64 ? 1 << UInt64(made.count) : 0)
            made.append(set)
            return set
        }
        guard let split = root["split_themes"] as? [String: Any] else { throw WFRiskError.usage("\(path): 'split_themes' must be a mapping") }
        let splitThemes = try split.keys.sorted().map { k -> (theme: Theme, describe: Set<String>, nouns: Set<String>) in
            guard let theme = Theme(rawValue: k), let m = split[k] as? [String: Any],
                  let d = m["describe"] as? [Any], let n = m["nouns"] as? [Any] else {
                throw WFRiskError.usage("\(path): 'split_themes.\(k)' must be a theme with `describe` and `nouns` lists")
            }
            return (theme, Set(d.map { "\($0)".lowercased() }), Set(n.map { "\($0)".lowercased() }))
        }
        guard let eras = root["era_cues"] as? [AnyHashable: Any] else { throw WFRiskError.usage("\(path): 'era_cues' must be a mapping") }
        let eraCues = try eras.map { k, v -> (Int, [String]) in
            guard let year = Int("\(k)"), let phrases = v as? [Any] else { throw WFRiskError.usage("\(path): 'era_cues' maps years to lists") }
            return (year, phrases.map { "\($0)" })
        }.sorted { $0.0 < $1.0 }
        let patterns = try list("judgement_patterns").map { Tokenizer.phrase($0) }
        let byFirst = Dictionary(grouping: patterns.compactMap { p -> (String, [String], [String])? in
            guard let x = p.firstIndex(of: "x"), let first = p.first else { return nil }
            return (first, Array(p[..<x]), Array(p[(x + 1)...]))
        }, by: { $0.0 }).mapValues { $0.map { (before: $0.1, after: $0.2) } }
        var firstFilter = WordFilter()
        for k in byFirst.keys { firstFilter.insert(WordKey.of(k.utf8)) }
        var lexicon = InspectionLexicon(
            themes: themes.map { ($0.0, cues($0.1)) },
            themeExclusions: cues(try list("theme_exclusions")),
            splitThemes: splitThemes,
            splitDescribe: cues(splitThemes.flatMap(\.describe).sorted()),
            gapBlockers: Set(try list("gap_blockers")),
            themeNegationGap: Set(try list("theme_negation_gap")),
            concern: cues(try list("concern")),
            positive: cues(try list("positive")),
            negations: cues(try list("negations")),
            postNegations: cues(try list("post_negations")),
            modality: cues(try list("modality")),
            decrease: cues(try list("decrease")),
            levelLow: cues(try list("level_low")),
            levelHigh: cues(try list("level_high")),
            concessive: cues(try list("concessive")),
            clauseOpeners: cues(try list("clause_openers")),
            clauseAfterComma: cues(try list("clause_after_comma")),
            visitTypes: visitTypes.map { ($0.0, cues($0.1)) },
            inspectionCues: cues(try list("inspection_cues")),
            backgroundVisit: cues(try list("background_visit")),
            backgroundVisitAfter: CueSet(try list("background_visit_after")),
            reportedVisit: CueSet(try list("reported_visit")),
            eraCues: eraCues.map { (year: $0.0, cues: CueSet($0.1)) },
            judgementWords: judgements.map { ($0.0, cues($0.1)) },
            judgementPatterns: patterns,
            judgementPatternsByFirst: byFirst,
            judgementFirstFilter: firstFilter,
            judgementSelfStating: cues(try list("judgement_self_stating")),
            judgementAreas: cues(try list("judgement_areas")),
            judgementOverall: cues(try list("judgement_overall")),
            judgementEarlier: cues(try list("judgement_earlier")),
            judgementEarlierAfter: cues(try list("judgement_earlier_after")),
            judgementHypothetical: cues(try list("judgement_hypothetical")),
            judgementDenied: CueSet(try list("judgement_denied")),
            notCouncilAfter: cues(try list("not_council_after")),
            notCouncilBefore: try list("not_council_before").map { Tokenizer.phrase($0) },
            councilAfter: cues(try list("council_after")),
            councilBefore: try list("council_before").map { Tokenizer.phrase($0) },
            helperBefore: cues(try list("helper_before")),
            outcomeCues: cues(try list("outcome_cues")),
            definiteDescriptions: cues(try list("definite_descriptions")),
            ambiguousNames: Set(try list("ambiguous_names").map { AuthorityRegistry.normalizedName($0) }),
            childrenServicesCues: cues(try list("children_services_cues")),
            specificChildrenCues: cues(try list("specific_children_cues")),
            otherSubjects: try groups("other_subject_cues").map { ($0.0, cues($0.1)) },
            otherNationRegulators: cues(try list("other_nation_regulators")),
            articleEnd: try list("article_end_markers").map { $0.lowercased() },
            furniture: try list("furniture_markers").map { $0.lowercased() },
            englandCues: cues(try list("england_cues")),
            measures: try groups("measures").map { ($0.0, cues($0.1)) },
            measureThemes: Dictionary(uniqueKeysWithValues: try groups("measure_themes").map { k, v in
                (k, try v.map { t in
                    guard let theme = Theme(rawValue: t) else { throw WFRiskError.usage("\(path): 'measure_themes.\(k)' has unknown theme '\(t)'") }
                    return theme
                })
            }),
            anyTheme: cues(themes.flatMap(\.1)),
            anyVisitType: cues(visitTypes.flatMap(\.1)),
            anyJudgement: cues(judgements.flatMap(\.1)))
        lexicon.cueIndex = CueIndex(sets: made)
        lexicon.cueSets = made + [lexicon.backgroundVisitAfter, lexicon.reportedVisit, lexicon.judgementDenied] + lexicon.eraCues.map(\.cues)
        lexicon.reportPhrases = try OfstedReportReader.load(path: ReferenceFiles.path("ofsted_reports.yml"))
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
