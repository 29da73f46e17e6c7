import Foundation
import Testing
import WFRiskTestSupport
import WFRiskOfsted
@testable import WFRiskCore
@testable import WFRiskInspections

/// Text extraction's shortcuts taken for speed (cue masks and matchers, packed keys, byte sniffs;
/// docs/performance.md) must give exactly what the plain paths give.
@Suite struct TextFastPathTests {
    /// Random texts from the lexicon's own words (so cues match, whole and in part), their
    /// stems' endings and possessives, capitals, curly apostrophes and non-ASCII words.
    func lexiconTexts(_ rng: inout SeededRandom, count: Int) throws -> [String] {
        let yaml = try String(contentsOfFile: Fixtures.repoRoot + "/Sources/WFRiskInspections/Resources/inspection_lexicon.yml", encoding: .utf8)
        let scalars = ScalarText(yaml)
        var pool = Array(Set(Tokenizer.tokens(scalars, from: 0, to: scalars.count).map(\.word))).sorted()
        #expect(pool.count > 300)
        pool += ["café", "naïve", "Ofsted’s", "council’s", "recruitment’s", "Ωmega", "x", "s", "'s", "ab", "Staff", "AGENCY", "Agency's"]
        let endings = ["", "", "", "s", "'s", "ing", "ed", "é", "’s"]
        return (0..<count).map { _ in
            (0..<Int(3 + rng.next() % 25)).map { _ in
                var w = rng.pick(pool) + rng.pick(endings)
                if rng.next() % 5 == 0 { w = w.prefix(1).uppercased() + w.dropFirst() }
                return w
            }.joined(separator: rng.next() % 4 == 0 ? ", " : " ")
        }
    }

    /// The key-based cue matcher finds, for every cue set of the lexicon and at every position,
    /// what the plain dictionary path finds; one-pass counts equal each set's own matches.
    @Test func cueMatcherFindsWhatThePlainPathFinds() throws {
        let lexicon = try InspectionLexicon.bundled()
        #expect(lexicon.cueSets.count > 64)
        var rng = SeededRandom(seed: 43)
        var matched = 0
        for text in try lexiconTexts(&rng, count: 400) {
            let scalars = ScalarText(text)
            var tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            lexicon.cueIndex.mark(&tokens)
            for set in lexicon.cueSets {
                for i in tokens.indices {
                    for end in Set([tokens.count, min(tokens.count, i + 2)]) where end > i {
                        let plain = set.plainMatch(tokens, at: i, end: end)
                        #expect(set.match(tokens, at: i, end: end) == plain, "'\(text)' at \(i) to \(end)")
                        if plain > 0 { matched += 1 }
                    }
                }
            }
            let ranges = [0..<(tokens.count / 2), (tokens.count / 2)..<tokens.count]
            let counts = CueSet.countMatches(lexicon.cueSets, tokens, in: ranges)
            for (k, set) in lexicon.cueSets.enumerated() {
                #expect(counts[k] == ranges.map { set.matches(tokens, in: $0).count }.reduce(0, +), "'\(text)' set \(k)")
            }
        }
        // The texts exercise the matchers: many matches, on all kinds of cue.
        #expect(matched > 2000)
        // Every cue phrase of the lexicon, as written and with a possessive "'s" on each word in
        // turn (random texts rarely put a possessive inside a matching phrase).
        var phraseMatches = 0
        for phrase in try Self.lexiconPhrases() {
            let words = phrase.split(separator: " ").map(String.init)
            let variants = [words] + words.indices.map { k in words.enumerated().map { $0.offset == k ? $0.element + "'s" : $0.element } }
            for variant in variants {
                let scalars = ScalarText(variant.joined(separator: " "))
                var tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
                guard !tokens.isEmpty else { continue }
                lexicon.cueIndex.mark(&tokens)
                for set in lexicon.cueSets {
                    let plain = set.plainMatch(tokens, at: 0, end: tokens.count)
                    #expect(set.match(tokens, at: 0, end: tokens.count) == plain, "'\(variant.joined(separator: " "))'")
                    if plain > 1 { phraseMatches += 1 }
                }
            }
        }
        #expect(phraseMatches > 50, "\(phraseMatches) multi-word matches")
    }

