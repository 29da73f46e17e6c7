import Foundation

/// A word of a text, lower-cased, with its Unicode-scalar offsets in the text: what
/// `TokenList`'s subscript gives (a view; the list keeps each distinct word once).
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
    /// Ends with "'s" after at least one character (what `baseKey` is the key without).
    let possessive: Bool
    /// Bits of the lexicon's cue sets that may start at this word (`CueIndex.mark`); all set
    /// until marked, so an unmarked token is always checked in full.
    let cueMask: UInt64

    @inline(__always) init(_ w: TokenList.Word, word: String, start: Int) {
        self.word = word
        self.start = start
        end = start + w.length
        key = w.key
        baseKey = w.baseKey
        prefixKey = w.prefixKey
        ascii = w.ascii
        possessive = w.possessive
        cueMask = w.cueMask
    }
}

/// A text's tokens, each distinct word kept once (issue 27: memory). A token is about 4 bytes (its
/// start and word number) instead of the 72 of a `Token` with its own `String` and keys, which
/// held about 12 bytes per byte of a large text. Everything but the start is a property of the
/// word: its keys, its cue mask (`CueIndex.mark` reads only the keys) and its length in the
/// text's scalars, which is why a word is distinct by its bytes *and* that length ("council's"
/// and "Council’s" are one, "66357" and "66,357" two). Reads as a collection of `Token`s.
struct TokenList: RandomAccessCollection, Sendable {
    /// A distinct word's keys (`TokenKeys`), cue mask and length in scalars; its text is in
    /// `strings` (apart, so that reading a token's keys or mask copies no `String`).
    struct Word: Sendable {
        let length: Int
        let key: UInt64
        let baseKey: UInt64
        let prefixKey: UInt64
        let ascii: Bool
        let possessive: Bool
        var cueMask = UInt64.max

        init(length: Int, keys: TokenKeys) {
            self.length = length
            ascii = keys.ascii
            key = keys.hash
            prefixKey = keys.prefix
            possessive = keys.count > 2 && keys.last2 == 0x2773
            baseKey = possessive ? keys.beforeLast2 : 0
        }
    }

    /// Each token's word, its place in `words`: the low 16 bits for every token, and the high 16
    /// only for the tokens whose word number is past 65,535 (issue 27: memory), as a sparse
    /// list: `highMasks[b]` has bit `j` set when token `64b + j` has a high half, `highStarts[b]`
    /// counts the high halves of the tokens before group `b`, and `highWords` holds them in token
    /// order. Words are numbered as first seen, so a text's common words are low and only its
    /// rare late words need a high half. The groups are kept only up to the last token with a
    /// high half (a later token has none). 32 bits in all: enough for any text of at most
    /// `Tokenizer.maxScalars`.
    private(set) var lowWords: [UInt16] = []
    private(set) var highWords: [UInt16] = []
    private(set) var highMasks: [UInt64] = []
    private(set) var highStarts: [UInt32] = []
    /// Each token's first scalar (issue 27: memory): the start of every `stride`-th token in
    /// full (`checkpoints`) and each token's distance from its group's checkpoint in 16 bits
    /// (`offsets`). A text where a group of 64 tokens spans more than 65,535 scalars keeps every
    /// start in full (`wideStarts`) from the first such token on, and the earlier ones converted.
    private(set) var checkpoints: [UInt32] = []
    private(set) var offsets: [UInt16] = []
    private(set) var wideStarts: [UInt32] = []
    private(set) var isWide = false
    static let stride = 64
    private(set) var words: [Word] = []
    private(set) var strings: [String] = []
    /// The index of the first token: 0 for a whole text; a sentence's tokens read on their own
    /// (`Tokenizer.tokens(_:from:to:firstIndex:)`) keep the whole text's indices.
    private(set) var base = 0

    var startIndex: Int { base }
    var endIndex: Int { base + lowWords.count }
    typealias Indices = Range<Int>

    /// The first scalar of the token at `k` (counted from `base`).
    @inline(__always) private func start(_ k: Int) -> Int {
        isWide ? Int(wideStarts[k]) : Int(checkpoints[k / Self.stride]) + Int(offsets[k])
    }

    /// The word number of the token at `k` (counted from `base`).
    @inline(__always) private func wordNumber(_ k: Int) -> Int {
        let low = Int(lowWords[k]), group = k / Self.stride
        guard group < highMasks.count else { return low }
        let mask = highMasks[group], bit = UInt64(1) << UInt64(k % Self.stride)
        guard mask & bit != 0 else { return low }
        return low | Int(highWords[Int(highStarts[group]) + (mask & (bit &- 1)).nonzeroBitCount]) << 16
    }

