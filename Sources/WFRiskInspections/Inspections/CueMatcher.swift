/// `CueSet.match` by word keys: the plain path looks a word up in string dictionaries and
/// builds "word's" to compare possessives; this one compares the tokens' precomputed
/// `WordKey`s and confirms each key hit with the plain comparison (`CueSet.wordMatches`).
///
/// Why it is exact: a token's `key` is FNV-1a of its word's UTF-8 bytes, `baseKey` of the word
/// without a final "'s", `prefixKey` of its first three bytes, so equal words have equal keys and
/// a key mismatch is a certain "no". It is used only for ASCII tokens of all-ASCII cue sets,
/// where Swift's string `==` and `hasPrefix` compare bytes. `TextFastPathTests` compares it with the
/// plain path on every lexicon set. Why it exists: cue matching was the largest share of
/// extraction time (docs/performance.md, "Inspection text extraction").
final class CueMatcher: Sendable {
    /// A cue word after the first: its text as `CueSet.wordMatches` takes it ("worker*" for a
    /// stem), the key of the word (exact) or of its first three bytes (stem of three or more).
    struct Word: Sendable {
        let text: String
        let key: UInt64
        let stem: Bool
        /// A stem shorter than three bytes: no prefix key to rule tokens out.
        let shortStem: Bool
    }

    /// First words: an open-addressing table from key to group (`slots`, -1 empty).
    private let keys: [UInt64]
    private let slots: [Int32]
    private let groupWord: [String]
    /// Each group's phrases, longest first, as ranges into `phraseWords`/`phraseLength`.
    private let groupPhrases: [Range<Int>]
    private let phraseLength: [Int]
    /// Each phrase's words after the first, as a range into `words`.
    private let phraseWords: [Range<Int>]
    private let words: [Word]
    /// One-word stems (`recruit*`, three bytes or more) by the key of their first three bytes.
    private let stemKeys: [UInt64]
    private let stemSlots: [Int32]
    private let stems: [[String]]

    /// nil when the set has a non-ASCII cue word, a stem shorter than three bytes, or a stem
    /// whose prefix key is 0 (an unlikely hash the table cannot tell from a short word's).
    init?(byFirst: [String: [[String]]], stems oneWordStems: [String], shortStems: [String]) {
        guard shortStems.isEmpty,
              byFirst.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } && $0.value.allSatisfy { $0.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } } }),
              oneWordStems.allSatisfy({ $0.utf8.count >= 3 && $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        var groupWord: [String] = [], groupPhrases: [Range<Int>] = [], phraseLength: [Int] = []
        var phraseWords: [Range<Int>] = [], words: [Word] = []
        var groupKeys: [UInt64] = []
        for first in byFirst.keys.sorted() {
            let start = phraseLength.count
            for phrase in byFirst[first]! {
                let w0 = words.count
                for w in phrase.dropFirst() {
                    let stem = w.hasSuffix("*")
                    let bytes = Array((stem ? String(w.dropLast()) : w).utf8)
                    words.append(Word(text: w, key: WordKey.of(stem ? Array(bytes.prefix(3)) : bytes), stem: stem, shortStem: stem && bytes.count < 3))
                }
                phraseWords.append(w0..<words.count)
                phraseLength.append(phrase.count)
            }
            groupWord.append(first)
            groupPhrases.append(start..<phraseLength.count)
            groupKeys.append(WordKey.of(first.utf8))
        }
        (keys, slots) = CueMatcher.table(groupKeys)
        let stemGroups = Dictionary(grouping: oneWordStems) { WordKey.of($0.utf8.prefix(3)) }
        guard stemGroups[0] == nil else { return nil }
        let stemKeyList = stemGroups.keys.sorted()
        (stemKeys, stemSlots) = CueMatcher.table(stemKeyList)
        stems = stemKeyList.map { stemGroups[$0]! }
        self.groupWord = groupWord
        self.groupPhrases = groupPhrases
        self.phraseLength = phraseLength
        self.phraseWords = phraseWords
        self.words = words
    }

    /// An open-addressing table of `entries` (index i for entries[i]); keys may repeat.
    private static func table(_ entries: [UInt64]) -> ([UInt64], [Int32]) {
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        var keys = [UInt64](repeating: 0, count: size), slots = [Int32](repeating: -1, count: size)
        for (n, k) in entries.enumerated() {
            var s = slot(k, size)
            while slots[s] >= 0 { s = (s + 1) & (size - 1) }
            keys[s] = k
            slots[s] = Int32(n)
        }
        return (keys, slots)
    }

    @inline(__always) private static func slot(_ key: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: (key ^ (key >> 29)) & UInt64(size - 1))
    }

    /// The group whose first word is `word` (key `key`), as the plain dictionary finds it.
    @inline(__always) private func group(_ key: UInt64, _ confirm: (String) -> Bool) -> Int? {
        var s = CueMatcher.slot(key, keys.count)
        while slots[s] >= 0 {
            if keys[s] == key && confirm(groupWord[Int(slots[s])]) { return Int(slots[s]) }
            s = (s + 1) & (keys.count - 1)
        }
        return nil
    }

    /// Whether token `j` matches a cue word after the first (`CueSet.wordMatches`).
    @inline(__always) private func matches(_ tokens: TokenList, _ j: Int, _ w: Int) -> Bool {
        if tokens.word(at: j).ascii && !words[w].shortStem {
            let key = words[w].key
            if words[w].stem {
                if tokens.word(at: j).prefixKey != key { return false }
            } else if tokens.word(at: j).key != key && !(tokens.word(at: j).possessive && tokens.word(at: j).baseKey == key) {
                return false
            }
        }
        return CueSet.wordMatches(tokens[j].word, words[w].text)
    }

    /// `CueSet.plainMatch` for an ASCII token at `i` whose cue mask admits the set.
    func match(_ tokens: TokenList, at i: Int, end: Int) -> Int {
        // byFirst[word], else byFirst[word without "'s"] (not both: the plain lookup's `??`).
        var g = group(tokens.word(at: i).key) { $0 == tokens[i].word }
        if g == nil && tokens.word(at: i).possessive {
            g = group(tokens.word(at: i).baseKey) { $0 == String(tokens[i].word.dropLast(2)) }
        }
        if let g {
            for p in groupPhrases[g] where i + phraseLength[p] <= end {
                var ok = true
                for (k, w) in phraseWords[p].enumerated() where !matches(tokens, i + 1 + k, w) { ok = false; break }
                if ok { return phraseLength[p] }
            }
        }
        // One-word stems: the word starts with one (three bytes or more, so its first three
        // bytes' key is the stem's).
        var s = CueMatcher.slot(tokens.word(at: i).prefixKey, stemKeys.count)
        while stemSlots[s] >= 0 {
            if stemKeys[s] == tokens.word(at: i).prefixKey {
                for stem in stems[Int(stemSlots[s])] where tokens[i].word.hasPrefix(stem) { return 1 }
            }
            s = (s + 1) & (stemKeys.count - 1)
        }
        return 0
    }
}