    /// The byte-level HTML sniff and CR search agree with the string expressions they replace.
    @Test func htmlSniffIsThePlainExpression() {
        var rng = SeededRandom(seed: 47)
        let pieces = ["<html", "<HTML", "<HtMl", "<htm", "html", "<", "a", " ", "\n", "\r", "é", "x\u{301}", "l\u{301}", "日本", "<!doctype html>"]
        for trial in 0..<3000 {
            var text = (0..<Int(rng.next() % 12)).map { _ in rng.pick(pieces) }.joined()
            // Around the 512-character boundary too.
            if trial % 3 == 0 { text = String(repeating: "a", count: 500 + Int(rng.next() % 20)) + text }
            #expect(InspectionSourceReader.looksLikeHTML(text) == text.prefix(512).lowercased().contains("<html"), "\(text.unicodeScalars.map(\.value))")
            #expect(InspectionSourceReader.containsByte(text, 0x0D) == text.utf8.contains(0x0D))
        }
    }

    /// Line token ranges from one forward pass are the binary searches' ranges.
    @Test func lineTokenRangesAreTheSearchedRanges() throws {
        let extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
        var rng = SeededRandom(seed: 53)
        let pieces = ["Word", "two words.", "\n", "\n\n", "  ", " - ", "%", "&", "34.7", "Cookie policy", "é", "’s", "x", "\t", "Related stories"]
        for _ in 0..<1000 {
            let text = (0..<Int(rng.next() % 30)).map { _ in rng.pick(pieces) }.joined(separator: rng.next() % 2 == 0 ? " " : "")
            let scalars = ScalarText(text)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            let lines = extractor.layout(scalars)
            let searched = lines.map { l in
                tokens.partitionedIndex { $0.start >= l.start }..<tokens.partitionedIndex { $0.start >= l.end }
            }
            #expect(InspectionExtractor.tokenRanges(of: lines, tokens: tokens) == searched, "\(text.debugDescription)")
        }
    }

    /// Sentences split with the packed abbreviation test as with the String one.
    @Test func packedAbbreviationsAreTheAbbreviations() {
        let words = ["st", "St", "ST", "mr", "Mrs", "e.g", "I.E", "etc", "x", "Z", "no", "No", "year", "ltd", "é", "né", "Cllr", "abcdefghi", "stx"]
        for w in words {
            let scalars = ScalarText(w)
            if let packed = InspectionExtractor.packedLowerASCII(scalars, 0, scalars.count) {
                #expect(InspectionExtractor.packedAbbreviations.contains(packed) == InspectionExtractor.abbreviations.contains(w.lowercased()), "\(w)")
            } else {
                #expect(scalars.count > 8 || !w.unicodeScalars.allSatisfy(\.isASCII), "\(w)")
            }
        }
    }

    /// Marked tokens (cue masks) match every lexicon cue set exactly as unmarked ones do.
    @Test func cueMasksNeverHideAMatch() throws {
        let lexicon = try InspectionLexicon.bundled()
        var sets: [CueSet] = [lexicon.concern, lexicon.positive, lexicon.negations, lexicon.decrease, lexicon.levelLow,
                              lexicon.levelHigh, lexicon.concessive, lexicon.notCouncilAfter, lexicon.councilAfter,
                              lexicon.childrenServicesCues, lexicon.englandCues, lexicon.anyTheme, lexicon.anyVisitType, lexicon.anyJudgement]
        sets += lexicon.themes.map(\.1) + lexicon.visitTypes.map(\.1) + lexicon.judgementWords.map(\.1) + lexicon.otherSubjects.map(\.1) + lexicon.measures.map(\.1)
        #expect(sets.allSatisfy { $0.bit != 0 })
        // Words from the lexicon itself (so matches happen), possessives, stems, and other words.
        let words = ["social", "workers", "worker's", "agency", "staff", "caseloads", "high", "not", "recruitment", "recruiting",
                     "turnover", "inadequate", "good", "judged", "monitoring", "visit", "council's", "children's", "services",
                     "England", "average", "vacancies", "Café", "naïve", "the", "of", "and", "x", "permanent", "sickness", "low"]
        var rng = SeededRandom(seed: 31)
        for _ in 0..<300 {
            let text = (0..<Int(5 + rng.next() % 30)).map { _ in rng.pick(words) }.joined(separator: " ")
            let scalars = ScalarText(text)
            let plain = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            var marked = plain
            lexicon.cueIndex.mark(&marked)
            for set in sets {
                for i in plain.indices {
                    #expect(set.match(marked, at: i, end: plain.count) == set.match(plain, at: i, end: plain.count), "'\(text)' at \(i)")
                }
            }
        }
    }

