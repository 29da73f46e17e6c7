import Foundation

/// Step 2 of docs/inspections.md, finding the article: lines are page furniture, headings or
/// body; body lines are split into sentences, and sentences into clauses.
extension InspectionExtractor {
    /// A line's scalar offsets, held in 32 bits (issue 27: memory; offsets fit, the extractor
    /// refuses a longer text), read as `Int`.
    struct Line {
        private let first: UInt32
        private let past: UInt32
        let kind: Kind
        enum Kind: UInt8 { case body, heading, furniture, boilerplate }

        init(start: Int, end: Int, kind: Kind) {
            first = UInt32(start)
            past = UInt32(end)
            self.kind = kind
        }
        var start: Int { Int(first) }
        var end: Int { Int(past) }
    }

    /// A body sentence: its scalar offsets, its tokens and its line, in 32 bits each (20 bytes
    /// instead of 40; issue 27: memory), read as `Int`.
    struct Sentence {
        private let first: UInt32
        private let past: UInt32
        private let firstToken: UInt32
        private let pastToken: UInt32
        private let lineNumber: UInt32

        init(start: Int, end: Int, tokens: Range<Int>, line: Int) {
            first = UInt32(start)
            past = UInt32(end)
            firstToken = UInt32(tokens.lowerBound)
            pastToken = UInt32(tokens.upperBound)
            lineNumber = UInt32(line)
        }
        var start: Int { Int(first) }
        var end: Int { Int(past) }
        var tokens: Range<Int> { Int(firstToken)..<Int(pastToken) }
        var line: Int { Int(lineNumber) }
    }

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

