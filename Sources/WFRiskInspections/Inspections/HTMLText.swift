import Foundation

/// Plain text from HTML: scripts, styles and page chrome (nav, header, footer, aside)
/// removed, block elements as line breaks, entities decoded.
///
/// Each step is one forward scan over the UTF-8 bytes, so the time is linear in the page size
/// even when tags or comments are never closed (a backtracking pattern took seconds on such pages).
/// The steps run in the order and with the matching rules of the patterns they replace:
/// `<tag\b[\s\S]*?</tag\s*>` per tag, `<!--[\s\S]*?-->`, block tags to line breaks, `<[^>]*>`.
enum HTMLText {
    static let removedElements = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg"]

    static func strip(_ html: String) -> String {
        var b = Array(html.utf8)
        for tag in removedElements { b = removeElements(b, Array(tag.utf8)) }
        b = removeComments(b)
        b = blockTagsAsLineBreaks(b)
        b = removeTags(b)
        var s = decodeEntities(String(decoding: b, as: UTF8.self))
        // Collapse runs of spaces and of blank lines (each pattern linear: no nested repetition).
        s = s.replacingOccurrences(of: "[ \\t\\u00A0]+", with: " ", options: .regularExpression)
        s = s.replacingOccurrences(of: " *\\n *", with: "\n", options: .regularExpression)
        s = s.replacingOccurrences(of: "\\n{3,}", with: "\n\n", options: .regularExpression)
        return s.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c + 0x20 : c }

    /// The scalar starting at `b[i]` and the index after it (the bytes came from a String and every
    /// step cuts only at ASCII bytes, so they stay valid UTF-8).
    static func scalar(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar, Int) {
        let c = b[i]
        if c < 0x80 { return (Unicode.Scalar(c), i + 1) }
        let n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        guard i + n <= b.count else { return ("\u{FFFD}", b.count) }
        var v = UInt32(c) & (0xFF >> (n + 1))
        for k in 1..<n { v = v << 6 | UInt32(b[i + k] & 0x3F) }
        return (Unicode.Scalar(v) ?? "\u{FFFD}", i + n)
    }

    /// Whether a tag name that ends before `b[i]` has no `\b` there, as ICU decides: the next
    /// character is a word character (`\w`: letters, marks, digits, connector punctuation, ZWNJ,
    /// ZWJ), or a format character or grapheme extender, which ICU reads as part of the one before.
    static func continuesName(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        if c < 0x80 { return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        let p = scalar(b, i).0.properties
        switch p.generalCategory {
        case .decimalNumber, .connectorPunctuation, .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
        default: return p.isAlphabetic || p.isGraphemeExtend
        }
    }

    /// Whether the character starting at `b[i]` is white space to `\s` (Unicode White_Space:
    /// also NBSP, NEL and the wide spaces).
    static func isSpace(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        if c < 0x80 { return c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        return scalar(b, i).0.properties.isWhitespace
    }

    /// Non-ASCII characters whose full case folding is ASCII letters: a case-insensitive ICU
    /// pattern matches them to those letters (`<ſcript>` opens a script for the patterns).
    static let foldsToASCII: [UInt32: [UInt8]] = ([
        0xDF: "ss", 0x17F: "s", 0x1E9E: "ss", 0x212A: "k", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi",
        0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
    ] as [UInt32: String]).mapValues { Array($0.utf8) }

    /// The end of `name` (lowercase ASCII) matched case-insensitively at `b[at...]`, or nil.
    static func nameEnd(_ b: [UInt8], _ at: Int, _ name: [UInt8]) -> Int? {
        var i = at, k = 0
        while k < name.count {
            guard i < b.count else { return nil }
            if b[i] < 0x80 {
                guard lower(b[i]) == name[k] else { return nil }
                i += 1
                k += 1
                continue
            }
            let (u, next) = scalar(b, i)
            guard let f = foldsToASCII[u.value], k + f.count <= name.count, name[k..<(k + f.count)].elementsEqual(f) else { return nil }
            i = next
            k += f.count
        }
        return i
    }

    /// The end of `name` at `b[at...]` when a word boundary follows it (`name\b`), or nil.
    static func tagNameEnd(_ b: [UInt8], _ at: Int, _ name: [UInt8]) -> Int? {
        guard let end = nameEnd(b, at, name), end == b.count || !continuesName(b, end) else { return nil }
        return end
    }

    /// Whether `b[at...]` starts with `word` (ASCII, any case).
    static func matches(_ b: [UInt8], _ at: Int, _ word: [UInt8]) -> Bool {
        guard at + word.count <= b.count else { return false }
        for k in 0..<word.count where lower(b[at + k]) != word[k] { return false }
        return true
    }

    /// The end (exclusive) of the first `</tag\s*>` at or after `from`, or nil.
    static func closing(_ b: [UInt8], _ tag: [UInt8], from: Int) -> Int? {
        var i = from
        while i + 1 < b.count {
            if b[i] == 0x3C, b[i + 1] == 0x2F, var j = nameEnd(b, i + 2, tag) {
                while j < b.count, isSpace(b, j) { j = scalar(b, j).1 }
                if j < b.count, b[j] == 0x3E { return j + 1 }
            }
            i += 1
        }
        return nil
    }

    /// Each `<tag …>…</tag>` (first closing tag) as one line break; an element never closed stays.
    static func removeElements(_ b: [UInt8], _ tag: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0x3C, let nameEnd = tagNameEnd(b, i + 1, tag) {
                guard let end = closing(b, tag, from: nameEnd) else {
                    // No closing tag after this one, so none after any later one: the rest stays.
                    out.append(contentsOf: b[i...])
                    return out
                }
                out.append(0x0A)
                i = end
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// `<!-- … -->` removed; an unclosed comment stays.
    static func removeComments(_ b: [UInt8]) -> [UInt8] {
        let open: [UInt8] = Array("<!--".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0x3C, matches(b, i, open) {
                var j = i + 4
                var end: Int?
                while j + 2 < b.count {
                    if b[j] == 0x2D, b[j + 1] == 0x2D, b[j + 2] == 0x3E { end = j + 3; break }
                    j += 1
                }
                guard let end else {
                    out.append(contentsOf: b[i...])
                    return out
                }
                i = end
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static let blockTags: [[UInt8]] = ["br", "/p", "/div", "/li", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "/tr", "/section",
                                       "/article", "/blockquote", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6"].map { Array($0.utf8) }

    /// Block-level tags (through their `>`) as line breaks.
    static func blockTagsAsLineBreaks(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var nextClose = -1 // index of the next `>` at or after i (b.count: none)
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                let isBlock = blockTags.contains { tagNameEnd(b, i + 1, $0) != nil }
                if isBlock {
                    if nextClose < i {
                        nextClose = i
                        while nextClose < b.count, b[nextClose] != 0x3E { nextClose += 1 }
                    }
                    if nextClose < b.count {
                        out.append(0x0A)
                        i = nextClose + 1
                        continue
                    }
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// Every `<…>` removed; a `<` with no `>` after it stays.
    static func removeTags(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                var j = i + 1
                while j < b.count, b[j] != 0x3E { j += 1 }
                guard j < b.count else {
                    out.append(contentsOf: b[i...])
                    return out
                }
                i = j + 1
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "rsquo": "\u{2019}", "lsquo": "\u{2018}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}", "pound": "\u{00A3}",
        "bull": "\u{2022}", "copy": "\u{00A9}",
    ]

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].prefix(10).firstIndex(of: ";") {
                let name = String(s[s.index(after: i)..<semi])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = named[name.lowercased()]
                }
                if let replacement {
                    out += replacement
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }
}