    @Test func substringSetFindsWhatASearchPerNeedleFinds() {
        // Long needles (a 3-byte one too: it can start at the last position) and short ones.
        let needles = ["cookie", "sign up", "all rights reserved", "#respect4socialwork", "zaz", "ab", "x"].map { Array($0.utf8) }
        let set = SubstringSet(needles)
        var rng = SeededRandom(seed: 37)
        let pieces = ["cook", "ie", "sign", " up", "all", " rights", " reserved", "#respect4", "socialwork", "a", "b", "z", " "]
        for _ in 0..<3000 {
            let hay = Array((0..<Int(rng.next() % 12)).map { _ in rng.pick(pieces) }.joined().utf8)
            let plain = needles.contains { InspectionExtractor.contains(hay, $0) }
            #expect(set.anyOccurs(in: hay) == plain, "'\(String(decoding: hay, as: UTF8.self))'")
        }
        // Each needle alone, at the very end and at the start of a line (the scan's edges).
        for n in needles {
            for hay in [n, Array("a b".utf8) + n, n + Array(" b".utf8)] {
                #expect(set.anyOccurs(in: hay), "'\(String(decoding: hay, as: UTF8.self))'")
            }
        }
        #expect(!SubstringSet(needles.filter { $0.count >= 3 }).anyOccurs(in: Array("ab x".utf8)))
    }

    @Test func scalarsDecodedFromUTF8AreTheStringsScalars() {
        var rng = SeededRandom(seed: 41)
        let pieces = ["a", "Z", " ", "\n", "é", "’", "€", "日本", "😀", "\u{0301}", "ß", "\u{10FFFF}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}"]
        var forms: Set<Bool> = []
        for trial in 0..<2000 {
            var text = (0..<Int(rng.next() % 20)).map { _ in rng.pick(pieces) }.joined()
            // A quarter of the texts with about as many distinct non-ASCII scalars as the palette
            // holds, so both of `ScalarText`'s forms (and the limit between them) are read.
            if trial % 4 == 0 {
                let distinct = ScalarText.paletteSize - 20 + Int(rng.next() % 40)
                text += String(String.UnicodeScalarView((0..<distinct).map { Unicode.Scalar(0x4E00 + UInt32($0))! }))
            }
            let scalars = ScalarText(text)
            forms.insert(scalars.isWide)
            #expect(Array(scalars) == Array(text.unicodeScalars), "\(text.unicodeScalars.map { $0.value })")
        }
        #expect(forms == [false, true])
    }