    /// Each line's tokens, in one forward pass (lines and tokens are both in text order): the
    /// ranges `ReadText.tokenRange(line.start, line.end)` finds by binary search.
    static func tokenRanges(of lines: [Line], tokens: TokenList) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(lines.count)
        forEachLineTokens(lines, tokens: tokens) { _, range in out.append(range) }
        return out
    }

    /// Calls `body` with each line's index and its tokens (`tokenRanges`), without holding the
    /// ranges of all lines (issue 27: memory).
    static func forEachLineTokens(_ lines: [Line], tokens: TokenList, _ body: (Int, Range<Int>) -> Void) {
        var k = 0
        for (i, line) in lines.enumerated() {
            while k < tokens.count && tokens[k].start < line.start { k += 1 }
            var e = k
            while e < tokens.count && tokens[e].start < line.end { e += 1 }
            body(i, k..<e)
            k = e
        }
    }

    func layout(_ scalars: ScalarText) -> [Line] {
        var lines: [Line] = []
        var start = 0
        var bodySentencesSeen = 0
        var ended = false
        // ASCII-lowered bytes of a line (markers are matched on them), one buffer for all lines.
        var lower = [UInt8]()
        for i in 0...scalars.count where i == scalars.count || scalars[i] == "\n" {
            defer { start = i + 1 }
            guard i > start else { continue }
            var s = start, e = i
            while s < e, Self.isSpace(scalars[s]) { s += 1 }
            while e > s, Self.isSpace(scalars[e - 1]) { e -= 1 }
            guard e > s else { continue }
            lower.removeAll(keepingCapacity: true)
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
                kind = Self.endsLikeASentence(scalars, s, e) || words >= 14 ? .body : .heading
                if kind == .body { bodySentencesSeen += 1 }
            }
            lines.append(Line(start: s, end: e, kind: kind))
        }
        return Self.exactly(lines)
    }

    /// The array in storage of its own size: a list built by appending can hold up to twice
    /// its elements, kept for the whole text's steps (issue 27: memory).
    static func exactly<T>(_ array: [T]) -> [T] {
        guard array.capacity > array.count + array.count / 16 else { return array }
        var out: [T] = []
        out.reserveCapacity(array.count)
        out.append(contentsOf: array)
        return out
    }

    /// `properties.isWhitespace`, without the property lookup for ASCII.
    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.value < 128 ? c.value == 32 || (c.value >= 9 && c.value <= 13) : c.properties.isWhitespace
    }

    /// Sentence punctuation that ends a line: . ! ? : ;
    @inline(__always) static func isLineTerminator(_ c: Unicode.Scalar) -> Bool {
        switch c { case ".", "!", "?", ":", ";": true; default: false }
    }
    /// Closing quotes and brackets after sentence punctuation: " ” ’ ' )
    @inline(__always) static func isClosingQuote(_ c: Unicode.Scalar) -> Bool {
        switch c { case "\"", "\u{201D}", "\u{2019}", "'", ")": true; default: false }
    }
    /// `properties.isUppercase`, without the property lookup for ASCII.
    @inline(__always) static func isUppercase(_ c: Unicode.Scalar) -> Bool {
        c.value < 128 ? c.value >= 65 && c.value <= 90 : c.properties.isUppercase
    }

    /// Sentence punctuation at the end of a line, possibly inside closing quotes: a short line
    /// that is only quoted ("‘Increasingly stable workforce’") is a news subheading, not a sentence.
    static func endsLikeASentence(_ scalars: ScalarText, _ s: Int, _ e: Int) -> Bool {
        var k = e - 1
        while k > s, isClosingQuote(scalars[k]) { k -= 1 }
        return isLineTerminator(scalars[k])
    }

    /// Bullets a body line may start with: • - * –
    @inline(__always) static func isBullet(_ c: Unicode.Scalar) -> Bool {
        switch c { case "\u{2022}", "-", "*", "\u{2013}": true; default: false }
    }

    static let abbreviations: Set<String> = ["st", "mr", "mrs", "ms", "dr", "no", "cllr", "prof", "e.g", "i.e", "etc", "vs", "inc", "ltd"]
    static let longestAbbreviation = abbreviations.map(\.unicodeScalars.count).max() ?? 0
    /// `abbreviations` as `packedLowerASCII` packs a word (all are ASCII, at most eight bytes).
    static let packedAbbreviations: [UInt64] = abbreviations.map { a in a.utf8.reduce(0) { $0 << 8 | UInt64($1) } }

    /// The lower-cased ASCII bytes of `scalars[s..<e]` in a UInt64 (first byte highest), or nil
    /// when a scalar is not ASCII or there are more than eight (then the String path decides).
    /// For ASCII, `lowercased()` is the byte mapping and each scalar is one character.
    static func packedLowerASCII(_ scalars: ScalarText, _ s: Int, _ e: Int) -> UInt64? {
        guard e - s <= 8 else { return nil }
        var packed: UInt64 = 0
        for k in s..<e {
            let v = scalars[k].value
            guard v < 128 else { return nil }
            packed = packed << 8 | UInt64(v >= 65 && v <= 90 ? v + 32 : v)
        }
        return packed
    }

    func split(_ scalars: ScalarText, lines: [Line], tokens: TokenList) -> [Sentence] {
        var out: [Sentence] = []
        for (li, line) in lines.enumerated() where line.kind == .body {
            var s = line.start
            // Skip a leading bullet.
            while s < line.end, Self.isBullet(scalars[s]) || Self.isSpace(scalars[s]) { s += 1 }
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
                    while e < line.end, Self.isClosingQuote(scalars[e]) { e += 1 }
                    var n = e
                    while n < line.end, scalars[n] == " " { n += 1 }
                    let atEnd = n >= line.end
                    let nextStarts = !atEnd && n > e && (Tokenizer.isDigit(scalars[n]) || Self.isUppercase(scalars[n]) || Self.isClosingQuote(scalars[n]) || scalars[n] == "\u{201C}")
                    var abbreviation = false
                    if c == "." {
                        var w = i
                        while w > line.start, Tokenizer.isWordScalar(scalars[w - 1]) || scalars[w - 1] == "." { w -= 1 }
                        if i - w > Self.longestAbbreviation && scalars[w..<i].allSatisfy({ $0.isASCII }) {
                            // Too long to be one (no String needed): ASCII scalars are one character each.
                            abbreviation = false
                        } else if let packed = Self.packedLowerASCII(scalars, w, i) {
                            // The same test on the word's lower-cased bytes, packed (no String).
                            abbreviation = Self.packedAbbreviations.contains(packed) || (i - w == 1 && !atEnd)
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
        return Self.exactly(out)
    }

    /// Clause boundaries inside a sentence's tokens: `;`, `:`, a spaced dash or a bracket before
    /// a token, a clause opener ("but", "however", "although", …), or a comma followed by one of
    /// `clause_after_comma` ("…, and", "…, which"). Returns each token's clause start.
    func clauseStarts(_ range: Range<Int>, tokens: TokenList, scalars: ScalarText) -> [Int] {
        var starts: [Int] = []
        starts.reserveCapacity(range.count)
        var current = range.lowerBound
        var concessive = range.isEmpty ? false : lexicon.concessive.match(tokens, at: range.lowerBound, end: range.upperBound) > 0
        for i in range {
            if i > range.lowerBound {
                var comma = false, hard = false
                for k in tokens[i - 1].end..<tokens[i].start {
                    let c = scalars[k]
                    if c == "," { comma = true }
                    if c == ";" || c == ":" || c == "(" || c == ")" || c == "\u{2013}" || c == "\u{2014}"
                        || (c == "-" && k > 0 && scalars[k - 1] == " ") { hard = true }
                }
                // A concessive clause ("Despite known challenges to recruitment, …") ends at its first comma.
                if hard || lexicon.clauseOpeners.match(tokens, at: i, end: range.upperBound) > 0
                    || (comma && (concessive || lexicon.clauseAfterComma.match(tokens, at: i, end: range.upperBound) > 0)) {
                    current = i
                    concessive = lexicon.concessive.match(tokens, at: i, end: range.upperBound) > 0
                }
            }
            starts.append(current)
        }
        return starts
    }
}
