import Foundation
import WFRiskCore
import WFRiskOfsted

/// Reads one inspection text, in the steps of docs/inspections.md: finds the article among page
/// furniture (`ArticleLayout`), links it to authorities (`AuthorityLinker`), reads each
/// authority's visit type, date and judgement (`VisitFacts`), and extracts workforce signals
/// (`SignalReader`) and stated figures (`FigureReader`) with their evidence.
/// Deterministic: lexicon and gazetteer only.
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
    /// Ofsted's own reports and letters, read from their layout before the text steps.
    let reports: OfstedReportReader
    /// Counts the steps of the lookups between a sentence's matches, when set (tests only).
    var meter: WorkMeter? = nil

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
        reports = OfstedReportReader(phrases: lexicon.reportPhrases, registry: registry)
    }

    /// A decoded text laid out: its scalars, words, lines and body sentences.
    struct ReadText {
        let scalars: ScalarText
        let tokens: TokenList
        let lines: [Line]
        let sentences: [Sentence]
        /// Whether each readable line is a heading (else body).
        let readableIsHeading: [Bool]
        /// The tokens of each readable line (`tokenRange` of its start and end).
        let readableTokens: [Range<Int>]
        /// The tokens of each heading line.
        let headingTokens: [Range<Int>]

        func text(_ s: Int, _ e: Int) -> String { InspectionExtractor.text(scalars, s, e) }

        func tokenRange(_ s: Int, _ e: Int) -> Range<Int> {
            tokens.partitionedIndex { $0.start >= s }..<tokens.partitionedIndex { $0.start >= e }
        }

        func sentenceOf(token i: Int) -> Int? {
            let k = sentences.partitionedIndex { $0.tokens.upperBound > i }
            return k < sentences.count && sentences[k].tokens.contains(i) ? k : nil
        }
    }

    /// The text of `scalars[s..<e]`.
    static func text(_ scalars: ScalarText, _ s: Int, _ e: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(e - s)
        for k in s..<e { UTF8.encode(scalars[k]) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Extracts everything from a decoded source. Throws only for bad metadata. The source is
    /// consumed: its text is let go once held as `ScalarText` (issue 27: memory).
    public func extract(_ source: consuming InspectionSource) throws -> InspectionDocument {
        // Ofsted's own report or letter: its authority, visit type, dates and grades are read
        // from its layout and stand as metadata would (metadata the user gives still wins).
        let given = source.metadata
        let report = reports.read(lines: source.layoutLines ?? Self.leadingLines(source.text))
        if let r = report {
            if given.laCodes.isEmpty { source.metadata.laCodes = [r.authority.oldCode] }
            source.metadata.visitType = given.visitType ?? r.visitType
            source.metadata.date = given.date ?? (r.inspectionEnd ?? r.inspectionStart)?.description
        }
        var document = try extractText(consume source)
        if let r = report {
            document.kind = r.kind == .report ? .ofstedReport : .ofstedLetter
            for k in document.authorities.indices where document.authorities[k].role == .primary && document.authorities[k].oldCode == r.authority.oldCode {
                if given.laCodes.isEmpty { document.authorities[k].evidence = r.authorityEvidence }
                // A report's judgement is its own overall grade, or none.
                if r.kind == .report && given.judgement == nil { document.authorities[k].judgement = r.overall?.grade }
                document.authorities[k].report = r
            }
            let primary = document.primary
            document.judgement = primary.allSatisfy({ $0.judgement != nil }) ? InspectionDocument.agreed(primary.map(\.judgement)) : nil
        } else {
            document.kind = document.primary.isEmpty ? .other : .article
        }
        return document
    }

    /// A text's first 200 lines, for the report reader.
    static func leadingLines(_ text: String) -> [String] {
        var out: [String] = []
        for line in text.split(separator: "\n", maxSplits: 200, omittingEmptySubsequences: true).prefix(200) {
            out.append(line.trimmingCharacters(in: .whitespaces))
        }
        return out
    }

    /// What the whole-text steps leave for the per-sentence ones (signals and figures).
    struct TextFacts {
        let sentences: [Sentence]
        let links: [AuthorityLink]
        let owner: SentenceOwners
        let date: String?
        /// Tokens of judgement grades, not polarity cues ("downgraded from good").
        let gradeTokens: Set<Int>
        /// Per sentence, whether the signal or figure step can find anything in it
        /// (`mayHoldSignalOrFigure`; empty when the text is linked to no authority).
        let mayHold: [Bool]
    }

    /// The text steps: layout, authorities, visit facts, signals and figures.
    func extractText(_ source: consuming InspectionSource) throws -> InspectionDocument {
        let scalars = ScalarText(source.text)
        // The scalars hold the text from here: the caller's copy, if it gave it up, is freed.
        source.text = ""
        // Offsets in `TokenList` are 32 bits; such a text would need over 20 GB to extract anyway.
        guard scalars.count <= Tokenizer.maxScalars else {
            throw WFRiskError.input(InputProblem(file: source.file, message: "text of \(scalars.count) characters is longer than the \(Tokenizer.maxScalars) an inspection text may have; split it"))
        }
        // The whole text's tokens and lines are let go when this returns (issue 27: memory).
        let facts = try wholeTextFacts(scalars, source: source)
        let sentences = facts.sentences, links = facts.links, owner = facts.owner
        let primary = links.filter { $0.role == .primary }

        var signals: [WorkforceSignal] = []
        var numbers: [StatedFigure] = []
        var numberSentence: [Int] = []
        var previousMeasures: [String] = []
        for (si, s) in sentences.enumerated() where !links.isEmpty && facts.mayHold[si] {
            // The sentence's tokens read again on their own, with the whole text's numbers: the
            // same tokens as the whole text's (`sentenceTokensAreTheTextsTokens`).
            let tokens = sentenceTokens(scalars, s)
            let found = signalsIn(s.tokens, tokens: tokens, scalars: scalars, grades: facts.gradeTokens)
            let figures = figuresIn(s.tokens, tokens: tokens, previousMeasures: previousMeasures)
            guard !found.isEmpty || !figures.isEmpty else { continue }
            let evidence = Self.text(scalars, s.start, s.end)
            for (theme, polarity) in found {
                signals.append(WorkforceSignal(theme: theme, polarity: polarity, evidence: evidence, start: s.start, end: s.end, laCode: owner[si]))
            }
            for f in figures {
                numbers.append(StatedFigure(measure: f.measure, value: f.value, unit: f.unit, evidence: evidence,
                                            laCode: f.england ? "E92000001" : owner[si]))
                numberSentence.append(si)
            }
            if !figures.isEmpty { previousMeasures = figures.map(\.measure) }
        }
        signals += figureSignals(numbers: numbers, sentenceOf: numberSentence, sentences: sentences, existing: signals)
        // Theme order by position in `allCases` (a scan of nine cases, no hashing).
        let order = Theme.allCases
        signals.sort { ($0.start, order.firstIndex(of: $0.theme)!) < ($1.start, order.firstIndex(of: $1.theme)!) }
        return InspectionDocument(file: source.file, authorities: links,
                                  visitType: InspectionDocument.agreed(primary.map(\.visitType)).flatMap { v in primary.allSatisfy { $0.visitType != nil } ? v : nil },
                                  date: facts.date,
                                  judgement: primary.allSatisfy({ $0.judgement != nil }) ? InspectionDocument.agreed(primary.map(\.judgement)) : nil,
                                  signals: signals, numbers: numbers)
    }

    /// A sentence's tokens, tokenized from its own scalars and numbered as in the whole text,
    /// with their cue masks.
    func sentenceTokens(_ scalars: ScalarText, _ s: Sentence) -> TokenList {
        var tokens = Tokenizer.tokens(scalars, from: s.start, to: s.end, firstIndex: s.tokens.lowerBound, count: s.tokens.count)
        lexicon.cueIndex.mark(&tokens)
        return tokens
    }

    /// Whether `signalsIn` or `figuresIn` can find anything in a sentence: a theme or split-theme
    /// cue (the signal step's first test) or a word starting with a digit (every figure's). The
    /// others are not read again (`sentenceTokens`).
    func mayHoldSignalOrFigure(_ range: Range<Int>, tokens: TokenList) -> Bool {
        let mask = CueIndex.union(tokens, range)
        if lexicon.splitDescribe.contains(tokens, in: range, mask: mask) || lexicon.anyTheme.contains(tokens, in: range, mask: mask) { return true }
        return range.contains { Self.startsWithDigit(tokens[$0].word) }
    }

    /// The steps that need the whole text: layout, sentences, date, authorities, owners, visit
    /// facts and the grade words.
    func wholeTextFacts(_ scalars: ScalarText, source: InspectionSource) throws -> TextFacts {
        var tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
        lexicon.cueIndex.mark(&tokens)
        let lines = layout(scalars)
        let sentences = split(scalars, lines: lines, tokens: tokens)
        // The readable lines' and headings' tokens, in one pass and reserved exactly, without
        // every line's (issue 27: memory).
        let headings = lines.count(where: { $0.kind == .heading }), readable = headings + lines.count(where: { $0.kind == .body })
        var readableIsHeading: [Bool] = [], readableTokens: [Range<Int>] = [], headingTokens: [Range<Int>] = []
        readableIsHeading.reserveCapacity(readable)
        readableTokens.reserveCapacity(readable)
        headingTokens.reserveCapacity(headings)
        Self.forEachLineTokens(lines, tokens: tokens) { i, range in
            let kind = lines[i].kind
            guard kind == .body || kind == .heading else { return }
            readableIsHeading.append(kind == .heading)
            readableTokens.append(range)
            if kind == .heading { headingTokens.append(range) }
        }
        let t = ReadText(scalars: scalars, tokens: tokens, lines: lines, sentences: sentences,
                         readableIsHeading: readableIsHeading, readableTokens: readableTokens, headingTokens: headingTokens)

        // Date (needed to pick between same-named authorities).
        let date = source.metadata.date ?? InspectionDates.find(tokens: tokens, lines: t.readableTokens)
        let year = date.flatMap { Int($0.prefix(4)) }

        // Authorities; texts that are not about LA children's services get none.
        let statements = judgementStatements(tokens: tokens, sentences: sentences, scalars: scalars)
        let mentions = findMentions(t, year: year)
        var links = try linkAuthorities(t, source: source, mentions: mentions, statements: statements)
        let childrenCue = sentences.contains { lexicon.childrenServicesCues.contains(tokens, in: $0.tokens) }
        if source.metadata.laCodes.isEmpty && !sentences.isEmpty && (!childrenCue || isLookAlike(t)) {
            links = []
        }
        let primaryCodes = links.filter { $0.role == .primary }.map(\.oldCode)
        let owner = sentenceOwners(t, mentions: mentions, primaryCodes: primaryCodes)

        // Visit facts, per primary authority.
        links = visitFacts(t, links: links, mentions: mentions, owner: owner, statements: statements, source: source, date: date)

        // Grades are not polarity cues ("downgraded from good", "requires improvement").
        var gradeTokens = Set(statements.flatMap { $0.word..<$0.end })
        for s in sentences {
            for (i, n) in lexicon.judgementWords.first(where: { $0.0 == .requiresImprovement })?.1.matches(tokens, in: s.tokens) ?? [] { gradeTokens.formUnion(i..<(i + n)) }
        }
        let mayHold = links.isEmpty ? [] : sentences.map { mayHoldSignalOrFigure($0.tokens, tokens: tokens) }
        return TextFacts(sentences: sentences, links: links, owner: owner, date: date, gradeTokens: gradeTokens, mayHold: mayHold)
    }

    /// Each primary authority's visit type, judgement in force and date.
    func visitFacts(_ t: ReadText, links: [AuthorityLink], mentions: [Mention], owner: SentenceOwners, statements: [JudgementStatement],
                    source: InspectionSource, date: String?) -> [AuthorityLink] {
        var links = links
        let primaryCodes = links.filter { $0.role == .primary }.map(\.oldCode)
        guard !primaryCodes.isEmpty else { return links }
        let headingRanges = t.headingTokens
        // The article's latest year (a visit written with an earlier one is background).
        var latestYear = date.flatMap { Int($0.prefix(4)) }
        for range in t.readableTokens {
            // Years are four digits: four scalars, checked before the word is read.
            for k in range where t.tokens[k].end - t.tokens[k].start == 4 {
                if let y = Self.year(t.tokens[k].word), y > (latestYear ?? 0) { latestYear = y }
            }
        }
        // The sentences' tokens, then the headings', read in place (issue 27: memory).
        let sentencesAndHeadings = [AnySequence(t.sentences.lazy.map(\.tokens)), AnySequence(headingRanges)].joined()
        let named = Self.mostNamed(namedVisitTypes(tokens: t.tokens, ranges: sentencesAndHeadings, latestYear: latestYear))
        // Needed only to infer a type none is named.
        let speaksOfInspection = named == nil && sentencesAndHeadings.contains { lexicon.inspectionCues.contains(t.tokens, in: $0) }
        let mentionsVisit = named == nil && t.tokens.contains { $0.word == "visit" || $0.word == "visits" || $0.word == "visited" }
        let year = named != nil ? nil : date.flatMap { Int($0.prefix(4)) } ?? inspectionYear(tokens: t.tokens, sentences: t.sentences)

        // Whose judgement each statement is: the authority named nearest before it in its
        // sentence (every member of a list), else the sentence's owner (nil in a round-up
        // before any authority is named).
        var byAuthority: [String: [JudgementStatement]] = [:]
        let index = MentionIndex(mentions)
        for var s in statements {
            var codes: [String] = []
            if let m = index.nearest(before: s.word, inSentence: s.sentence) {
                codes = index.group(m).flatMap(\.codes)
                s.named = true
            } else if let o = owner[s.sentence] {
                codes = [o]
            }
            for c in codes { byAuthority[c, default: []].append(s) }
        }
        for k in links.indices where links[k].role == .primary {
            let code = links[k].oldCode
            let own = byAuthority[code] ?? []
            let inForce = own.max { $0.rank < $1.rank }
            var judgement = source.metadata.judgement ?? inForce?.judgement
            var type = source.metadata.visitType
            if type == nil, primaryCodes.count > 1 {
                let owned = t.sentences.indices.filter { owner[$0] == code }.map { t.sentences[$0].tokens }
                type = Self.mostNamed(namedVisitTypes(tokens: t.tokens, ranges: owned, latestYear: latestYear))
            }
            type = type ?? named ?? inferredVisitType(speaksOfInspection: speaksOfInspection, inForce: inForce,
                                                       hasCurrent: own.contains { !$0.earlier && $0.year == nil }, mentionsVisit: mentionsVisit, year: year)
            if judgement == nil && type == .monitoringVisit && primaryCodes.count == 1 {
                judgement = .inadequate // monitoring visits follow an inadequate judgement
            }
            links[k].visitType = type
            links[k].judgement = judgement
            links[k].date = date
        }
        return links
    }
}
