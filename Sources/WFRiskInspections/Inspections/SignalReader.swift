/// Step 5 of docs/inspections.md, workforce signals: the themes a sentence raises and, for each,
/// the polarity of the clause that raises it.
extension InspectionExtractor {
    /// A polarity cue as read in its context: what it says, or nothing (an aim, a possibility, a
    /// positive thing that a following concern predicates).
    struct ReadCue {
        var at: Int
        var length: Int
        var polarity: Polarity?
    }

    /// Themes a sentence raises, each with its polarity; a theme with no direction is left out.
    ///
    /// A theme's polarity is read from the cues in its own clause: concern and positive cues (a
    /// cue after a negation, or before a post-negation, flips; a concern beside a decrease is
    /// positive; a cue after an aim or a modal is no finding; a positive thing followed by a
    /// concern predicating it is none), and level words next to the theme ("low turnover").
    /// A theme in a concessive clause ("Although turnover has reduced, changes continue") is
    /// conceded by the main clause: mixed. A theme whose clause has no cue takes the sentence's
    /// cues, unless its clause states an aim or the sentence contrasts its clauses.
    func signalsIn(_ range: Range<Int>, tokens: TokenList, scalars: ScalarText, grades: Set<Int> = []) -> [(Theme, Polarity)] {
        // The sentence's cue masks together: a set none of its words can start is skipped whole.
        let mask = CueIndex.union(tokens, range)
        let anySplit = lexicon.splitDescribe.contains(tokens, in: range, mask: mask)
        guard anySplit || lexicon.anyTheme.contains(tokens, in: range, mask: mask) else { return [] }
        let excluded = Spans(lexicon.themeExclusions.matches(tokens, in: range, mask: mask), meter: meter)
        func isExcluded(_ i: Int) -> Bool { excluded.covering(i) != nil }
        var themeHits: [(Theme, [Int])] = []
        for (theme, cues) in lexicon.themes {
            let hits = cues.matches(tokens, in: range, mask: mask).map(\.0).filter { i in
                // "multi-agency" is not about agency staff.
                let t = tokens[i]
                return !(t.start > 0 && scalars[t.start - 1] == "-") && !isExcluded(i)
            }
            if !hits.isEmpty { themeHits.append((theme, hits)) }
        }
        if anySplit {
            for split in lexicon.splitThemes {
                let hits = splitThemeHits(split, range, tokens: tokens)
                guard !hits.isEmpty else { continue }
                if let k = themeHits.firstIndex(where: { $0.0 == split.theme }) { themeHits[k].1 += hits } else { themeHits.append((split.theme, hits)) }
            }
        }
        guard !themeHits.isEmpty else { return [] }

        let starts = clauseStarts(range, tokens: tokens, scalars: scalars)
        func clauseStart(_ i: Int) -> Int { starts[i - range.lowerBound] }
        func sameClause(_ a: Int, _ b: Int) -> Bool { clauseStart(a) == clauseStart(b) }
        let cues = readCues(range, tokens: tokens, mask: mask, sameClause: sameClause).filter { !grades.contains($0.at) }
        let lows = lexicon.levelLow.matches(tokens, in: range, mask: mask).map(\.0)
        let highs = lexicon.levelHigh.matches(tokens, in: range, mask: mask).map(\.0)
        let negations = Spans(lexicon.negations.matches(tokens, in: range, mask: mask), meter: meter)
        // A level word is negated only right after the negation ("not high", "not too high"), not across a verb ("not tackled the high").
        func negated(_ j: Int) -> Bool { negations.anyEnding(before: j, within: 2) { sameClause($0.0, j) } }
        // Concessive clauses, and whether a main clause follows the first.
        var clauseSet: [Int] = []
        for c in starts where clauseSet.last != c { clauseSet.append(c) }
        let concessiveStarts = Set(clauseSet.filter { lexicon.concessive.match(tokens, at: $0, end: range.upperBound) > 0 })
        let hasMainClause = clauseSet.count > concessiveStarts.count

        let aimClauses = Set(lexicon.modality.matches(tokens, in: range, mask: mask).map { clauseStart($0.0) })
        let contrast = clauseSet.contains { lexicon.clauseOpeners.match(tokens, at: $0, end: range.upperBound) > 0 }
        // Each clause's concern and positive cues, and the tokens inside a cue with a direction,
        // counted once for the sentence (not once per theme word).
        var clauseCues: [Int: (concern: Int, positive: Int)] = [:]
        var covered = Set<Int>()
        for cue in cues {
            meter?.add(1)
            if cue.polarity == .concern { clauseCues[clauseStart(cue.at), default: (0, 0)].concern += 1 }
            if cue.polarity == .positive { clauseCues[clauseStart(cue.at), default: (0, 0)].positive += 1 }
            if cue.polarity != nil { covered.formUnion(cue.at..<(cue.at + cue.length)) }
        }
        var out: [(Theme, Polarity)] = []
        for (theme, hits) in themeHits {
            var concern = 0, positive = 0
            var conceded = false, aim = false
            for hit in hits {
                let clause = clauseStart(hit)
                meter?.add(1)
                if let c = clauseCues[clause] { concern += c.concern; positive += c.positive }
                // A phrase that carries its own direction ("vacancies being filled") is not re-read by level words.
                if !covered.contains(hit) {
                    // Level words next to the theme, read by whether more of it is worse.
                    for j in lows.within(6, of: hit, meter: meter) where sameClause(j, hit) && !negated(j) {
                        if theme.higherIsWorse { positive += 1 } else { concern += 1 }
                    }
                    for j in highs.within(6, of: hit, meter: meter) where sameClause(j, hit) && !negated(j) {
                        if theme.higherIsWorse { concern += 1 } else { positive += 1 }
                    }
                }
                // The theme itself negated: "has not needed to use agency staff", "no stable workforce";
                // only across the words of `theme_negation_gap` ("not tackled the high caseloads" is not).
                if negations.anyEnding(before: hit, within: 4, where: { n in
                    sameClause(n.0, hit) && tokens[(n.0 + n.1)..<hit].allSatisfy { lexicon.themeNegationGap.contains($0.word) }
                }) {
                    if theme.higherIsWorse { positive += 1 } else { concern += 1 }
                }
                if concessiveStarts.contains(clause) && hasMainClause { conceded = true }
                if aimClauses.contains(clause) { aim = true }
            }
            // A clause with no cue of its own takes the sentence's, unless it states an aim or the
            // sentence contrasts its clauses.
            if concern == 0 && positive == 0 && !aim && !contrast {
                for c in clauseCues.values { concern += c.concern; positive += c.positive }
            }
            // A conceded theme is contradicted by the main clause ("although" = "but").
            if conceded && (concern > 0) != (positive > 0) { concern += 1; positive += 1 }
            let polarity: Polarity
            if concern > 0 && positive > 0 { polarity = .mixed } else if concern > 0 { polarity = .concern } else if positive > 0 { polarity = .positive } else { continue }
            out.append((theme, polarity))
        }
        return out
    }

