/// A word of a text, lower-cased, with its Unicode-scalar offsets in the text.
struct Token: Sendable {
    let word: String
    let start: Int
    let end: Int
    /// Hashes for `WordFilter` checks (see `WordKey`): the word, the word without a possessive
    /// "'s" (0 if none), and its first three characters (0 if shorter). Valid when `ascii`.
    let key: UInt64
    let baseKey: UInt64
    let prefixKey: UInt64
    let ascii: Bool

    init(word: String, start: Int, end: Int) {
        var keys = TokenKeys()
        for b in word.utf8 { keys.add(b) }
        self.init(word: word, start: start, end: end, keys: keys)
    }

    init(word: String, start: Int, end: Int, keys: TokenKeys) {
        self.word = word
        self.start = start
        self.end = end
        ascii = keys.ascii
        key = keys.hash
        prefixKey = keys.prefix
        baseKey = keys.count > 2 && keys.last2 == 0x2773 ? keys.beforeLast2 : 0
    }
}

/// A token's `WordKey`s, built a byte at a time as the tokenizer writes the word.
struct TokenKeys {
    var ascii = true
    var hash = WordKey.seed
    var count = 0
    var prefix: UInt64 = 0
    var beforeLast2 = WordKey.seed
    var previous = WordKey.seed
    /// The last two bytes, the older one high (0x2773 is "'s").
    var last2: UInt16 = 0

    @inline(__always) mutating func add(_ b: UInt8) {
        if b >= 0x80 { ascii = false }
        beforeLast2 = previous
        previous = hash
        hash = WordKey.step(hash, b)
        count += 1
        if count == 3 { prefix = hash }
        last2 = last2 << 8 | UInt16(b)
    }
}

/// FNV-1a over a word's UTF-8 bytes: a cheap key for `WordFilter`.
enum WordKey {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func step(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    static func of<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 { bytes.reduce(seed, step) }
}

/// A one-hash Bloom filter of 4,096 bits over `WordKey`s: "no" is certain, "maybe" is checked
/// properly. Most words of a text start no cue, so this keeps them off the dictionary path.
struct WordFilter: Sendable {
    private var bits = [UInt64](repeating: 0, count: 64)
    @inline(__always) private static func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key ^ (key >> 29)) & 4095) }
    mutating func insert(_ key: UInt64) {
        let s = Self.slot(key)
        bits[s >> 6] |= 1 << UInt64(s & 63)
    }
    @inline(__always) func mayContain(_ key: UInt64) -> Bool {
        let s = Self.slot(key)
        return bits[s >> 6] & (1 << UInt64(s & 63)) != 0
    }
}

