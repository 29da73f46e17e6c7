import Foundation

/// Reads one inspection text: finds the article body among page furniture, links it to
/// authorities, reads visit type, date and judgement, and extracts workforce signals and
/// stated figures with their evidence. Deterministic: lexicon and gazetteer only.
public struct InspectionExtractor: Sendable {
    public let lexicon: InspectionLexicon
    public let registry: AuthorityRegistry
    /// Authority names by first word, then by their whole word sequence: many names can share a
    /// first word ("North", "City"), and a mention costs one lookup per name length, not one
    /// comparison per name.
    let gazetteer: [String: GazetteerEntry]
    /// Filter over the gazetteer's first words: most capitalised words name no authority.
    let gazetteerFilter: WordFilter
    /// The lexicon's furniture markers, found in one pass over a line, and its article-end
    /// markers as bytes.
    let furniture: SubstringSet
    let articleEnd: [[UInt8]]

    public init(lexicon: InspectionLexicon, registry: AuthorityRegistry) {
        self.lexicon = lexicon
        self.registry = registry
        var g: [String: GazetteerEntry] = [:]
        for (name, codes) in registry.nameIndex {
            let words = name.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            g[first, default: GazetteerEntry()].names[words] = codes.sorted()
        }
        for k in g.keys { g[k]!.lengths = Set(g[k]!.names.keys.map(\.count)).sorted(by: >) }
        gazetteer = g
        var filter = WordFilter()
        for k in g.keys { filter.insert(WordKey.of(k.utf8)) }
        gazetteerFilter = filter
        furniture = SubstringSet(lexicon.furniture.map { Array($0.utf8) })
        articleEnd = lexicon.articleEnd.map { Array($0.utf8) }
    }

    /// Gazetteer names sharing a first word.
    struct GazetteerEntry: Sendable {
        var names: [[String]: [String]] = [:]
        /// Word counts of `names`, longest first.
        var lengths: [Int] = []
    }

    // MARK: Layout

    struct Line {
        var start: Int
        var end: Int
        var kind: Kind
        enum Kind { case body, heading, furniture, boilerplate }
    }

    struct Sentence {
        var start: Int
        var end: Int
        var tokens: Range<Int>
        var line: Int
    }

    struct Mention {
        var codes: [String]
        var token: Int
        var sentence: Int?
        var strong: Bool
    }

    /// Extracts everything from a decoded source. Throws only for bad metadata.
    public func extract(_ source: InspectionSource) throws -> InspectionDocument {
        let scalars = unicodeScalars(of: source.text)
        var tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
        lexicon.cueIndex.mark(&tokens)
        let lines = layout(scalars)
        let sentences = split(scalars, lines: lines, tokens: tokens)
        func text(_ s: Int, _ e: Int) -> String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(e - s)
            for k in s..<e { UTF8.encode(scalars[k]) { bytes.append($0) } }
            return String(decoding: bytes, as: UTF8.self)
        }
        func tokenRange(_ s: Int, _ e: Int) -> Range<Int> {
            let lo = tokens.partitionedIndex { $0.start >= s }
            let hi = tokens.partitionedIndex { $0.start >= e }
            return lo..<hi
        }
        let bodyTokens = sentences.map(\.tokens)
        let readable = lines.filter { $0.kind == .body || $0.kind == .heading }

        // Date (needed to pick between same-named authorities).
        let date = source.metadata.date ?? InspectionDates.find(tokens: tokens, lines: readable.map { tokenRange($0.start, $0.end) })
        let year = date.flatMap { Int($0.prefix(4)) }

        // Authority mentions in readable lines.
        var mentions: [Mention] = []
        var headingOf: [Int: String] = [:]
        for line in readable {
            let range = tokenRange(line.start, line.end)
            var i = range.lowerBound
            while i < range.upperBound {
                if let (length, codes, strong) = mention(at: i, in: range, tokens: tokens, scalars: scalars, year: year) {
                    let sentence = sentences.firstIndex { $0.tokens.contains(i) }
                    if sentence == nil { headingOf[i] = text(line.start, line.end) }
                    mentions.append(Mention(codes: codes, token: i, sentence: sentence, strong: strong || line.kind == .heading))
                    i += length
                } else {
                    i += 1
                }
            }
        }
        var links = try linkAuthorities(source: source, mentions: mentions, sentences: sentences, tokens: tokens, text: text, headings: headingOf)