    @inline(__always) subscript(i: Int) -> Token {
        let k = i - base
        let w = wordNumber(k)
        return Token(words[w], word: strings[w], start: start(k))
    }

    /// Token `i`'s word's keys, mask and length, without its `String`: the cue matchers' hot
    /// paths read these for every word, and building a `Token` retains and releases its word.
    @inline(__always) func word(at i: Int) -> Word { words[wordNumber(i - base)] }

    /// Appends a token's word number: its low 16 bits, and its high 16 to the sparse list when
    /// they are not zero.
    private mutating func appendWord(_ id: UInt32) {
        let k = lowWords.count
        lowWords.append(UInt16(truncatingIfNeeded: id))
        let high = UInt16(truncatingIfNeeded: id >> 16)
        guard high != 0 else { return }
        let group = k / Self.stride
        while highMasks.count <= group {
            highMasks.append(0)
            highStarts.append(UInt32(highWords.count))
        }
        highMasks[group] |= UInt64(1) << UInt64(k % Self.stride)
        highWords.append(high)
    }

    /// Appends a token's start, in the compact form while it fits.
    private mutating func appendStart(_ start: Int) {
        let k = lowWords.count
        if !isWide {
            if k % Self.stride == 0 { checkpoints.append(UInt32(start)) }
            let offset = start - Int(checkpoints[k / Self.stride])
            if offset <= Int(UInt16.max) {
                offsets.append(UInt16(offset))
                return
            }
            // Too far from its checkpoint: every start in full from here on.
            var wide: [UInt32] = []
            wide.reserveCapacity(Swift.max(offsets.capacity, k + 1))
            for j in 0..<k { wide.append(UInt32(self.start(j))) }
            wideStarts = wide
            checkpoints = []
            offsets = []
            isWide = true
        }
        wideStarts.append(UInt32(start))
    }

    /// Sets each distinct word's cue mask (`CueIndex.mark`).
    mutating func setMasks(_ mask: (Word) -> UInt64) {
        for k in words.indices { words[k].cueMask = mask(words[k]) }
    }

    /// Builds a list, interning words by their UTF-8 bytes.
    struct Builder {
        private var list = TokenList()
        /// Open addressing over `WordKey` hashes: slot -> word number + 1 (0: empty).
        private var slots: [UInt32]
        private var hashes: [UInt64]

        /// `capacity`: the tokens to expect (an upper bound, `Tokenizer.tokenBound`, so the list
        /// is never regrown); the word table starts at a size for that many, at most 1,024 slots.
        init(capacity: Int, firstIndex: Int = 0) {
            list.lowWords.reserveCapacity(capacity)
            list.offsets.reserveCapacity(capacity)
            list.checkpoints.reserveCapacity(capacity / TokenList.stride + 1)
            list.base = firstIndex
            var size = 16
            while size < 1024 && size < capacity * 2 { size *= 2 }
            slots = [UInt32](repeating: 0, count: size)
            hashes = [UInt64](repeating: 0, count: size)
        }

        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, keys: TokenKeys, start: Int, end: Int) {
            let length = end - start
            let hash = WordKey.step(keys.hash, UInt8(truncatingIfNeeded: length))
            var s = Int(truncatingIfNeeded: (hash ^ (hash >> 29))) & (slots.count - 1)
            var id: UInt32?
            while slots[s] != 0 {
                let w = Int(slots[s] - 1)
                if hashes[s] == hash && list.words[w].length == length && list.strings[w].utf8.elementsEqual(bytes) { id = UInt32(w); break }
                s = (s + 1) & (slots.count - 1)
            }
            if id == nil {
                id = UInt32(list.words.count)
                list.words.append(Word(length: length, keys: keys))
                list.strings.append(String(decoding: bytes, as: UTF8.self))
                slots[s] = id! + 1
                hashes[s] = hash
                if list.words.count * 2 > slots.count { grow() }
            }
            list.appendStart(start)
            list.appendWord(id!)
        }

