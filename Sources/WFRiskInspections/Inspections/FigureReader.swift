import WFRiskCore

/// Step 6 of docs/inspections.md, stated figures: percentages with their measure and scope
/// (the authority's or England's), and the signals a figure against England's makes.
extension InspectionExtractor {
    /// An authority's stated figure against England's for the same measure: more than 10% above
    /// is a concern, more than 10% below is positive (figures where higher is worse).
    /// Signals from figures stated beside England's: `sentenceOf[k]` is the sentence `numbers[k]`
    /// was read from. A theme already signalled in that sentence is not added again.
    func figureSignals(numbers: [StatedFigure], sentenceOf: [Int], sentences: [Sentence], existing: [WorkforceSignal]) -> [WorkforceSignal] {
        var out: [WorkforceSignal] = []
        // England's first figure for each measure, and the (theme, sentence start) pairs signalled.
        var englandFigure: [String: StatedFigure] = [:]
        for n in numbers where n.laCode == "E92000001" && englandFigure[n.measure] == nil { englandFigure[n.measure] = n }
        var signalled = Set(existing.map { SignalKey(theme: $0.theme, start: $0.start) })
        for (k, n) in numbers.enumerated() where n.laCode != nil && n.laCode != "E92000001" {
            guard let england = englandFigure[n.measure], england.value > 0,
                  let themes = lexicon.measureThemes[n.measure] else { continue }
            let sentence = sentences[sentenceOf[k]]
            let ratio = n.value / england.value
            let polarity: Polarity? = ratio > 1.1 ? .concern : (ratio < 0.9 ? .positive : nil)
            guard let polarity else { continue }
            for theme in themes where signalled.insert(SignalKey(theme: theme, start: sentence.start)).inserted {
                out.append(WorkforceSignal(theme: theme, polarity: polarity, evidence: n.evidence, start: sentence.start, end: sentence.end, laCode: n.laCode))
            }
        }
        return out
    }

    struct SignalKey: Hashable {
        var theme: Theme
        var start: Int
    }

    struct Figure {
        var measure: String
        var value: Double
        var unit: String
        var england: Bool
    }

    /// Whether a word can be a stated figure's number: every figure starts at one.
    static func startsWithDigit(_ word: String) -> Bool {
        if let b = word.utf8.first, b >= 0x30 && b <= 0x39 { return true }
        return false
    }

    func figuresIn(_ range: Range<Int>, tokens: TokenList, previousMeasures: [String]) -> [Figure] {
        var numbers: [(index: Int, value: Double, after: Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if Self.startsWithDigit(tokens[i].word), let v = DecimalNumber.parse(tokens[i].word) {
                if i + 1 < range.upperBound && tokens[i + 1].word == "%" {
                    numbers.append((i, v, i + 2))
                } else if i + 2 < range.upperBound && tokens[i + 1].word == "per" && tokens[i + 2].word == "cent" {
                    numbers.append((i, v, i + 3))
                } else if i + 1 < range.upperBound && tokens[i + 1].word == "percent" {
                    numbers.append((i, v, i + 2))
                }
            }
            i += 1
        }
        // "17 and 13.6 per cent": a bare number joined to a percentage shares its unit.
        var extra: [(Int, Double, Int)] = []
        let numbered = Set(numbers.map(\.index))
        for n in numbers {
            var j = n.index - 1
            while j >= range.lowerBound && (tokens[j].word == "and" || tokens[j].word == "or") { j -= 1 }
            if j >= range.lowerBound, j < n.index - 1, let v = DecimalNumber.parse(tokens[j].word), !numbered.contains(j) {
                extra.append((j, v, j + 1))
            }
        }
        numbers = (numbers + extra.map { (index: $0.0, value: $0.1, after: $0.2) }).sorted { $0.index < $1.index }
        guard !numbers.isEmpty else { return [] }
        let respectively = tokens[range].contains { $0.word == "respectively" }
        var out: [Figure] = []
        var previousEnd = range.lowerBound
        for (k, n) in numbers.enumerated() {
            let before = previousEnd..<n.index
            let nextStart = k + 1 < numbers.count ? numbers[k + 1].index : range.upperBound
            let after = n.after..<max(n.after, nextStart)
            var measure: String?
            var bestDistance = Int.max
            for (name, cues) in lexicon.measures {
                for (at, _) in cues.matches(tokens, in: before) where n.index - at < bestDistance {
                    bestDistance = n.index - at
                    measure = name
                }
            }
            if measure == nil {
                for (name, cues) in lexicon.measures {
                    if let at = cues.matches(tokens, in: after).first?.0, at - n.index < bestDistance {
                        bestDistance = at - n.index
                        measure = name
                    }
                }
            }
            if respectively && numbers.count == previousMeasures.count { measure = previousMeasures[k] }
            let englandRange = (k == 0 ? range.lowerBound : previousEnd)..<n.index
            let joinedToEngland = k > 0 && out[k - 1].england && before.allSatisfy { ["and", "or"].contains(tokens[$0].word) }
            // "… compared with 15.5 per cent nationally": a cue just after the figure counts too.
            let trailing = n.after..<min(n.after + 2, max(n.after, nextStart))
            let england = joinedToEngland || lexicon.englandCues.contains(tokens, in: englandRange)
                || (k > 0 && lexicon.englandCues.contains(tokens, in: trailing))
            // "25 per cent, against an England average of 16.7 per cent": the comparator shares the measure.
            if measure == nil, england, k > 0 { measure = out[k - 1].measure }
            if let measure {
                out.append(Figure(measure: measure, value: n.value, unit: "percent", england: england))
            } else {
                out.append(Figure(measure: "unspecified", value: n.value, unit: "percent", england: england))
            }
            previousEnd = n.after
        }
        return out
    }
}

extension RandomAccessCollection where Index == Int {
    /// First index whose element satisfies `predicate`, assuming elements that do come last.
    func partitionedIndex(where predicate: (Element) -> Bool) -> Int {
        var lo = startIndex, hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