        // Texts that are not about LA children's services get no authority.
        let allBody = bodyTokens.reduce(into: [Int]()) { $0.append(contentsOf: $1) }
        let childrenCue = sentences.contains { lexicon.childrenServicesCues.contains(tokens, in: $0.tokens) }
        if source.metadata.laCodes.isEmpty && !childrenCue && !allBody.isEmpty {
            links = []
        }

        // Sentence owners: the last primary authority named, else the first primary.
        let primaryCodes = links.filter { $0.role == "primary" }.map(\.oldCode)
        var owner: [String?] = Array(repeating: primaryCodes.first, count: sentences.count)
        if primaryCodes.count > 1 {
            var current = primaryCodes.first
            for (si, _) in sentences.enumerated() {
                if let m = mentions.first(where: { $0.sentence == si && !Set($0.codes).isDisjoint(with: primaryCodes) }) {
                    current = m.codes.first { primaryCodes.contains($0) }
                }
                owner[si] = current
            }
        }

        let headingRanges = lines.filter { $0.kind == .heading }.map { tokenRange($0.start, $0.end) }
        let visitType = source.metadata.visitType ?? visitTypeFound(tokens: tokens, ranges: sentences.map(\.tokens) + headingRanges)
        var judgement = source.metadata.judgement ?? judgementFound(tokens: tokens, sentences: sentences)
        if judgement == nil && visitType == "monitoring_visit" && links.filter({ $0.role == "primary" }).count == 1 {
            judgement = "inadequate" // monitoring visits follow an inadequate judgement
        }