        private mutating func grow() {
            let size = slots.count * 2
            var newSlots = [UInt32](repeating: 0, count: size), newHashes = [UInt64](repeating: 0, count: size)
            for s in slots.indices where slots[s] != 0 {
                var t = Int(truncatingIfNeeded: (hashes[s] ^ (hashes[s] >> 29))) & (size - 1)
                while newSlots[t] != 0 { t = (t + 1) & (size - 1) }
                newSlots[t] = slots[s]
                newHashes[t] = hashes[s]
            }
            slots = newSlots
            hashes = newHashes
        }

        mutating func append(_ word: String, start: Int, end: Int) {
            var keys = TokenKeys()
            for b in word.utf8 { keys.add(b) }
            var word = word
            word.withUTF8 { append($0, keys: keys, start: start, end: end) }
        }

        consuming func finish() -> TokenList { list }
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

/// A text's Unicode scalars by offset (the extractor's offsets count scalars), decoded from its
/// UTF-8 in one pass. Issue 27, memory: one byte a scalar, ASCII as itself and any other as
/// 0x80 + its place in `palette`, the text's distinct non-ASCII scalars (an English text has a
/// few: quotes, dashes, accents), instead of four bytes each; a text with more than
/// `paletteSize` distinct non-ASCII scalars is held four bytes a scalar, as before.
struct ScalarText: RandomAccessCollection, Sendable {
    private let narrow: [UInt8]
    private let palette: [Unicode.Scalar]
    /// Every scalar, when the palette cannot hold the text's (then `narrow` is empty).
    private let all: [Unicode.Scalar]
    static let paletteSize = 128

    init(_ text: String) {
        var text = text
        (narrow, palette, all) = text.withUTF8 { u in
            // Continuation bytes are no scalar of their own.
            var continuations = 0
            for b in u where b & 0xC0 == 0x80 { continuations += 1 }
            let count = u.count - continuations
            var palette: [Unicode.Scalar] = []
            var places: [Unicode.Scalar: UInt8] = [:]
            var fits = true
            let narrow = [UInt8](unsafeUninitializedCapacity: count) { buffer, n in
                var i = 0, k = 0
                while i < u.count {
                    if u[i] < 0x80 {
                        buffer[k] = u[i]
                        i += 1
                    } else {
                        let (v, length) = Self.scalar(u, at: i)
                        var place = places[v]
                        if place == nil {
                            guard palette.count < Self.paletteSize else { fits = false; break }
                            place = UInt8(palette.count)
                            places[v] = place
                            palette.append(v)
                        }
                        buffer[k] = 0x80 | place!
                        i += length
                    }
                    k += 1
                }
                n = k
            }
            return fits ? (narrow, palette, []) : ([], [], Self.decode(u, count: count))
        }
    }

    /// All scalars, four bytes each.
    private static func decode(_ u: UnsafeBufferPointer<UInt8>, count: Int) -> [Unicode.Scalar] {
        [Unicode.Scalar](unsafeUninitializedCapacity: count) { buffer, n in
            var i = 0, k = 0
            while i < u.count {
                let (v, length) = scalar(u, at: i)
                (buffer.baseAddress! + k).initialize(to: v)
                i += length
                k += 1
            }
            n = k
        }
    }

    /// The scalar whose UTF-8 starts at `i`, and its length in bytes.
    @inline(__always) private static func scalar(_ u: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let b = UInt32(u[i])
        var v: UInt32, length: Int
        if b < 0x80 {
            v = b
            length = 1
        } else if b < 0xE0 {
            v = (b & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F)
            length = 2
        } else if b < 0xF0 {
            v = (b & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F)
            length = 3
        } else {
            v = (b & 0x07) << 18 | UInt32(u[i + 1] & 0x3F) << 12 | UInt32(u[i + 2] & 0x3F) << 6 | UInt32(u[i + 3] & 0x3F)
            length = 4
        }
        // A String's UTF-8 is valid, so every value is a scalar.
        return (Unicode.Scalar(v) ?? "\u{FFFD}", length)
    }

    /// Whether the text is held four bytes a scalar (tests: both forms must read the same).
    var isWide: Bool { narrow.isEmpty && !all.isEmpty }

    var startIndex: Int { 0 }
    var endIndex: Int { all.isEmpty ? narrow.count : all.count }
    typealias Indices = Range<Int>

    @inline(__always) subscript(i: Int) -> Unicode.Scalar {
        if !all.isEmpty { return all[i] }
        let b = narrow[i]
        return b < 0x80 ? Unicode.Scalar(b) : palette[Int(b & 0x7F)]
    }
}

/// Splits text into words: letters, digits and inner apostrophes (’ read as ');
/// a decimal number stays one token ("34.7"); "%" is a token of its own.
enum Tokenizer {
    /// The longest text tokens are read from: `TokenList` keeps offsets and word numbers in 32 bits.
    static let maxScalars = Int(UInt32.max)

