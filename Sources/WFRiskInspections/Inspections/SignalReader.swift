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
    func signalsIn(_ range: Range<Int>, tokens: [Token], scalars: [Unicode.Scalar], grades: Set<Int> = []) -> [(Theme, Polarity)] {
        // The sentence's cue masks together: a set none of its words can start is skipped whole.
        let mask = CueIndex.union(tokens, range)
        let anySplit = lexicon.splitDescribe.contains(tokens, in: range, mask: mask)
        guard anySplit || lexicon.anyTheme.contains(tokens, in: range, mask: mask) else { return [] }
        let excluded = lexicon.themeExclusions.matches(tokens, in: range, mask: mask)
        func isExcluded(_ i: Int) -> Bool { excluded.contains { i >= $0.0 && i < $0.0 + $0.1 } }
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
        let negations = lexicon.negations.matches(tokens, in: range, mask: mask)
        // A level word is negated only right after the negation ("not high", "not too high"), not across a verb ("not tackled the high").
        func negated(_ j: Int) -> Bool { negations.contains { $0.0 + $0.1 <= j && j - ($0.0 + $0.1) < 2 && sameClause($0.0, j) } }
        // Concessive clauses, and whether a main clause follows the first.
        var clauseSet: [Int] = []
        for c in starts where clauseSet.last != c { clauseSet.append(c) }
        let concessiveStarts = Set(clauseSet.filter { lexicon.concessive.match(tokens, at: $0, end: range.upperBound) > 0 })
        let hasMainClause = clauseSet.count > concessiveStarts.count

        let modality = lexicon.modality.matches(tokens, in: range, mask: mask)
        let contrast = clauseSet.contains { lexicon.clauseOpeners.match(tokens, at: $0, end: range.upperBound) > 0 }
        var out: [(Theme, Polarity)] = []
        for (theme, hits) in themeHits {
            var concern = 0, positive = 0
            var conceded = false, aim = false
            for hit in hits {
                let clause = clauseStart(hit)
                for cue in cues where clauseStart(cue.at) == clause {
                    if cue.polarity == .concern { concern += 1 } else if cue.polarity == .positive { positive += 1 }
                }
                // A phrase that carries its own direction ("vacancies being filled") is not re-read by level words.
                let covered = cues.contains { $0.polarity != nil && hit >= $0.at && hit < $0.at + $0.length }
                // Level words next to the theme, read by whether more of it is worse.
                for j in lows where !covered && abs(j - hit) <= 6 && sameClause(j, hit) && !negated(j) {
                    if theme.higherIsWorse { positive += 1 } else { concern += 1 }
                }
                for j in highs where !covered && abs(j - hit) <= 6 && sameClause(j, hit) && !negated(j) {
                    if theme.higherIsWorse { concern += 1 } else { positive += 1 }
                }
                // The theme itself negated: "has not needed to use agency staff", "no stable workforce";
                // only across the words of `theme_negation_gap` ("not tackled the high caseloads" is not).
                if negations.contains(where: { n in
                    n.0 + n.1 <= hit && hit - (n.0 + n.1) < 4 && sameClause(n.0, hit)
                        && tokens[(n.0 + n.1)..<hit].allSatisfy { lexicon.themeNegationGap.contains($0.word) }
                }) {
                    if theme.higherIsWorse { positive += 1 } else { concern += 1 }
                }
                if concessiveStarts.contains(clause) && hasMainClause { conceded = true }
                if modality.contains(where: { clauseStart($0.0) == clause }) { aim = true }
            }
            // A clause with no cue of its own takes the sentence's, unless it states an aim or the
            // sentence contrasts its clauses.
            if concern == 0 && positive == 0 && !aim && !contrast {
                for cue in cues { if cue.polarity == .concern { concern += 1 } else if cue.polarity == .positive { positive += 1 } }
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
    func readCues(_ range: Range<Int>, tokens: [Token], mask: UInt64, sameClause: (Int, Int) -> Bool) -> [ReadCue] {
        let positives = lexicon.positive.matches(tokens, in: range, mask: mask)
        let concerns = lexicon.concern.matches(tokens, in: range, mask: mask).filter { c in
            !positives.contains { p in c.0 >= p.0 && c.0 < p.0 + p.1 }
        }
        let negations = lexicon.negations.matches(tokens, in: range, mask: mask)
        let postNegations = lexicon.postNegations.matches(tokens, in: range, mask: mask)
        let modality = lexicon.modality.matches(tokens, in: range, mask: mask)
        let decreases = lexicon.decrease.matches(tokens, in: range, mask: mask)
        /// A match ending within `window` words before `i`, in its clause (not overlapping it).
        func before(_ ms: [(Int, Int)], _ i: Int, _ window: Int) -> Bool {
            ms.contains { m in m.0 + m.1 <= i && i - (m.0 + m.1) < window && sameClause(m.0, i) }
        }
        /// A match starting within `window` words after the cue `i..<i+n`, in its clause.
        func after(_ ms: [(Int, Int)], _ i: Int, _ n: Int, _ window: Int) -> Bool {
            ms.contains { m in m.0 >= i + n && m.0 - (i + n) < window && sameClause(m.0, i) }
        }
        var out: [ReadCue] = []
        // A concern taking an object ("a challenge in recruiting and retaining a stable workforce",
        // "difficult to retain"): positive cues inside that object are what is lacking.
        let governing = concerns.filter { c in
            let k = c.0 + c.1
            return k < range.upperBound && ["in", "to", "of", "with", "around"].contains(tokens[k].word) && !before(negations, c.0, 3)
        }
        // A concern acting on what follows it ("holding back progress", "hampering improvement").
        let acting = concerns.filter { !before(negations, $0.0, 3) }
        for (i, n) in positives {
            var polarity: Polarity? = .positive
            if before(modality, i, 4) || modality.contains(where: { $0.0 < i && i < $0.0 + $0.1 }) {
                polarity = nil
            } else if before(negations, i, 4) || after(postNegations, i, n, 8)
                        || governing.contains(where: { $0.0 < i && i - $0.0 <= 10 && sameClause($0.0, i) })
                        || acting.contains(where: { $0.0 + $0.1 <= i && i - ($0.0 + $0.1) <= 1 }) {
                polarity = .concern
            } else if after(concerns, i, n, 5) {
                polarity = nil // "improvements … being difficult to implement": the concern says it
            }
            out.append(ReadCue(at: i, length: n, polarity: polarity))
        }
        for (i, n) in concerns {
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
    func splitThemeHits(_ split: (theme: Theme, describe: Set<String>, nouns: Set<String>), _ range: Range<Int>, tokens: [Token]) -> [Int] {
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