        var signals: [WorkforceSignal] = []
        var numbers: [StatedFigure] = []
        var previousMeasures: [String] = []
        for (si, s) in sentences.enumerated() where !links.isEmpty {
            let found = signalsIn(s.tokens, tokens: tokens, scalars: scalars)
            let figures = figuresIn(s.tokens, tokens: tokens, previousMeasures: previousMeasures)
            guard !found.isEmpty || !figures.isEmpty else { continue }
            let evidence = text(s.start, s.end)
            for (theme, polarity) in found {
                signals.append(WorkforceSignal(theme: theme, polarity: polarity, evidence: evidence, start: s.start, end: s.end, laCode: owner[si]))
            }
            for f in figures {
                numbers.append(StatedFigure(measure: f.measure, value: f.value, unit: f.unit, evidence: evidence,
                                            laCode: f.england ? "E92000001" : owner[si]))
            }
            if !figures.isEmpty { previousMeasures = figures.map(\.measure) }
        }
        signals += figureSignals(numbers: numbers, sentences: sentences, existing: signals, text: text)
        signals.sort { ($0.start, InspectionDocument.themes.firstIndex(of: $0.theme) ?? 99) < ($1.start, InspectionDocument.themes.firstIndex(of: $1.theme) ?? 99) }
        return InspectionDocument(file: source.file, authorities: links, visitType: visitType, date: date, judgement: judgement,
                                  signals: signals, numbers: numbers)
    }

    /// An authority's stated figure against England's for the same measure: more than 10% above
    /// is a concern, more than 10% below is positive (figures where higher is worse).
    func figureSignals(numbers: [StatedFigure], sentences: [Sentence], existing: [WorkforceSignal], text: (Int, Int) -> String) -> [WorkforceSignal] {
        var out: [WorkforceSignal] = []
        for n in numbers where n.laCode != nil && n.laCode != "E92000001" {
            guard let england = numbers.first(where: { $0.laCode == "E92000001" && $0.measure == n.measure }), england.value > 0,
                  let themes = lexicon.measureThemes[n.measure],
                  let sentence = sentences.first(where: { text($0.start, $0.end) == n.evidence }) else { continue }
            let ratio = n.value / england.value
            let polarity = ratio > 1.1 ? "concern" : (ratio < 0.9 ? "positive" : nil)
            guard let polarity else { continue }
            for theme in themes where !(existing + out).contains(where: { $0.theme == theme && $0.start == sentence.start }) {
                out.append(WorkforceSignal(theme: theme, polarity: polarity, evidence: n.evidence, start: sentence.start, end: sentence.end, laCode: n.laCode))
            }
        }
        return out
    }

    // MARK: Body and sentences

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        // memchr to each candidate first byte, then memcmp (memmem is not exposed to Swift here).
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                let base = h.baseAddress!, last = h.count - n.count
                var i = 0
                while i <= last, let hit = memchr(base + i, Int32(n[0]), last - i + 1) {
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, n.baseAddress!, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }

    func layout(_ scalars: [Unicode.Scalar]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        var bodySentencesSeen = 0
        var ended = false
        for i in 0...scalars.count where i == scalars.count || scalars[i] == "\n" {
            defer { start = i + 1 }
            guard i > start else { continue }
            var s = start, e = i
            while s < e, Self.isSpace(scalars[s]) { s += 1 }
            while e > s, Self.isSpace(scalars[e - 1]) { e -= 1 }
            guard e > s else { continue }
            // ASCII-lowered bytes of the line; markers are matched with memmem (no Foundation).
            var lower = [UInt8]()
            lower.reserveCapacity(e - s)
            for k in s..<e {
                let v = scalars[k].value
                lower.append(v < 128 ? UInt8(v >= 65 && v <= 90 ? v + 32 : v) : 0x7F)
            }
            var kind: Line.Kind
            if ended {
                kind = .boilerplate
            } else if bodySentencesSeen >= 2 && articleEnd.contains(where: { lower.starts(with: $0) }) {
                ended = true
                kind = .boilerplate
            } else if furniture.anyOccurs(in: lower) {
                kind = .furniture
            } else {
                var words = 0, inWord = false
                for b in lower {
                    if b == 0x20 { inWord = false } else if !inWord { inWord = true; words += 1 }
                }
                kind = InspectionExtractor.lineTerminators.contains(scalars[e - 1]) || words >= 14 ? .body : .heading
                if kind == .body { bodySentencesSeen += 1 }
            }
            lines.append(Line(start: s, end: e, kind: kind))
        }
        return lines
    }

    /// `properties.isWhitespace`, without the property lookup for ASCII.
    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.value < 128 ? c.value == 32 || (c.value >= 9 && c.value <= 13) : c.properties.isWhitespace
    }

    static let lineTerminators: Set<Unicode.Scalar> = [".", "!", "?", "\"", "\u{201D}", "\u{2019}", "'", ":", ";"]

    static let bullets: Set<Unicode.Scalar> = ["\u{2022}", "-", "*", "\u{2013}"]

    static let abbreviations: Set<String> = ["st", "mr", "mrs", "ms", "dr", "no", "cllr", "prof", "e.g", "i.e", "etc", "vs", "inc", "ltd"]
    static let longestAbbreviation = abbreviations.map(\.unicodeScalars.count).max() ?? 0

    func split(_ scalars: [Unicode.Scalar], lines: [Line], tokens: [Token]) -> [Sentence] {
        var out: [Sentence] = []
        let closers: Set<Unicode.Scalar> = ["\"", "\u{201D}", "\u{2019}", "'", ")"]
        for (li, line) in lines.enumerated() where line.kind == .body {
            var s = line.start
            // Skip a leading bullet.
            while s < line.end, Self.bullets.contains(scalars[s]) || Self.isSpace(scalars[s]) { s += 1 }
            var i = s
            func emit(_ e: Int) {
                var a = s, b = e
                while a < b, Self.isSpace(scalars[a]) { a += 1 }
                while b > a, Self.isSpace(scalars[b - 1]) { b -= 1 }
                if b > a {
                    let lo = tokens.partitionedIndex { $0.start >= a }
                    let hi = tokens.partitionedIndex { $0.start >= b }
                    if hi > lo { out.append(Sentence(start: a, end: b, tokens: lo..<hi, line: li)) }
                }
                s = e
            }
            while i < line.end {
                let c = scalars[i]
                if c == "." || c == "!" || c == "?" {
                    var e = i + 1
                    while e < line.end, closers.contains(scalars[e]) { e += 1 }
                    var n = e
                    while n < line.end, scalars[n] == " " { n += 1 }
                    let atEnd = n >= line.end
                    let nextStarts = !atEnd && n > e && (Tokenizer.isDigit(scalars[n]) || scalars[n].properties.isUppercase || closers.contains(scalars[n]) || scalars[n] == "\u{201C}")
                    var abbreviation = false
                    if c == "." {
                        var w = i
                        while w > line.start, Tokenizer.isWordScalar(scalars[w - 1]) || scalars[w - 1] == "." { w -= 1 }
                        if i - w > Self.longestAbbreviation && scalars[w..<i].allSatisfy({ $0.isASCII }) {
                            // Too long to be one (no String needed): ASCII scalars are one character each.
                            abbreviation = false
                        } else {
                            let word = String(String.UnicodeScalarView(scalars[w..<i])).lowercased()
                            abbreviation = Self.abbreviations.contains(word) || (word.count == 1 && !atEnd)
                        }
                    }
                    if (atEnd || nextStarts) && !abbreviation {
                        emit(e)
                        i = e
                        continue
                    }
                }
                i += 1
            }
            emit(line.end)
        }
        return out
    }

    // MARK: Authorities

    /// An authority name starting at token `i`: (tokens used, codes, confirmed as the council).
    func mention(at i: Int, in range: Range<Int>, tokens: [Token], scalars: [Unicode.Scalar], year: Int?) -> (Int, [String], Bool)? {
        let initial = scalars[tokens[i].start]
        let capitalised = initial.value < 128 ? initial.value >= 65 && initial.value <= 90 : initial.properties.isUppercase
        guard capitalised, !tokens[i].ascii || gazetteerFilter.mayContain(tokens[i].key),
              let entry = gazetteer[tokens[i].word] else { return nil }
        // Longest names first.
        for length in entry.lengths where i + length <= range.upperBound {
            let words = tokens[i..<(i + length)].map(\.word)
            guard let codes = entry.names[words] else { continue }
            let end = i + words.count
            // Place names that are not the council.
            for phrase in lexicon.notCouncilBefore where i - phrase.count >= range.lowerBound {
                if Array(tokens[(i - phrase.count)..<i].map(\.word)) == phrase { return nil }
            }
            if end < range.upperBound && lexicon.notCouncilAfter.match(tokens, at: end, end: range.upperBound) > 0 { return nil }
            let after = end < range.upperBound && lexicon.councilAfter.match(tokens, at: end, end: min(range.upperBound, end + 4)) > 0
            var before = false
            for phrase in lexicon.councilBefore where i - phrase.count >= range.lowerBound {
                if Array(tokens[(i - phrase.count)..<i].map(\.word)) == phrase { before = true }
            }
            let name = words.joined(separator: " ")
            if lexicon.ambiguousNames.contains(name) && !after && !before { return nil }
            // "Brenda Warrington": a capitalised word just before, mid-line, makes it a person's or another name.
            if !after && !before && i > range.lowerBound {
                let previous = tokens[i - 1]
                let startsSentence = i - 1 == range.lowerBound || (previous.start > 1 && [".", "!", "?", ":", "\u{201C}", "\""].contains(scalars[previous.start - 2]))
                if scalars[previous.start].properties.isUppercase && !startsSentence && !["the", "and", "of", "in"].contains(previous.word) {
                    return nil
                }
            }
            let chosen = choose(codes, year: year)
            return (words.count, chosen, after || before)
        }
        return nil
    }

    /// Among authorities sharing a name, the one that existed in the text's year (else the current one).
    func choose(_ codes: [String], year: Int?) -> [String] {
        guard codes.count > 1 else { return codes }
        let authorities = codes.compactMap { registry.authority(oldCode: $0) }
        if let year, let live = authorities.first(where: { $0.existed(inReportingYear: year) }) { return [live.oldCode] }
        return [authorities.first { $0.validTo == nil }?.oldCode ?? codes[0]]
    }

    func linkAuthorities(source: InspectionSource, mentions: [Mention], sentences: [Sentence], tokens: [Token],
                         text: (Int, Int) -> String, headings: [Int: String]) throws -> [AuthorityLink] {
        var score: [String: Double] = [:]
        var firstEvidence: [String: String] = [:]
        let inspectionWords = CueSet(["ofsted", "inspection*", "inspector*", "monitoring visit", "letter", "report"])
        for m in mentions {
            for code in m.codes {
                var s = 1.0
                if m.strong { s += 2 }
                if let si = m.sentence {
                    if si < 3 { s += 1.5 }
                    if inspectionWords.contains(tokens, in: sentences[si].tokens) { s += 1 }
                    if firstEvidence[code] == nil { firstEvidence[code] = text(sentences[si].start, sentences[si].end) }
                } else if firstEvidence[code] == nil {
                    firstEvidence[code] = headings[m.token]
                }
                score[code, default: 0] += s
            }
        }
        var links: [AuthorityLink] = []
        if !source.metadata.laCodes.isEmpty {
            for code in source.metadata.laCodes {
                guard let a = registry.authority(oldCode: code) ?? registry.authority(newCode: code) else {
                    throw WFRiskError.input(InputProblem(file: source.metadataFile ?? source.file, line: source.metadataLine, field: "la_code",
                                                         message: "unknown authority code '\(code)' (not in the registry)"))
                }
                links.append(AuthorityLink(newCode: a.newCode, oldCode: a.oldCode, name: a.name, role: "primary", evidence: "metadata: la_code \(code)"))
            }
        }
        let top = score.values.max() ?? 0
        for (code, s) in score.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            guard !links.contains(where: { $0.oldCode == code }), let a = registry.authority(oldCode: code) else { continue }
            let primary = source.metadata.laCodes.isEmpty && s >= 3 && s >= 0.5 * top
            links.append(AuthorityLink(newCode: a.newCode, oldCode: a.oldCode, name: a.name, role: primary ? "primary" : "mentioned",
                                       evidence: firstEvidence[code] ?? ""))
        }
        return links
    }

    // MARK: Visit facts

    /// The visit type named most often (headings included); ties go to the more specific type.
    func visitTypeFound(tokens: [Token], ranges: [Range<Int>]) -> String? {
        var counts: [String: Int] = [:]
        for r in ranges {
            let mask = CueIndex.union(tokens, r)
            guard lexicon.anyVisitType.contains(tokens, in: r, mask: mask) else { continue }
            for (type, cues) in lexicon.visitTypes { counts[type, default: 0] += cues.matches(tokens, in: r, mask: mask).count }
        }
        let specific = lexicon.visitTypes.map(\.0).filter { $0 != "other" }
        let best = specific.max { (counts[$0] ?? 0, -specific.firstIndex(of: $0)!) < (counts[$1] ?? 0, -specific.firstIndex(of: $1)!) }
        if let best, (counts[best] ?? 0) > 0 { return best }
        return (counts["other"] ?? 0) > 0 ? "other" : nil
    }

    /// The judgement in force: of the judgements the text states, the one made last (by the year
    /// written just after it; a judgement with no year is the current one), then the last in the text.
    func judgementFound(tokens: [Token], sentences: [Sentence]) -> String? {
        var found: [(judgement: String, year: Int, order: Int)] = []
        var judgementStarts: Set<Int>?
        let firstFilter = lexicon.judgementFirstFilter
        for (si, s) in sentences.enumerated() {
            let range = s.tokens
            for i in range {
                // Patterns are tried only where their first word (or, for "X judgement", a judgement word) stands.
                // Token fields read one by one: copying the token would retain its word.
                var candidates = !tokens[i].ascii || firstFilter.mayContain(tokens[i].key)
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
                            // The year a judgement was made: the first year within six words after it, else "now".
                            let year = tokens[k..<min(range.upperBound, k + 6)].compactMap { t -> Int? in
                                guard t.word.count == 4, let y = Int(t.word), (2000...2100).contains(y) else { return nil }
                                return y
                            }.first ?? 9999
                            found.append((name, year, si * 1000 + i))
                            break
                        }
                    }
                }
            }
        }
        return found.max { ($0.year, $0.order) < ($1.year, $1.order) }?.judgement
    }

    /// Token positions where `pattern[from...]` (words, with "gap" for up to eight words, none of
    /// them in `stop`) can end when it starts at `i`.
    static func match(_ pattern: [String], _ from: Int, tokens: [Token], at i: Int, end: Int, stop: Set<Int>) -> [Int] {
        guard from < pattern.count else { return [i] }
        if pattern[from] == "gap" {
            var ends: [Int] = []
            for skip in 0...8 where i + skip <= end {
                if skip > 0 && stop.contains(i + skip - 1) { break }
                ends += match(pattern, from + 1, tokens: tokens, at: i + skip, end: end, stop: stop)
            }
            return ends
        }
        guard i < end, CueSet.wordMatches(tokens[i].word, pattern[from]) else { return [] }
        return match(pattern, from + 1, tokens: tokens, at: i + 1, end: end, stop: stop)
    }

    // MARK: Signals

    /// Themes a sentence raises, each with its polarity; a theme with no direction is left out.
    ///
    /// Polarity counts concern and positive cues in the sentence (a cue after a negation, or a
    /// concern followed or preceded by a decrease, flips), plus level words next to the theme
    /// ("low turnover", "high caseloads"), read by whether more of the theme is worse or better.
    /// A concern conceded in a "despite …," clause beside a positive main clause makes it mixed.
    func signalsIn(_ range: Range<Int>, tokens: [Token], scalars: [Unicode.Scalar]) -> [(String, String)] {
        // The sentence's cue masks together: a set none of its words can start is skipped whole.
        let mask = CueIndex.union(tokens, range)
        guard lexicon.anyTheme.contains(tokens, in: range, mask: mask) else { return [] }
        var themeHits: [(String, [Int])] = []
        for (theme, cues) in lexicon.themes {
            let hits = cues.matches(tokens, in: range, mask: mask).filter { i, _ in
                // "multi-agency" is not about agency staff.
                let t = tokens[i]
                return !(t.start > 0 && scalars[t.start - 1] == "-")
            }
            if !hits.isEmpty { themeHits.append((theme, hits.map(\.0))) }
        }
        guard !themeHits.isEmpty else { return [] }
        var concern = 0, positive = 0
        var conceded = false
        let concessiveAt = lexicon.concessive.matches(tokens, in: range, mask: mask).first?.0
        // The concessive clause runs to the next comma.
        var clauseEnd = range.upperBound
        if let c = concessiveAt {
            for i in c..<range.upperBound where tokens[i].end < scalars.count && scalars[tokens[i].end] == "," {
                clauseEnd = i + 1
                break
            }
        }
        func within(_ cues: CueSet, _ lo: Int, _ hi: Int) -> Bool {
            let a = max(range.lowerBound, lo), b = min(range.upperBound, hi)
            return a < b && cues.contains(tokens, in: a..<b, mask: mask)
        }
        func negated(_ i: Int) -> Bool { within(lexicon.negations, i - 3, i) }
        let positives = lexicon.positive.matches(tokens, in: range, mask: mask)
        let concerns = lexicon.concern.matches(tokens, in: range, mask: mask).filter { c in
            !positives.contains { p in c.0 >= p.0 && c.0 < p.0 + p.1 }
        }
        for (i, n) in concerns {
            if negated(i) || within(lexicon.decrease, i - 4, i) || within(lexicon.decrease, i + n, i + n + 6) { positive += 1; continue }
            if let c = concessiveAt, i > c, i < clauseEnd { conceded = true; continue }
            concern += 1
        }
        for (i, _) in positives {
            if negated(i) { concern += 1 } else { positive += 1 }
        }
        let lows = lexicon.levelLow.matches(tokens, in: range, mask: mask).map(\.0)
        let highs = lexicon.levelHigh.matches(tokens, in: range, mask: mask).map(\.0)
        var out: [(String, String)] = []
        for (theme, hits) in themeHits {
            var c = concern, p = positive
            func near(_ positions: [Int]) -> [Int] { positions.filter { j in hits.contains { abs($0 - j) <= 6 } } }
            let worse = lexicon.higherIsWorse.contains(theme), better = lexicon.higherIsBetter.contains(theme)
            for j in near(lows) where worse || better {
                if negated(j) { continue }
                if worse { p += 1 } else { c += 1 }
            }
            for j in near(highs) where worse || better {
                if negated(j) { continue }
                if worse { c += 1 } else { p += 1 }
            }
            let polarity: String
            if c > 0 && p > 0 || conceded && p > 0 {
                polarity = "mixed"
            } else if c > 0 || conceded {
                polarity = "concern"
            } else if p > 0 {
                polarity = "positive"
            } else {
                continue
            }
            out.append((theme, polarity))
        }
        return out
    }

    // MARK: Figures

    struct Figure {
        var measure: String
        var value: Double
        var unit: String
        var england: Bool
    }

    func figuresIn(_ range: Range<Int>, tokens: [Token], previousMeasures: [String]) -> [Figure] {
        var numbers: [(index: Int, value: Double, after: Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if let b = tokens[i].word.utf8.first, b >= 0x30 && b <= 0x39, let v = Double(tokens[i].word) {
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
        for n in numbers {
            var j = n.index - 1
            while j >= range.lowerBound && (tokens[j].word == "and" || tokens[j].word == "or") { j -= 1 }
            if j >= range.lowerBound, j < n.index - 1, let v = Double(tokens[j].word), !numbers.contains(where: { $0.index == j }) {
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

extension Array {
    /// First index whose element satisfies `predicate`, assuming elements that do come last.
    func partitionedIndex(where predicate: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