    /// The tokens of `scalars[from..<to]`, numbered from `firstIndex`; `count`, when known, is
    /// how many there are (else `tokenBound` is counted first).
    static func tokens(_ scalars: ScalarText, from: Int, to: Int, firstIndex: Int = 0, count: Int? = nil) -> TokenList {
        precondition(from >= 0 && to <= scalars.count)
        precondition(to <= maxScalars, "text longer than Tokenizer.maxScalars (the extractor checks first)")
        var out = TokenList.Builder(capacity: count ?? tokenBound(scalars, from: from, to: to), firstIndex: firstIndex)
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
                word.withUnsafeBufferPointer { out.append($0, keys: keys, start: start, end: i) }
            } else {
                if c == "%" { out.append("%", start: i, end: i + 1) }
                if c == "&" { out.append("and", start: i, end: i + 1) }
                i += 1
            }
        }
        return out.finish()
    }

    /// At least as many as `tokens` gives (issue 27: the list is reserved once at its size, not
    /// a fixed fifth of the scalars): each run of word scalars and each "%" and "&". A token is
    /// one run, or several joined by an apostrophe, a decimal point or a thousands comma.
    static func tokenBound(_ scalars: ScalarText, from: Int, to: Int) -> Int {
        var count = 0, inWord = false
        for i in from..<to {
            let c = scalars[i]
            let word = c.value < 128 ? (c.value >= 97 && c.value <= 122) || (c.value >= 48 && c.value <= 57) || (c.value >= 65 && c.value <= 90) : isWordScalar(c)
            if word && !inWord { count += 1 }
            if c == "%" || c == "&" { count += 1 }
            inWord = word
        }
        return count
    }

    /// Tokens of a cue phrase from the lexicon; a trailing `*` is kept on the last word.
    static func phrase(_ text: String) -> [String] {
        let scalars = ScalarText(text)
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
    /// This set's bit in `Token.cueMask` (0: none, always check).
    let bit: UInt64
    /// Keys (`WordKey`) of the ASCII first words and of the first three characters of the stems;
    /// whether any word at all may start a cue (non-ASCII or `*` first words, short stems).
    let firstWordKeys: [UInt64]
    let stemPrefixKeys: [UInt64]
    let startsAnywhere: Bool
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
    /// The same matches by word keys (`CueMatcher`), for ASCII tokens; nil: plain path only.
    private let fast: CueMatcher?

    init(_ phrases: [String], bit: UInt64 = 0) {
        self.bit = bit
        var firstWordKeys: [UInt64] = [], stemPrefixKeys: [UInt64] = []
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
                    if stem.utf8.allSatisfy({ $0 < 0x80 }) {
                        prefixFilter.insert(WordKey.of(stem.utf8.prefix(3)))
                        stemPrefixKeys.append(WordKey.of(stem.utf8.prefix(3)))
                    } else {
                        prefixUnfiltered = true
                    }
                } else {
                    shortPrefixes.append(stem)
                }
            } else {
                byFirst[first, default: []].append(words)
                if first.hasSuffix("*") || !first.utf8.allSatisfy({ $0 < 0x80 }) {
                    firstUnfiltered = true
                } else {
                    firstFilter.insert(WordKey.of(first.utf8))
                    firstWordKeys.append(WordKey.of(first.utf8))
                }
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
        self.firstWordKeys = firstWordKeys
        self.stemPrefixKeys = stemPrefixKeys
        startsAnywhere = firstUnfiltered || prefixUnfiltered || !shortPrefixes.isEmpty
        fast = CueMatcher(byFirst: byFirst, stems: prefixes.values.flatMap { $0 }, shortStems: shortPrefixes)
    }

    private func prefixMatch(_ word: String) -> Bool {
        for stem in shortPrefixes where word.hasPrefix(stem) { return true }
        guard word.utf8.count >= 3, let candidates = prefixes[word.prefix(3)] else { return false }
        return candidates.contains { word.hasPrefix($0) }
    }

    /// Length (in tokens) of the longest cue starting at `i`, or 0.
    @inline(__always) func match(_ tokens: TokenList, at i: Int, end: Int) -> Int {
        // The token's mask rules most sets out with one test.
        if tokens.word(at: i).cueMask & bit == 0 && bit != 0 { return 0 }
        if tokens.word(at: i).ascii, let fast { return fast.match(tokens, at: i, end: end) }
        return plainMatch(tokens, at: i, end: end)
    }

    /// `match` by the string dictionaries: the reference `CueMatcher` is tested against.
    func plainMatch(_ tokens: TokenList, at i: Int, end: Int) -> Int {
        if tokens.word(at: i).cueMask & bit == 0 && bit != 0 { return 0 }
        // Fields read one by one: copying the whole token would retain its word.
        let ascii = tokens.word(at: i).ascii
        var best = 0
        if firstUnfiltered || !ascii || firstFilter.mayContain(tokens.word(at: i).key) || (tokens.word(at: i).baseKey != 0 && firstFilter.mayContain(tokens.word(at: i).baseKey)) {
            let first = tokens[i].word
            if let candidates = byFirst[first] ?? (first.hasSuffix("'s") ? byFirst[String(first.dropLast(2))] : nil) {
                for words in candidates where words.count > best && i + words.count <= end {
                    var ok = true
                    for (k, w) in words.enumerated().dropFirst() where !CueSet.wordMatches(tokens[i + k].word, w) { ok = false; break }
                    if ok { best = words.count; break }
                }
            }
        }
        if best == 0 && (!shortPrefixes.isEmpty || prefixUnfiltered || !ascii || (tokens.word(at: i).prefixKey != 0 && prefixFilter.mayContain(tokens.word(at: i).prefixKey))) {
            if prefixMatch(tokens[i].word) { return 1 }
        }
        return best
    }

    /// All matches in `range`: (token index, length). `mask`, the cue masks of the range's tokens
    /// or-ed together (or more), rules the whole range out at once when this set's bit is clear.
    func matches(_ tokens: TokenList, in range: Range<Int>, mask: UInt64 = .max) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        if bit != 0 && mask & bit == 0 { return out }
        var i = range.lowerBound
        while i < range.upperBound {
            if bit != 0 && tokens.word(at: i).cueMask & bit == 0 { i += 1; continue }
            let n = match(tokens, at: i, end: range.upperBound)
            if n > 0 { out.append((i, n)); i += n } else { i += 1 }
        }
        return out
    }

    /// For each set, how many matches `matches` finds in all of `ranges`, in one pass over the
    /// tokens instead of one per set: each set keeps its own next free position, so its
    /// matches are the same left-to-right, non-overlapping ones.
    static func countMatches(_ sets: [CueSet], _ tokens: TokenList, in ranges: [Range<Int>]) -> [Int] {
        var counts = [Int](repeating: 0, count: sets.count)
        var next = [Int](repeating: 0, count: sets.count)
        // A token none of the sets may start is passed over (a set without a bit: none is).
        var bits: UInt64 = 0
        for set in sets { bits |= set.bit }
        let unindexed = sets.contains { $0.bit == 0 }
        for range in ranges {
            for k in next.indices { next[k] = range.lowerBound }
            for i in range where unindexed || tokens.word(at: i).cueMask & bits != 0 {
                for (k, set) in sets.enumerated() where i >= next[k] {
                    let n = set.match(tokens, at: i, end: range.upperBound)
                    if n > 0 { counts[k] += 1; next[k] = i + n }
                }
            }
        }
        return counts
    }

    func contains(_ tokens: TokenList, in range: Range<Int>, mask: UInt64 = .max) -> Bool {
        if bit != 0 && mask & bit == 0 { return false }
        var i = range.lowerBound
        while i < range.upperBound {
            if (bit == 0 || tokens.word(at: i).cueMask & bit != 0) && match(tokens, at: i, end: range.upperBound) > 0 { return true }
            i += 1
        }
        return false
    }

    /// Exact, prefix (`recruit*`), or the possessive of the word ("council's" for "council").
    static func wordMatches(_ word: String, _ pattern: String) -> Bool {
        pattern.hasSuffix("*") ? word.hasPrefix(pattern.dropLast()) : (word == pattern || word == pattern + "'s")
    }
}