    /// A token list keeps each distinct word once (issue 27): every token reads as the token its
    /// own span of the text gives when tokenized alone (word, length, keys), so a shared word
    /// never gives a token another's length ("66,357" and "66357" are one word, two lengths).
    @Test func sharedWordsGiveEachTokenItsOwnSpan() {
        var rng = SeededRandom(seed: 59)
        let pieces = ["Council", "council’s", "council's", "COUNCIL", "66,357", "66357", "34.7", "&", "and", "%", "café", "CAFÉ",
                      "İstanbul", "istanbul", "x", "staff", "Staff's", " ", ", ", ". ", "\n", "-"]
        var shared = 0
        for _ in 0..<500 {
            let text = (0..<Int(1 + rng.next() % 40)).map { _ in rng.pick(pieces) }.joined(separator: rng.next() % 3 == 0 ? "" : " ")
            let scalars = ScalarText(text)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            shared += tokens.count - tokens.words.count
            // The list is reserved at this bound: never fewer than the tokens.
            #expect(Tokenizer.tokenBound(scalars, from: 0, to: scalars.count) >= tokens.count, "\(text.debugDescription)")
            for t in tokens {
                let alone = ScalarText(String(String.UnicodeScalarView(scalars[t.start..<t.end])))
                let own = Tokenizer.tokens(alone, from: 0, to: alone.count)
                #expect(own.count == 1 && own.first.map { o in
                    o.word == t.word && o.end == t.end - t.start && o.key == t.key && o.baseKey == t.baseKey && o.prefixKey == t.prefixKey
                        && o.ascii == t.ascii && o.possessive == t.possessive
                } == true, "\(text.debugDescription) at \(t.start)")
            }
        }
        // Words were shared, so the test read shared entries.
        #expect(shared > 1000)
    }

    @Test func tokenKeysAreTheWordsKeys() {
        let scalars = ScalarText("Council’s agency-staff recruitment 34.7 per cent, Édith's café 66,357")
        for t in Tokenizer.tokens(scalars, from: 0, to: scalars.count) {
            #expect(t.key == WordKey.of(t.word.utf8), "\(t.word)")
            #expect(t.ascii == t.word.utf8.allSatisfy { $0 < 0x80 })
            #expect(t.possessive == t.word.hasSuffix("'s"), "\(t.word)")
            if t.word.hasSuffix("'s") {
                #expect(t.baseKey == WordKey.of(t.word.utf8.dropLast(2)), "\(t.word)")
            } else {
                #expect(t.baseKey == 0)
            }
            #expect(t.prefixKey == (t.word.utf8.count >= 3 ? WordKey.of(t.word.utf8.prefix(3)) : 0))
        }
    }

    /// Every cue of the lexicon matches its own words (the Bloom filters never say no to a match),
    /// and the union sets find a cue exactly where one of their groups does.
    @Test func filteredCueSetsMissNothing() throws {
        let lexicon = try InspectionLexicon.bundled()
        let groups = lexicon.themes.map(\.1) + lexicon.visitTypes.map(\.1) + lexicon.judgementWords.map(\.1) + lexicon.measures.map(\.1)
        let phrases = try Self.lexiconPhrases()
        #expect(phrases.count > 40, "the lexicon's cue lists were not found")
        var rng = SeededRandom(seed: 3)
        let filler = ["the", "staff", "Council", "were", "in", "post", "é", "rates", "high", "agency's"]
        for _ in 0..<300 {
            let words = (0..<8).map { _ in rng.next() % 3 == 0 ? rng.pick(phrases) : rng.pick(filler) }
            let scalars = ScalarText(words.joined(separator: " "))
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            let range = 0..<tokens.count
            for (union, members) in [(lexicon.anyTheme, lexicon.themes.map(\.1)), (lexicon.anyVisitType, lexicon.visitTypes.map(\.1)),
                                     (lexicon.anyJudgement, lexicon.judgementWords.map(\.1))] {
                #expect(union.contains(tokens, in: range) == members.contains { $0.contains(tokens, in: range) }, "\(words)")
            }
        }
        for phrase in phrases {
            let scalars = ScalarText(phrase)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            guard !tokens.isEmpty else { continue }
            #expect(groups.contains { $0.match(tokens, at: 0, end: tokens.count) > 0 }, "\(phrase)")
        }
    }

    /// The cue phrases of the bundled lexicon's themes, visit types, judgements and measures, with
    /// a prefix cue's `*` replaced by a word it must match.
    static func lexiconPhrases() throws -> [String] {
        let text = try String(contentsOfFile: try InspectionLexicon.bundledPath(), encoding: .utf8)
        var out: [String] = []
        var section = ""
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" ") { section = String(line.prefix { $0 != ":" }) }
            guard ["themes", "visit_types", "judgements", "measures"].contains(section),
                  line.hasPrefix("  "), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { continue }
            for item in line[line.index(after: open)..<close].split(separator: ",") {
                let p = item.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if !p.isEmpty && !p.contains("x ") { out.append(p.hasSuffix("*") ? String(p.dropLast()) + "ing" : p) }
            }
        }
        return out
    }

    /// The signal and figure steps read each sentence's tokens again from its own scalars, once
    /// the whole text's are let go (issue 27: memory). They must be the whole text's tokens of
    /// that sentence: same indices, words, spans, keys and cue masks. Checked on the sample,
    /// evaluation and (when present) real texts, and on random texts built around the places a
    /// sentence ends (quotes, decimals, thousands, apostrophes, bullets, "%" and "&").
    @Test func sentenceTokensAreTheTextsTokens() throws {
        let extractor = InspectionExtractor(lexicon: try InspectionLexicon.bundled(), registry: try Fixtures.registry())
        var texts: [String] = []
        var folders = [Fixtures.repoRoot + "/sample-data/inspections", Fixtures.repoRoot + "/eval/inspections/texts"]
        if FileManager.default.fileExists(atPath: Fixtures.sharedData + "/inspections") {
            folders += [Fixtures.sharedData + "/inspections"]
        }
        for path in try InspectionIngest.expand(folders) where !path.hasSuffix(".pdf") {
            if case .success(let source) = try InspectionSourceReader.read(path: path) { texts.append(source.text) }
        }
        #expect(texts.count > 15, "the sample and evaluation texts were not found")
        var rng = SeededRandom(seed: 27)
        let pieces = ["The", "council's", "staff", "said.", "said.’", "“Yes”", "3.5", "per cent", "66,357", "2019.", "St.", "Mr.", "e.g.",
                      "%", "&", "café", "Ofsted’s", "agency", "turnover", "(high)", "—", "- ", "• ", "?", "!", "\n", "\n\n", ";", ":"]
        for _ in 0..<300 {
            texts.append((0..<Int(5 + rng.next() % 60)).map { _ in rng.pick(pieces) }.joined(separator: rng.next() % 4 == 0 ? "" : " "))
        }
        var sentences = 0, passedOver = 0
        for text in texts {
            let scalars = ScalarText(text)
            var whole = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            extractor.lexicon.cueIndex.mark(&whole)
            for s in extractor.split(scalars, lines: extractor.layout(scalars), tokens: whole) {
                sentences += 1
                // A sentence the loop passes over holds no signal and no figure.
                if !extractor.mayHoldSignalOrFigure(s.tokens, tokens: whole) {
                    passedOver += 1
                    #expect(extractor.signalsIn(s.tokens, tokens: whole, scalars: scalars).isEmpty
                            && extractor.figuresIn(s.tokens, tokens: whole, previousMeasures: []).isEmpty, "\(text.debugDescription): sentence at \(s.start)")
                }
                let own = extractor.sentenceTokens(scalars, s)
                #expect(own.indices == s.tokens, "\(text.debugDescription): sentence at \(s.start)")
                guard own.indices == s.tokens else { continue }
                for i in s.tokens {
                    let a = own[i], b = whole[i]
                    #expect(a.word == b.word && a.start == b.start && a.end == b.end && a.key == b.key && a.baseKey == b.baseKey
                             && a.prefixKey == b.prefixKey && a.ascii == b.ascii && a.possessive == b.possessive && a.cueMask == b.cueMask,
                             "\(text.debugDescription): token \(i)")
                }
            }
        }
        #expect(sentences > 800 && passedOver > 100 && passedOver < sentences, "\(passedOver) of \(sentences) passed over")
    }

    /// A token's start is held as a 16-bit distance from every 64th token's (issue 27: memory),
    /// or in full once 64 tokens span more than 65,535 scalars. Either way each token starts
    /// where the text puts it: words between gaps of known lengths, some over the limit.
    @Test func tokenStartsSurviveLongGaps() {
        var rng = SeededRandom(seed: 65)
        var wide = 0
        for round in 0..<12 {
            var text = "", expected: [(String, Int)] = []
            var offset = 0
            for k in 0..<Int(100 + rng.next() % 300) {
                // Mostly short gaps; in most rounds, from some word on, a few very long ones.
                let long = round % 4 != 0 && k > 70 && rng.next() % 40 == 0
                let gap = long ? 65_000 + Int(rng.next() % 2_000) : 1 + Int(rng.next() % 30)
                text += String(repeating: " ", count: gap)
                offset += gap
                let word = "w\(k)"
                expected.append((word, offset))
                text += word
                offset += word.count
            }
            let scalars = ScalarText(text)
            let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
            #expect(tokens.map(\.word) == expected.map(\.0), "round \(round)")
            let wrong = zip(tokens, expected).filter { t, e in t.start != e.1 || t.end != e.1 + e.0.count }.map(\.1.0)
            #expect(wrong.isEmpty, "round \(round): \(wrong.count) tokens with the wrong span, first \(wrong.prefix(3))")
            if tokens.isWide { wide += 1 }
        }
        // Both forms were read, and the wide one after compact starts (no long gap before word 71).
        #expect(wide > 0 && wide < 12)
    }

    /// A token's word number is held in 16 bits until a text has more than 65,536 distinct words,
    /// then in 32 (issue 27: memory): tokens before and after that point, and words seen again
    /// after it, read back as their own words and spans.
    @Test func wordsPastSixtyFiveThousandReadBack() {
        let words = (0..<70_000).map { "w\($0)" }
        let all = words + words.prefix(100) + words.suffix(100)
        let scalars = ScalarText(all.joined(separator: " "))
        let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
        #expect(tokens.words.count == 70_000)
        #expect(!tokens.highWords.isEmpty)
        #expect(tokens.map(\.word) == all)
        let wrong = Self.wrongSpans(tokens, of: all)
        #expect(wrong.isEmpty, "spans wrong for \(wrong.prefix(5))")
    }

    /// Only tokens whose word number is past 65,535 keep a high half, in a sparse list read
    /// through a mask per group of 64 tokens (issue 27: memory on a text of many distinct words).
    /// Tokens of low and high words mixed at random (high halves 1 and 2, past 131,071), a whole
    /// group of high ones, and high ones at a group's first and last place read back as their
    /// own words and spans, and the list holds exactly one high half per token of a high word.
    @Test func highWordNumbersAreSparseAndReadBack() {
        var rng = SeededRandom(seed: 27)
        var all = (0..<130_000).map { "a\($0)" }
        // Pad to a group boundary, then: a high word at a group's first place, low ones, one at
        // its last place, a group all of high words, and then a random mix of old and new words.
        while all.count % TokenList.stride != 0 { all.append("a1") }
        all.append("b0")
        all += Array(repeating: "a7", count: TokenList.stride - 2)
        all.append("b1")
        all += (2..<(2 + TokenList.stride)).map { "b\($0)" }
        var next = 2 + TokenList.stride
        for _ in 0..<20_000 {
            switch rng.next() % 4 {
            case 0: all.append("b\(next)"); next += 1
            case 1: all.append("b\(rng.next() % UInt64(next))")
            default: all.append("a\(rng.next() % 130_000)")
            }
        }
        let scalars = ScalarText(all.joined(separator: " "))
        let tokens = Tokenizer.tokens(scalars, from: 0, to: scalars.count)
        var numbers: [String: Int] = [:], high = 0
        for w in all {
            let n = numbers[w] ?? numbers.count
            numbers[w] = n
            if n > Int(UInt16.max) { high += 1 }
        }
        #expect(tokens.words.count == numbers.count)
        #expect(tokens.highWords.count == high)
        #expect(high > TokenList.stride && high < all.count - 66_000)
        #expect(Set(tokens.highWords) == [1, 2])
        #expect(tokens.map(\.word) == all)
        let wrong = Self.wrongSpans(tokens, of: all)
        #expect(wrong.isEmpty, "spans wrong for \(wrong.prefix(5))")
        #expect(tokens.indices.allSatisfy { tokens.word(at: $0).length == tokens[$0].word.count })
    }

    /// Sentence owners held as places among the primary codes (issue 27: memory) read back as
    /// the codes set, none where none was set, and every sentence's when one owns them all.
    @Test func sentenceOwnersReadBackAsTheirCodes() {
        var rng = SeededRandom(seed: 31)
        let codes = (0..<300).map { "\(800 + $0)" }
        var owners = SentenceOwners(codes: codes, count: 2_000, every: nil)
        var plain: [String?] = Array(repeating: nil, count: 2_000)
        for i in 0..<2_000 where rng.next() % 3 != 0 {
            let place = Int(rng.next() % UInt64(codes.count))
            owners[place: i] = place
            plain[i] = codes[place]
        }
        owners[place: 7] = nil
        plain[7] = nil
        #expect(Array(owners) == plain)
        #expect((0..<2_000).allSatisfy { owners[place: $0] == plain[$0].flatMap { codes.firstIndex(of: $0) } })
        #expect(Array(SentenceOwners(codes: ["E1"], count: 5, every: 0)) == Array(repeating: "E1", count: 5))
        #expect(Array(SentenceOwners(codes: [], count: 3, every: nil)) == [nil, nil, nil])
    }

    /// The words of `all` (joined by single spaces) whose token does not span exactly their characters.
    static func wrongSpans(_ tokens: TokenList, of all: [String]) -> [String] {
        var start = 0, wrong: [String] = []
        for (t, w) in zip(tokens, all) {
            if t.start != start || t.end != start + w.count { wrong.append(w) }
            start += w.count + 1
        }
        return wrong
    }
}
