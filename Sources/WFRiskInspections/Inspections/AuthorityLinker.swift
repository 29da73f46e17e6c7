import WFRiskCore

/// Step 3 of docs/inspections.md, which authorities: gazetteer mentions, lists of names, the
/// role each authority plays (primary, mentioned, or a council helping another), look-alike
/// texts (adult care, schools, further education, police, Wales, Scotland) linked to none.
extension InspectionExtractor {
    struct Mention {
        var codes: [String]
        var token: Int
        var length: Int
        var sentence: Int?
        var strong: Bool
        /// An ambiguous name ("Bury", "Reading") not confirmed where it stands.
        var unconfirmed: Bool
        /// Named as a council helping another ("led by Gloucestershire County Council's director").
        var helper: Bool
        /// Index of the list of names ("A, B, C and D") it stands in, if any.
        var list: Int?
    }

    /// Mentions by sentence and by list, built once per text: a judgement statement's authority is
    /// looked up here, not by a scan of every mention per statement.
    struct MentionIndex {
        let bySentence: [Int: [Mention]]
        let byList: [Int: [Mention]]

        init(_ mentions: [Mention]) {
            var s: [Int: [Mention]] = [:], l: [Int: [Mention]] = [:]
            for m in mentions {
                if let si = m.sentence { s[si, default: []].append(m) }
                if let li = m.list { l[li, default: []].append(m) }
            }
            bySentence = s
            byList = l
        }

        /// The mention named nearest before token `word` in sentence `si` (mentions are in text
        /// order), else the sentence's first, else none.
        func nearest(before word: Int, inSentence si: Int) -> Mention? {
            guard let inSentence = bySentence[si] else { return nil }
            let k = inSentence.partitionedIndex { $0.token >= word }
            return k > 0 ? inSentence[k - 1] : inSentence.first
        }

        /// The mention with the other members of its list ("A, B and C"), or the mention alone.
        func group(_ m: Mention) -> [Mention] { m.list.flatMap { byList[$0] } ?? [m] }
    }

    /// Gazetteer names sharing a first word.
    struct GazetteerEntry: Sendable {
        var names: [[String]: [String]] = [:]
        /// Word counts of `names`, longest first.
        var lengths: [Int] = []
    }