/// For each word, the cue sets it may start, as a bit mask: a token is looked up once, and each
/// set's `match` then rules it out with one bit test instead of its own filter checks.
///
/// A bit is set whenever the set's own checks could let the word through (its exact first word,
/// the word without a possessive "'s", a stem's first three characters, or a set that any word
/// may start), so a clear bit is a certain "no".
struct CueIndex: Sendable {
    private var keys: [UInt64]
    private var masks: [UInt64]
    private var always: UInt64 = 0
    /// Whether any set has a bit (else `mark` leaves every token to be checked in full).
    private let indexes: Bool

    init(sets: [CueSet]) {
        indexes = sets.contains { $0.bit != 0 }
        var entries: [UInt64: UInt64] = [:]
        var always: UInt64 = 0
        for set in sets where set.bit != 0 {
            if set.startsAnywhere { always |= set.bit }
            for k in set.firstWordKeys + set.stemPrefixKeys { entries[k, default: 0] |= set.bit }
        }
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        keys = Array(repeating: 0, count: size)
        masks = Array(repeating: 0, count: size)
        self.always = always
        for (k, m) in entries.sorted(by: { $0.key < $1.key }) {
            var i = CueIndex.slot(k, size)
            while masks[i] != 0 { i = (i + 1) & (size - 1) }
            keys[i] = k
            masks[i] = m
        }
    }

