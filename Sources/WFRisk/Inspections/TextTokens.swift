/// A word of a text, lower-cased, with its Unicode-scalar offsets in the text.
struct Token: Sendable {
    let word: String
    let start: Int
    let end: Int
}

/// Splits text into words: letters, digits and inner apostrophes (’ read as ');
/// a decimal number stays one token ("34.7"); "%" is a token of its own.
enum Tokenizer {
    static func tokens(_ scalars: [Unicode.Scalar], from: Int, to: Int) -> [Token] {
        var out: [Token] = []
        var i = from
        while i < to {
            let c = scalars[i]
            if isWordScalar(c) {
                let start = i
                var word = String.UnicodeScalarView()
                while i < to {
                    let s = scalars[i]
                    if isWordScalar(s) {
                        word.append(lower(s))
                    } else if (s == "'" || s == "\u{2019}") && i + 1 < to && isLetter(scalars[i + 1]) && !word.isEmpty {
                        word.append("'")
                    } else if s == "." && i + 1 < to && isDigit(scalars[i + 1]) && !word.isEmpty && isDigit(word.last!) {
                        word.append(".")
                    } else if s == "," && i + 3 < to && isDigit(scalars[i + 1]) && isDigit(scalars[i + 2]) && isDigit(scalars[i + 3])
                                && !word.isEmpty && isDigit(word.last!) && (i + 4 >= to || !isDigit(scalars[i + 4])) {
                        // thousands separator: 66,357
                    } else {
                        break
                    }
                    i += 1
                }
                out.append(Token(word: String(word), start: start, end: i))
            } else {
                if c == "%" { out.append(Token(word: "%", start: i, end: i + 1)) }
                if c == "&" { out.append(Token(word: "and", start: i, end: i + 1)) }
                i += 1
            }
        }
        return out
    }

    /// Tokens of a cue phrase from the lexicon; a trailing `*` is kept on the last word.
    static func phrase(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words = tokens(scalars, from: 0, to: scalars.count).map(\.word)
        if text.hasSuffix("*"), !words.isEmpty { words[words.count - 1] += "*" }
        return words
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
        return s.properties.isAlphabetic
    }
    static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s >= "A" && s <= "Z" { return Unicode.Scalar(s.value + 32)! }
        if s.value < 128 { return s }
        return s.properties.lowercaseMapping.unicodeScalars.first ?? s
    }
}

/// A set of cue phrases matched against token sequences ("agency staff", "recruit*").
struct CueSet: Sendable {
    private var byFirst: [String: [[String]]] = [:]
    /// One-word prefix cues (`recruit*`), keyed by their first three characters so a word is
    /// checked against only the few that could match.
    private var prefixes: [Substring: [String]] = [:]
    private var shortPrefixes: [String] = []

    init(_ phrases: [String]) {
        for p in phrases {
            let words = Tokenizer.phrase(p)
            guard let first = words.first else { continue }
            if first.hasSuffix("*") && words.count == 1 {
                let stem = String(first.dropLast())
                if stem.count >= 3 { prefixes[stem.prefix(3), default: []].append(stem) } else { shortPrefixes.append(stem) }
            } else {
                byFirst[first, default: []].append(words)
            }
        }
        for k in byFirst.keys { byFirst[k]!.sort { $0.count > $1.count } }
    }

    private func prefixMatch(_ word: String) -> Bool {
        for stem in shortPrefixes where word.hasPrefix(stem) { return true }
        guard word.utf8.count >= 3, let candidates = prefixes[word.prefix(3)] else { return false }
        return candidates.contains { word.hasPrefix($0) }
    }

    /// Length (in tokens) of the longest cue starting at `i`, or 0.
    func match(_ tokens: [Token], at i: Int, end: Int) -> Int {
        var best = 0
        let first = tokens[i].word
        if let candidates = byFirst[first] ?? (first.hasSuffix("'s") ? byFirst[String(first.dropLast(2))] : nil) {
            for words in candidates where words.count > best && i + words.count <= end {
                var ok = true
                for (k, w) in words.enumerated().dropFirst() where !CueSet.wordMatches(tokens[i + k].word, w) { ok = false; break }
                if ok { best = words.count; break }
            }
        }
        if best == 0 && prefixMatch(first) { return 1 }
        return best
    }

    /// All matches in `range`: (token index, length).
    func matches(_ tokens: [Token], in range: Range<Int>) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let n = match(tokens, at: i, end: range.upperBound)
            if n > 0 { out.append((i, n)); i += n } else { i += 1 }
        }
        return out
    }

    func contains(_ tokens: [Token], in range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            if match(tokens, at: i, end: range.upperBound) > 0 { return true }
            i += 1
        }
        return false
    }

    /// Exact, prefix (`recruit*`), or the possessive of the word ("council's" for "council").
    static func wordMatches(_ word: String, _ pattern: String) -> Bool {
        pattern.hasSuffix("*") ? word.hasPrefix(pattern.dropLast()) : (word == pattern || word == pattern + "'s")
    }
}