    /// An authority name starting at token `i`: (tokens used, codes, confirmed as the council,
    /// ambiguous and unconfirmed).
    func mention(at i: Int, in range: Range<Int>, tokens: TokenList, scalars: ScalarText, year: Int?) -> (Int, [String], Bool, Bool)? {
        let initial = scalars[tokens[i].start]
        let capitalised = initial.value < 128 ? initial.value >= 65 && initial.value <= 90 : initial.properties.isUppercase
        guard capitalised else { return nil }
        // A possessive ("Wakefield's children's services") names the council too.
        let first = tokens[i].word
        let possessive = first.hasSuffix("'s")
        let bare = possessive ? String(first.dropLast(2)) : first
        guard !tokens.word(at: i).ascii || gazetteerFilter.mayContain(tokens.word(at: i).key) || (possessive && gazetteerFilter.mayContain(WordKey.of(bare.utf8))),
              let entry = gazetteer[first] ?? (possessive ? gazetteer[bare] : nil) else { return nil }
        // Longest names first.
        for length in entry.lengths where i + length <= range.upperBound {
            var words = tokens[i..<(i + length)].map(\.word)
            let lastPossessive = words[length - 1].hasSuffix("'s")
            if lastPossessive { words[length - 1] = String(words[length - 1].dropLast(2)) }
            guard let codes = entry.names[words] else { continue }
            let end = i + words.count
            // Place names that are not the council.
            for phrase in lexicon.notCouncilBefore where i - phrase.count >= range.lowerBound {
                if Array(tokens[(i - phrase.count)..<i].map(\.word)) == phrase { return nil }
            }
            if !lastPossessive && end < range.upperBound && lexicon.notCouncilAfter.match(tokens, at: end, end: range.upperBound) > 0 { return nil }
            let after = lastPossessive || (end < range.upperBound && lexicon.councilAfter.match(tokens, at: end, end: min(range.upperBound, end + 4)) > 0)
            var before = false
            for phrase in lexicon.councilBefore where i - phrase.count >= range.lowerBound {
                if Array(tokens[(i - phrase.count)..<i].map(\.word)) == phrase { before = true }
            }
            // "in Bury": a place named as where the services are.
            let placed = i > range.lowerBound && tokens[i - 1].word == "in"
            let name = words.joined(separator: " ")
            let unconfirmed = lexicon.ambiguousNames.contains(name) && !after && !before && !placed
            // "Brenda Warrington": a capitalised word just before (only a space between), mid-line,
            // makes it a person's or another name; a list "Croydon, Liverpool" does not.
            if !after && !before && i > range.lowerBound {
                let previous = tokens[i - 1]
                let adjacent = previous.end + 1 == tokens[i].start && scalars[previous.end] == " "
                let startsSentence = i - 1 == range.lowerBound || (previous.start > 1 && [".", "!", "?", ":", "\u{201C}", "\""].contains(scalars[previous.start - 2]))
                if adjacent && scalars[previous.start].properties.isUppercase && !startsSentence && !["the", "and", "of", "in"].contains(previous.word) {
                    return nil
                }
            }
            return (words.count, choose(codes, year: year), after || before, unconfirmed)
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

    /// Mentions in readable lines, with lists and helpers marked and unconfirmed ambiguous names
    /// kept only when confirmed elsewhere in the text or standing in a list of names.
    func findMentions(_ t: ReadText, year: Int?) -> [Mention] {
        var mentions: [Mention] = []
        for (heading, range) in zip(t.readableIsHeading, t.readableTokens) {
            var i = range.lowerBound
            while i < range.upperBound {
                if let (length, codes, strong, unconfirmed) = mention(at: i, in: range, tokens: t.tokens, scalars: t.scalars, year: year),
                   // "St Helens in Lancashire": the second name only says where the first is.
                   !(i >= 2 && t.tokens[i - 1].word == "in"
                     && mentions.last.map { $0.token + $0.length == i - 1 && $0.sentence != nil && $0.sentence == t.sentenceOf(token: i) } == true) {
                    let sentence = t.sentenceOf(token: i)
                    let helper = sentence.map { si in
                        lexicon.helperBefore.contains(t.tokens, in: max(t.sentences[si].tokens.lowerBound, i - 4)..<i)
                    } ?? false
                    mentions.append(Mention(codes: codes, token: i, length: length, sentence: sentence, strong: strong || heading,
                                            unconfirmed: unconfirmed, helper: helper, list: nil))
                    i += length
                } else {
                    i += 1
                }
            }
        }
        // Lists: names in one sentence separated only by commas, "and", "or", "&".
        var lists = 0
        for k in mentions.indices.dropFirst() {
            let a = mentions[k - 1], b = mentions[k]
            guard a.sentence != nil, a.sentence == b.sentence else { continue }
            let gapStart = t.tokens[a.token + a.length - 1].end, gapEnd = t.tokens[b.token].start
            var joined = gapEnd > gapStart
            var k2 = gapStart
            while k2 < gapEnd && joined {
                let c = t.scalars[k2]
                if c == "," || c == " " || c == "&" { k2 += 1; continue }
                if t.scalars[k2...].starts(with: "and".unicodeScalars) { k2 += 3; continue }
                if t.scalars[k2...].starts(with: "or".unicodeScalars) { k2 += 2; continue }
                joined = false
            }
            guard joined else { continue }
            if let l = mentions[k - 1].list { mentions[k].list = l } else { mentions[k - 1].list = lists; mentions[k].list = lists; lists += 1 }
        }
        // A list names at least two authorities ("In Slough, Slough Children First" is one).
        var members: [Int: [Int]] = [:]
        for k in mentions.indices { if let l = mentions[k].list { members[l, default: []].append(k) } }
        for l in 0..<lists {
            let inList = members[l] ?? []
            if Set(inList.flatMap { mentions[$0].codes }).count < 2 { for k in inList { mentions[k].list = nil } }
        }
        let confirmed = Set(mentions.filter { !$0.unconfirmed }.flatMap(\.codes))
        return mentions.filter { !$0.unconfirmed || $0.list != nil || !Set($0.codes).isDisjoint(with: confirmed) }
    }

    /// Whether a text is a look-alike: a regulator of another nation and no Ofsted, or more cues
    /// of one other subject (adult care, schools, further education, police; at least two) than cues that only
    /// LA children's services texts use.
    func isLookAlike(_ t: ReadText) -> Bool {
        // One mask for the whole text: most texts hold no other-subject cue and stop here.
        let all = CueIndex.union(t.tokens, 0..<t.tokens.count)
        let subjects = lexicon.otherSubjects.map(\.1)
        guard ([lexicon.otherNationRegulators] + subjects).contains(where: { $0.bit == 0 || all & $0.bit != 0 }) else { return false }
        // Every count in one pass over the readable lines.
        let counts = CueSet.countMatches([lexicon.otherNationRegulators, lexicon.specificChildrenCues] + subjects, t.tokens,
                                         in: t.readableTokens)
        if counts[0] > 0 && !t.tokens.contains(where: { $0.word == "ofsted" || $0.word == "ofsted's" }) { return true }
        let most = counts.dropFirst(2).max() ?? 0
        return most >= 2 && most > counts[1]
    }

    /// Links: each authority scored over its mentions; primary when it scores at least 3 and
    /// either half the top score or an outcome of its own (a judgement stated of it, or a list
    /// of names in a sentence about inspections); never when only named as a helper.
    func linkAuthorities(_ t: ReadText, source: InspectionSource, mentions: [Mention], statements: [JudgementStatement]) throws -> [AuthorityLink] {
        var links: [AuthorityLink] = []
        if !source.metadata.laCodes.isEmpty {
            for code in source.metadata.laCodes {
                guard let a = registry.authority(oldCode: code) ?? registry.authority(newCode: code) else {
                    throw WFRiskError.input(InputProblem(file: source.metadataFile ?? source.file, line: source.metadataLine, field: "la_code",
                                                         message: "unknown authority code '\(code)' (not in the registry)"))
                }
                links.append(AuthorityLink(newCode: a.newCode, oldCode: a.oldCode, name: a.name, role: .primary, evidence: "metadata: la_code \(code)"))
            }
        }
        var score: [String: Double] = [:]
        var outcome: Set<String> = []
        var helperOnly: [String: Bool] = [:]
        var firstEvidence: [String: String] = [:]
        var inspectionSentence: [Int: Bool] = [:]
        let statementSentences = Set(statements.map(\.sentence))
        let index = MentionIndex(mentions)
        func aboutInspection(_ si: Int) -> Bool {
            if let v = inspectionSentence[si] { return v }
            let r = t.sentences[si].tokens
            let v = lexicon.inspectionCues.contains(t.tokens, in: r) || lexicon.outcomeCues.contains(t.tokens, in: r)
                || statementSentences.contains(si)
            inspectionSentence[si] = v
            return v
        }
        // A judgement stated of an authority: the nearest name before it in its sentence (all of a list).
        for s in statements {
            guard let m = index.nearest(before: s.word, inSentence: s.sentence) else { continue }
            for g in index.group(m) where !g.helper { outcome.formUnion(g.codes) }
        }
        var listSizes: [Int: Int] = [:]
        for m in mentions { if let l = m.list { listSizes[l, default: 0] += 1 } }
        for m in mentions {
            for code in m.codes {
                helperOnly[code] = (helperOnly[code] ?? true) && m.helper
                var s = 1.0
                if m.strong { s += 2 }
                if let si = m.sentence {
                    if si < 3 { s += 1.5 }
                    if aboutInspection(si) { s += 1 }
                    // A list of names in a sentence about inspections: each reported as one of a group
                    // (or just after: a list of three or more, "Five of them – A, B, C, D and E – …").
                    if let l = m.list, !m.helper, aboutInspection(si) || (si > 0 && aboutInspection(si - 1) && (listSizes[l] ?? 0) >= 3) {
                        s += 2
                        outcome.insert(code)
                    }
                    if firstEvidence[code] == nil { firstEvidence[code] = t.text(t.sentences[si].start, t.sentences[si].end) }
                } else if firstEvidence[code] == nil, let line = t.lines.first(where: { $0.start <= t.tokens[m.token].start && t.tokens[m.token].start < $0.end }) {
                    firstEvidence[code] = t.text(line.start, line.end)
                }
                if outcome.contains(code) && !m.helper { s += 2 }
                score[code, default: 0] += s
            }
        }
        let top = score.filter { helperOnly[$0.key] != true }.values.max() ?? 0
        for (code, s) in score.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            guard !links.contains(where: { $0.oldCode == code }), let a = registry.authority(oldCode: code) else { continue }
            let primary = source.metadata.laCodes.isEmpty && helperOnly[code] != true && s >= 3 && (s >= 0.5 * top || outcome.contains(code))
            links.append(AuthorityLink(newCode: a.newCode, oldCode: a.oldCode, name: a.name, role: primary ? .primary : .mentioned,
                                       evidence: firstEvidence[code] ?? ""))
        }
        // A text about "the council" or "the local authority" that names one candidate council
        // (helpers aside) is about that council; of several, the one named beside such a
        // description ("the council's neighbouring authorities … as Gloucestershire").
        guard !links.contains(where: { $0.role == .primary }), source.metadata.laCodes.isEmpty else { return links }
        var candidates = links.indices.filter { helperOnly[links[$0].oldCode] != true }
        let described = Set(t.sentences.indices.filter { lexicon.definiteDescriptions.contains(t.tokens, in: t.sentences[$0].tokens) })
        if candidates.count > 1 {
            candidates = candidates.filter { k in mentions.contains { m in m.codes.contains(links[k].oldCode) && m.sentence.map(described.contains) == true } }
        }
        if candidates.count == 1, !described.isEmpty, t.sentences.contains(where: { lexicon.inspectionCues.contains(t.tokens, in: $0.tokens) }) {
            links[candidates[0]].role = .primary
        }
        return links
    }

    /// Each sentence's authority: in a round-up, the last primary authority named before or in
    /// it (nil before the first); otherwise the only primary.
    func sentenceOwners(_ t: ReadText, mentions: [Mention], primaryCodes: [String]) -> SentenceOwners {
        guard primaryCodes.count > 1 else { return SentenceOwners(codes: primaryCodes, count: t.sentences.count, every: primaryCodes.isEmpty ? nil : 0) }
        var owner = SentenceOwners(codes: primaryCodes, count: t.sentences.count, every: nil)
        var current: Int?
        var bySentence: [Int: [Mention]] = [:]
        for m in mentions { if let s = m.sentence { bySentence[s, default: []].append(m) } }
        for si in t.sentences.indices {
            if let m = bySentence[si]?.first(where: { !Set($0.codes).isDisjoint(with: primaryCodes) }) {
                current = m.codes.first { primaryCodes.contains($0) }.flatMap { primaryCodes.firstIndex(of: $0) }
            }
            owner[place: si] = current
        }
        return owner
    }
}

/// Each sentence's owner, an authority's old code or nil (`sentenceOwners`), held as a 32-bit
/// place among the text's primary codes instead of a `String?` a sentence (issue 27: memory,
/// 4 bytes a sentence instead of 16). Reads as the `[String?]` it replaces.
struct SentenceOwners: RandomAccessCollection, Sendable {
    private let codes: [String]
    /// Per sentence, 0 for none, else 1 + its code's place in `codes`.
    private var places: [UInt32]

    /// `count` sentences, each owned by `codes[every]` (none when nil).
    init(codes: [String], count: Int, every: Int?) {
        self.codes = codes
        places = Array(repeating: every.map { UInt32($0) + 1 } ?? 0, count: count)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { places.count }

    /// Sentence `i`'s owner: read as a code, set as a place in `codes`.
    subscript(i: Int) -> String? {
        let p = places[i]
        return p == 0 ? nil : codes[Int(p) - 1]
    }

    subscript(place i: Int) -> Int? {
        get { places[i] == 0 ? nil : Int(places[i]) - 1 }
        set { places[i] = newValue.map { UInt32($0) + 1 } ?? 0 }
    }
}