    @inline(__always) private static func slot(_ key: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: (key ^ (key >> 29)) & UInt64(size - 1))
    }

    @inline(__always) private func lookup(_ key: UInt64) -> UInt64 {
        var i = CueIndex.slot(key, keys.count)
        while masks[i] != 0 {
            if keys[i] == key { return masks[i] }
            i = (i + 1) & (keys.count - 1)
        }
        return 0
    }

    /// The cue masks of `tokens[range]` or-ed together: a set whose bit is clear in it starts
    /// nowhere in the range.
    static func union(_ tokens: TokenList, _ range: Range<Int>) -> UInt64 {
        var mask: UInt64 = 0
        for i in range { mask |= tokens.word(at: i).cueMask }
        return mask
    }

    /// Sets each token's `cueMask` (once per distinct word: it depends on the word's keys only).
    func mark(_ tokens: inout TokenList) {
        guard indexes else { return }
        tokens.setMasks { w in
            guard w.ascii else { return .max }
            var m = always | lookup(w.key)
            if w.baseKey != 0 { m |= lookup(w.baseKey) }
            if w.prefixKey != 0 { m |= lookup(w.prefixKey) }
            return m
        }
    }
}

/// Byte strings looked for inside lines (page-furniture markers): one pass over the line, with
/// a table of the markers' first three bytes ruling out almost every position before any compare.
struct SubstringSet: Sendable {
    private let needles: [[UInt8]]
    /// Needles shorter than three bytes, looked for one by one.
    private let short: [[UInt8]]
    /// Bit per hash of a first-three-byte triple.
    private let triples: [UInt64]
    /// Needles by their triple's hash slot.
    private let bySlot: [Int: [Int]]

    init(_ needles: [[UInt8]]) {
        var triples = [UInt64](repeating: 0, count: 1024)
        var bySlot: [Int: [Int]] = [:]
        var long: [[UInt8]] = [], short: [[UInt8]] = []
        for n in needles {
            if n.count < 3 { short.append(n); continue }
            let slot = SubstringSet.slot(n[0], n[1], n[2])
            triples[slot >> 6] |= 1 << UInt64(slot & 63)
            bySlot[slot, default: []].append(long.count)
            long.append(n)
        }
        self.needles = long
        self.short = short
        self.triples = triples
        self.bySlot = bySlot
    }

    @inline(__always) private static func slot(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        Int((UInt32(a) &* 0x9E37 ^ UInt32(b) &* 0x85EB ^ UInt32(c) &* 0xC2B3) & 0xFFFF)
    }

    /// Whether any needle occurs in `haystack`.
    func anyOccurs(in haystack: [UInt8]) -> Bool {
        for n in short where InspectionExtractor.contains(haystack, n) { return true }
        guard !needles.isEmpty, haystack.count >= 3 else { return false }
        return haystack.withUnsafeBufferPointer { h in
            for i in 0...(h.count - 3) {
                let slot = SubstringSet.slot(h[i], h[i + 1], h[i + 2])
                guard triples[slot >> 6] & (1 << UInt64(slot & 63)) != 0, let candidates = bySlot[slot] else { continue }
                for c in candidates {
                    let n = needles[c]
                    if i + n.count <= h.count && memcmp(h.baseAddress! + i, n, n.count) == 0 { return true }
                }
            }
            return false
        }
    }
}
