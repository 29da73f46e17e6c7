import WFRiskOfsted
/// Step 4 of docs/inspections.md, visit facts: the type of the visit reported (not a background
/// one), and the judgements the text states, each read as overall or for one service area,
/// current or earlier, made or only imagined.
extension InspectionExtractor {
    /// A judgement the text states.
    struct JudgementStatement {
        var judgement: Judgement
        var sentence: Int
        /// Where the statement starts (its pattern's first word) and its judgement word.
        var start: Int
        var word: Int
        /// Just after the judgement word(s).
        var end: Int
        /// The year it was made, when the text says.
        var year: Int?
        /// Said to be an earlier judgement ("shed its inadequate rating", "at its last inspection").
        var earlier: Bool

        /// Whether its sentence names the authority it is attributed to (else it is the sentence owner's).
        var named = false

        /// Later in force beats earlier: current before earlier, then by year (none = now), then
        /// one that names its authority before one inherited from the sentence's owner ("St
        /// Helens … given a requires improvement judgment" over "10 have been rated good"), then text order.
        var rank: (Int, Int, Int, Int) { (earlier ? 0 : 1, year ?? (earlier ? 0 : 9999), named ? 1 : 0, sentence * 100_000 + word) }
    }

    /// Visit types named in `ranges`, background visits ("an earlier focused visit", "unlike
    /// the single inspection framework") left out: counts by type.
    /// A visit written with an earlier year than the text's latest ("at a full inspection in 2017")
    /// is background too.
    func namedVisitTypes(tokens: TokenList, ranges: some Sequence<Range<Int>>, latestYear: Int?) -> [VisitType: Int] {
        var counts: [VisitType: Int] = [:]
        for r in ranges {
            let mask = CueIndex.union(tokens, r)
            guard lexicon.anyVisitType.contains(tokens, in: r, mask: mask) else { continue }
            let background = lexicon.backgroundVisit.matches(tokens, in: r)
            let backgroundAfter = lexicon.backgroundVisitAfter.matches(tokens, in: r)
            for (type, cues) in lexicon.visitTypes {
                for (i, n) in cues.matches(tokens, in: r, mask: mask) {
                    if background.contains(where: { $0.0 + $0.1 <= i && i - ($0.0 + $0.1) < 4 }) { continue }
                    if backgroundAfter.contains(where: { $0.0 >= i + n && $0.0 - (i + n) < 3 }) { continue }
                    let near = max(r.lowerBound, i - 5)..<min(r.upperBound, i + n + 5)
                    if let latestYear, tokens[near].contains(where: { Self.year($0.word).map { $0 < latestYear } ?? false }) { continue }
                    counts[type, default: 0] += 1
                }
            }
        }
        return counts
    }

    /// The type named most often; ties go to the more specific.
    static func mostNamed(_ counts: [VisitType: Int]) -> VisitType? {
        let best = VisitType.specificity.max { (counts[$0] ?? 0, -VisitType.specificity.firstIndex(of: $0)!) < (counts[$1] ?? 0, -VisitType.specificity.firstIndex(of: $1)!) }
        return best.flatMap { (counts[$0] ?? 0) > 0 ? $0 : nil }
    }

    /// The visit type when none is named: a visit after an inadequate judgement made earlier is
    /// a monitoring visit; otherwise the graded framework of the inspection's year (SIF
    /// 2013-2017, ILACS 2018+, earlier regimes before), when the year can be told.
    func inferredVisitType(speaksOfInspection: Bool, inForce: JudgementStatement?, hasCurrent: Bool, mentionsVisit: Bool, year: Int?) -> VisitType? {
        guard speaksOfInspection else { return nil }
        if let j = inForce, j.judgement == .inadequate, !hasCurrent, mentionsVisit { return .monitoringVisit }
        return year.map(VisitType.gradedFramework(inYear:))
    }