/// Splits text into words: letters, digits and inner apostrophes (’ read as ');
/// a decimal number stays one token ("34.7"); "%" is a token of its own.
enum Tokenizer {
    static func tokens(_ scalars: [Unicode.Scalar], from: Int, to: Int) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity((to - from) / 5)
        // The word being read, as lower-case UTF-8 in a reused buffer.
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var i = from
        while i < to {
            let c = scalars[i]
            if isWordScalar(c) {
                let start = i
                word.removeAll(keepingCapacity: true)
                var keys = TokenKeys()
                var lastIsDigit = false
                while i < to {
                    let s = scalars[i]
                    let v = s.value
                    if v < 128 && ((v >= 97 && v <= 122) || (v >= 48 && v <= 57)) {
                        // ASCII lower-case letter or digit: the common case.
                        word.append(UInt8(v))
                        keys.add(UInt8(v))
                        lastIsDigit = v <= 57
                    } else if isWordScalar(s) {
                        let l = lower(s)
                        if l.value < 128 {
                            word.append(UInt8(l.value))
                            keys.add(UInt8(l.value))
                        } else {
                            for b in String(l).utf8 { word.append(b); keys.add(b) }
                        }
                        lastIsDigit = isDigit(s)
                    } else if (s == "'" || s == "\u{2019}") && i + 1 < to && isLetter(scalars[i + 1]) && !word.isEmpty {
                        word.append(0x27)
                        keys.add(0x27)
                        lastIsDigit = false
                    } else if s == "." && i + 1 < to && isDigit(scalars[i + 1]) && lastIsDigit {
                        word.append(0x2E)
                        keys.add(0x2E)
                        lastIsDigit = false
                    } else if s == "," && i + 3 < to && isDigit(scalars[i + 1]) && isDigit(scalars[i + 2]) && isDigit(scalars[i + 3])
                                && lastIsDigit && (i + 4 >= to || !isDigit(scalars[i + 4])) {
                        // thousands separator: 66,357
                    } else {
                        break
                    }
                    i += 1
                }
                out.append(Token(word: String(decoding: word, as: UTF8.self), start: start, end: i, keys: keys))
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
///
/// A reference type: cue sets sit in lexicon tables that are walked for every word of a text,
/// and copying one must not cost a retain per field.
final class CueSet: Sendable {
    private let byFirst: [String: [[String]]]
    /// One-word prefix cues (`recruit*`), keyed by their first three characters so a word is
    /// checked against only the few that could match.
    private let prefixes: [Substring: [String]]
    private let shortPrefixes: [String]
    /// Filters over first words and stem prefixes; a non-ASCII cue word turns its filter off.
    private let firstFilter: WordFilter
    private let prefixFilter: WordFilter
    private let firstUnfiltered: Bool
    private let prefixUnfiltered: Bool

    init(_ phrases: [String]) {
        var byFirst: [String: [[String]]] = [:]
        var prefixes: [Substring: [String]] = [:]
        var shortPrefixes: [String] = []
        var firstFilter = WordFilter(), prefixFilter = WordFilter()
        var firstUnfiltered = false, prefixUnfiltered = false
        for p in phrases {
            let words = Tokenizer.phrase(p)
            guard let first = words.first else { continue }
            if first.hasSuffix("*") && words.count == 1 {
                let stem = String(first.dropLast())
                if stem.count >= 3 {
                    prefixes[stem.prefix(3), default: []].append(stem)
                    if stem.utf8.allSatisfy({ $0 < 0x80 }) { prefixFilter.insert(WordKey.of(stem.utf8.prefix(3))) } else { prefixUnfiltered = true }
                } else {
                    shortPrefixes.append(stem)
                }
            } else {
                byFirst[first, default: []].append(words)
                if first.hasSuffix("*") || !first.utf8.allSatisfy({ $0 < 0x80 }) { firstUnfiltered = true } else { firstFilter.insert(WordKey.of(first.utf8)) }
            }
        }
        for k in byFirst.keys { byFirst[k]!.sort { $0.count > $1.count } }
        self.byFirst = byFirst
        self.prefixes = prefixes
        self.shortPrefixes = shortPrefixes
        self.firstFilter = firstFilter
        self.prefixFilter = prefixFilter
        self.firstUnfiltered = firstUnfiltered
        self.prefixUnfiltered = prefixUnfiltered
    }

    private func prefixMatch(_ word: String) -> Bool {
        for stem in shortPrefixes where word.hasPrefix(stem) { return true }
        guard word.utf8.count >= 3, let candidates = prefixes[word.prefix(3)] else { return false }
        return candidates.contains { word.hasPrefix($0) }
    }

    /// Length (in tokens) of the longest cue starting at `i`, or 0.
    func match(_ tokens: [Token], at i: Int, end: Int) -> Int {
        // Fields read one by one: copying the whole token would retain its word.
        let ascii = tokens[i].ascii
        var best = 0
        if firstUnfiltered || !ascii || firstFilter.mayContain(tokens[i].key) || (tokens[i].baseKey != 0 && firstFilter.mayContain(tokens[i].baseKey)) {
            let first = tokens[i].word
            if let candidates = byFirst[first] ?? (first.hasSuffix("'s") ? byFirst[String(first.dropLast(2))] : nil) {
                for words in candidates where words.count > best && i + words.count <= end {
                    var ok = true
                    for (k, w) in words.enumerated().dropFirst() where !CueSet.wordMatches(tokens[i + k].word, w) { ok = false; break }
                    if ok { best = words.count; break }
                }
            }
        }
        if best == 0 && (!shortPrefixes.isEmpty || prefixUnfiltered || !ascii || (tokens[i].prefixKey != 0 && prefixFilter.mayContain(tokens[i].prefixKey))) {
            if prefixMatch(tokens[i].word) { return 1 }
        }
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