    /// Concern and positive cues of a sentence, read in their clause.
    func readCues(_ range: Range<Int>, tokens: TokenList, mask: UInt64, sameClause: (Int, Int) -> Bool) -> [ReadCue] {
        let positiveMatches = lexicon.positive.matches(tokens, in: range, mask: mask)
        let positiveSpans = Spans(positiveMatches, meter: meter)
        let concernMatches = lexicon.concern.matches(tokens, in: range, mask: mask).filter { c in positiveSpans.covering(c.0) == nil }
        let concerns = Spans(concernMatches, meter: meter)
        let negations = Spans(lexicon.negations.matches(tokens, in: range, mask: mask), meter: meter)
        let postNegations = Spans(lexicon.postNegations.matches(tokens, in: range, mask: mask), meter: meter)
        let modality = Spans(lexicon.modality.matches(tokens, in: range, mask: mask), meter: meter)
        let decreases = Spans(lexicon.decrease.matches(tokens, in: range, mask: mask), meter: meter)
        /// A match ending within `window` words before `i`, in its clause (not overlapping it).
        func before(_ ms: Spans, _ i: Int, _ window: Int) -> Bool {
            ms.anyEnding(before: i, within: window) { sameClause($0.0, i) }
        }
        /// A match starting within `window` words after the cue `i..<i+n`, in its clause.
        func after(_ ms: Spans, _ i: Int, _ n: Int, _ window: Int) -> Bool {
            ms.anyStarting(in: i + n, i + n + window) { sameClause($0.0, i) }
        }
        var out: [ReadCue] = []
        // A concern taking an object ("a challenge in recruiting and retaining a stable workforce",
        // "difficult to retain"): positive cues inside that object are what is lacking.
        let governing = Spans(concernMatches.filter { c in
            let k = c.0 + c.1
            return k < range.upperBound && ["in", "to", "of", "with", "around"].contains(tokens[k].word) && !before(negations, c.0, 3)
        }, meter: meter)
        // A concern acting on what follows it ("holding back progress", "hampering improvement").
        let acting = Spans(concernMatches.filter { !before(negations, $0.0, 3) }, meter: meter)
        for (i, n) in positiveMatches {
            var polarity: Polarity? = .positive
            if before(modality, i, 4) || (modality.covering(i).map { $0.0 < i } ?? false) {
                polarity = nil
            } else if before(negations, i, 4) || after(postNegations, i, n, 8)
                        || governing.anyStarting(in: i - 10, i, where: { sameClause($0.0, i) })
                        || acting.anyEnding(before: i, within: 2) {
                polarity = .concern
            } else if after(concerns, i, n, 5) {
                polarity = nil // "improvements … being difficult to implement": the concern says it
            }
            out.append(ReadCue(at: i, length: n, polarity: polarity))
        }
        for (i, n) in concernMatches {
            var polarity: Polarity? = .concern
            if before(modality, i, 4) && !before(negations, i, 4) {
                polarity = nil
            } else if before(negations, i, 3) || before(decreases, i, 4) || after(decreases, i, n, 6) {
                polarity = .positive
            }
            out.append(ReadCue(at: i, length: n, polarity: polarity))
        }
        return out
    }

    /// A theme written around other words: a describing word and a noun of the theme within
    /// four words of each other, in either order, with no blocker and no clause break between.
    func splitThemeHits(_ split: (theme: Theme, describe: Set<String>, nouns: Set<String>), _ range: Range<Int>, tokens: TokenList) -> [Int] {
        var hits: [Int] = []
        for i in range where lexicon.splitDescribe.match(tokens, at: i, end: range.upperBound) > 0 && split.describe.contains(tokens[i].word) {
            var found: Int?
            for dir in [1, -1] {
                var j = i + dir, steps = 0
                while range.contains(j) && steps < 4 && found == nil {
                    let w = tokens[j].word
                    if split.nouns.contains(w) { found = j; break }
                    if lexicon.gapBlockers.contains(w) { break }
                    j += dir
                    steps += 1
                }
            }
            if let found { hits.append(min(i, found)) }
        }
        return hits
    }
}