    /// The inspection's year when the text has no full date: "last visited five years ago" with
    /// the previous inspection's year ("in its previous inspection in 2012") gives 2017; else the
    /// year of the bodies and regimes the text names (era cues).
    func inspectionYear(tokens: TokenList, sentences: [Sentence]) -> Int? {
        let numbers = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10]
        var gap: Int?
        var previousYear: Int?
        for s in sentences {
            let r = s.tokens
            var previous = false
            for i in r {
                let w = tokens[i].word
                if w == "previous" || w == "last" || w == "previously" { previous = true }
                if i + 2 < r.upperBound, tokens[i + 1].word == "years", ["ago", "earlier", "later", "before"].contains(tokens[i + 2].word),
                   let n = numbers[w] ?? Int(w), n < 30 { gap = n }
            }
            if previous, let y = r.compactMap({ Self.year(tokens[$0].word) }).max() { previousYear = max(previousYear ?? 0, y) }
        }
        if let gap, let previousYear { return previousYear + gap }
        // "At its latest inspection, carried out in late 2021".
        for s in sentences where lexicon.reportedVisit.contains(tokens, in: s.tokens) && lexicon.inspectionCues.contains(tokens, in: s.tokens) {
            if let y = s.tokens.compactMap({ Self.year(tokens[$0].word) }).max() { return y }
        }
        let all = sentences.first.map { $0.tokens.lowerBound }.map { $0..<(sentences.last!.tokens.upperBound) } ?? 0..<0
        if !all.isEmpty && !tokens[all].contains(where: { Self.year($0.word) != nil }) {
            for era in lexicon.eraCues where era.cues.contains(tokens, in: all) { return era.year }
        }
        return nil
    }

    static func year(_ word: String) -> Int? {
        guard word.utf8.count == 4, let y = Int(word), (1990...2100).contains(y) else { return nil }
        return y
    }

    /// Every overall judgement the text states, with the year it was made and whether it is
    /// said to be earlier. Judgements for one service area and imagined ones are left out.
    func judgementStatements(tokens: TokenList, sentences: [Sentence], scalars: ScalarText) -> [JudgementStatement] {
        var found: [JudgementStatement] = []
        var judgementStarts: Set<Int>?
        let firstFilter = lexicon.judgementFirstFilter
        for (si, s) in sentences.enumerated() {
            let range = s.tokens
            let mask = CueIndex.union(tokens, range)
            guard lexicon.anyJudgement.contains(tokens, in: range, mask: mask) else { continue }
            var seenWords = Set<Int>()
            // The sentence's clause starts, computed once when a statement first needs them.
            var sentenceClauses: [Int]?
            func record(_ judgement: Judgement, start: Int, word: Int, end k: Int) {
                guard !seenWords.contains(word) else { return }
                seenWords.insert(word)
                let lo = range.lowerBound
                // Imagined ("if judged now could be outstanding"), or one service area's grade.
                if lexicon.judgementHypothetical.contains(tokens, in: max(lo, start - 4)..<start) { return }
                // Denied ("None have been rated outstanding", "was not judged inadequate").
                if lexicon.judgementDenied.contains(tokens, in: max(lo, start - 4)..<start) { return }
                let overall = lexicon.judgementOverall.contains(tokens, in: max(lo, start - 6)..<min(range.upperBound, k + 3))
                if !overall && (lexicon.judgementAreas.contains(tokens, in: max(lo, start - 4)..<word)
                                || lexicon.judgementAreas.contains(tokens, in: k..<min(range.upperBound, k + 5))) { return }
                // The year it was made: the first year within six words after (before the next
                // judgement word), else one earlier in its clause.
                var year: Int?
                for j in k..<min(range.upperBound, k + 6) {
                    if lexicon.anyJudgement.match(tokens, at: j, end: range.upperBound) > 0 { break }
                    if let y = Self.year(tokens[j].word) { year = y; break }
                }
                if year == nil {
                    if sentenceClauses == nil { sentenceClauses = clauseStarts(range, tokens: tokens, scalars: scalars) }
                    meter?.add(1)
                    let clause = sentenceClauses![start - lo]
                    year = tokens[max(clause, start - 12)..<start].reversed().lazy.compactMap { Self.year($0.word) }.first
                }
                let earlier = lexicon.judgementEarlier.contains(tokens, in: max(lo, start - 6)..<word)
                    || lexicon.judgementEarlierAfter.contains(tokens, in: k..<min(range.upperBound, k + 6))
                found.append(JudgementStatement(judgement: judgement, sentence: si, start: start, word: word, end: k, year: year, earlier: earlier))
            }
            // "from 'good' to 'requires improvement'": the first is the earlier judgement, the second the one now.
            let words = lexicon.judgementWords.flatMap { j, cues in cues.matches(tokens, in: range, mask: mask).map { (j, $0.0, $0.1) } }.sorted { $0.1 < $1.1 }
            for (a, b) in zip(words, words.dropFirst()) where b.1 >= a.1 + a.2 {
                let between = tokens[(a.1 + a.2)..<b.1].map(\.word)
                guard between.count <= 2, between.first == "to", tokens[max(range.lowerBound, a.1 - 4)..<a.1].contains(where: { $0.word == "from" }) else { continue }
                found.append(JudgementStatement(judgement: a.0, sentence: si, start: a.1, word: a.1, end: a.1 + a.2, year: nil, earlier: true))
                seenWords.insert(a.1)
                record(b.0, start: b.1, word: b.1, end: b.1 + b.2)
            }
            for i in range {
                // The grade's full name states it on its own ("require improvement to be good").
                let selfStating = lexicon.judgementSelfStating.match(tokens, at: i, end: range.upperBound)
                if selfStating > 0 { record(.requiresImprovement, start: i, word: i, end: i + selfStating) }
                // Patterns are tried only where their first word (or, for "X judgement", a judgement word) stands.
                var candidates = !tokens.word(at: i).ascii || firstFilter.mayContain(tokens.word(at: i).key)
                    ? lexicon.judgementPatternsByFirst[tokens[i].word] ?? [] : []
                if candidates.isEmpty && lexicon.anyJudgement.match(tokens, at: i, end: range.upperBound) == 0 { continue }
                candidates += lexicon.judgementPatternsByFirst["x"] ?? []
                for pattern in candidates {
                    if judgementStarts == nil {
                        judgementStarts = Set(tokens.indices.filter { t in lexicon.anyJudgement.match(tokens, at: t, end: tokens.count) > 0 })
                    }
                    let stops = judgementStarts!
                    for jAt in Self.match(pattern.before, 0, tokens: tokens, at: i, end: range.upperBound, stop: stops) {
                        guard jAt < range.upperBound else { continue }
                        for (name, cues) in lexicon.judgementWords {
                            let n = cues.match(tokens, at: jAt, end: range.upperBound)
                            guard n > 0 else { continue }
                            let k = jAt + n
                            guard !Self.match(pattern.after, 0, tokens: tokens, at: k, end: range.upperBound, stop: stops).isEmpty else { continue }
                            record(name, start: i, word: jAt, end: k)
                            break
                        }
                    }
                }
            }
        }
        return found
    }

    /// Token positions where `pattern[from...]` (words, with "gap" for up to twelve words, none
    /// of them in `stop`) can end when it starts at `i`.
    static func match(_ pattern: [String], _ from: Int, tokens: TokenList, at i: Int, end: Int, stop: Set<Int>) -> [Int] {
        guard from < pattern.count else { return [i] }
        if pattern[from] == "gap" {
            var ends: [Int] = []
            for skip in 0...12 where i + skip <= end {
                if skip > 0 && stop.contains(i + skip - 1) { break }
                ends += match(pattern, from + 1, tokens: tokens, at: i + skip, end: end, stop: stop)
            }
            return ends
        }
        guard i < end, CueSet.wordMatches(tokens[i].word, pattern[from]) else { return [] }
        return match(pattern, from + 1, tokens: tokens, at: i + 1, end: end, stop: stop)
    }
}
