/// A PDF's pages (`PDFText`) as the prose the text steps read (docs/inspections.md, step 1 for
/// PDFs): characters normalised (ligatures, typographic quotes, private-use bullets, no-break
/// spaces), page furniture removed (lines repeated across pages: running headers and footers;
/// page and paragraph numbers), and the lines of a paragraph joined into one line (a word
/// hyphenated at a line end joined up), so a sentence is never cut by the page's line ends.
package enum PDFProse {
    /// A page's lines, characters normalised and trimmed; blank lines kept as "" (they separate blocks).
    package static func lines(_ page: String) -> [String] {
        normalise(page).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var s = line[...]
            while let f = s.first, f == " " || f == "\t" || f == "\u{0C}" || f == "\r" { s = s.dropFirst() }
            while let l = s.last, l == " " || l == "\t" || l == "\u{0C}" || l == "\r" { s = s.dropLast() }
            return String(s)
        }
    }

    /// The document's pages of lines with furniture removed.
    package static func pages(_ pdf: PDFText) -> [[String]] {
        let pages = pdf.pages.map(lines)
        // Each line's key made once, for both the count across pages and the test of each line.
        let keys = pages.map { $0.map { $0.isEmpty ? "" : furnitureKey($0) } }
        let furniture = furnitureKeys(pages, keys: keys)
        return zip(pages, keys).map { page, keys in
            zip(page, keys).map { line, key in
                guard !line.isEmpty else { return line }
                return isNumbering(key) || furniture.contains(key) ? "" : line
            }
        }
    }

    /// The prose: paragraphs one per line, blocks separated by blank lines.
    package static func text(_ pdf: PDFText) -> String { text(pages: pages(pdf)) }

    package static func text(pages: [[String]]) -> String {
        // The body's line width: the 80th percentile of line lengths (headings and last lines
        // of paragraphs are shorter, so they end their paragraph).
        var lengths = pages.flatMap { $0 }.filter { !$0.isEmpty }.map(\.unicodeScalars.count)
        lengths.sort()
        let width = lengths.isEmpty ? 0 : lengths[min(lengths.count - 1, lengths.count * 8 / 10)]
        var out = ""
        out.reserveCapacity(lengths.reduce(0, +) + lengths.count * 2)
        var previous: Substring? = nil // the open paragraph's last line
        var gap = false // blank lines or a page break since it
        for page in pages {
            for line in page {
                if line.isEmpty {
                    if previous != nil { gap = true }
                    continue
                }
                if let p = previous {
                    switch join(p, line[...], width: width, gap: gap) {
                    case .dehyphenate:
                        out.removeLast() // the hyphen
                    case .space:
                        out.append(" ")
                    case .lineBreak:
                        out.append(gap ? "\n\n" : "\n")
                    }
                }
                out.append(line)
                previous = line[...]
                gap = false
            }
            if previous != nil { gap = true }
        }
        if previous != nil { out.append("\n") }
        return out
    }

    enum Join: Equatable { case dehyphenate, space, lineBreak }

    /// How line `b` follows line `a` of a paragraph.
    static func join(_ a: Substring, _ b: Substring, width: Int, gap: Bool) -> Join {
        let last = a.unicodeScalars.last!, first = b.unicodeScalars.first!
        let lowerNext = first.properties.isLowercase
        // "recruit-" + "ment": a word cut at the line end (poppler joins most within a block).
        if last == "-", a.unicodeScalars.count >= 2, lowerNext,
           a.unicodeScalars[a.unicodeScalars.index(before: a.unicodeScalars.index(before: a.unicodeScalars.endIndex))].properties.isAlphabetic {
            return .dehyphenate
        }
        // After blank lines or a page break only a sentence that plainly goes on continues.
        if gap { return endsSentence(a) || !lowerNext ? .lineBreak : .space }
        if endsSentence(a) || isItemStart(b) { return .lineBreak }
        // A short line ends its paragraph (a heading, a table cell, a paragraph's last line).
        if a.unicodeScalars.count * 10 < width * 6 && !lowerNext { return .lineBreak }
        return .space
    }

    static func endsSentence(_ s: Substring) -> Bool {
        var k = s.unicodeScalars.endIndex
        while k > s.unicodeScalars.startIndex {
            k = s.unicodeScalars.index(before: k)
            let c = s.unicodeScalars[k]
            if c == "\"" || c == "'" || c == ")" { continue }
            return c == "." || c == "!" || c == "?" || c == ":" || c == ";"
        }
        return false
    }

    /// A bullet or a numbered item ("1.", "2.1") starts its own line.
    static func isItemStart(_ s: Substring) -> Bool {
        let u = s.unicodeScalars
        guard let f = u.first else { return false }
        if f == "\u{2022}" || f == "*" || f == "\u{2013}" || (f == "-" && u.dropFirst().first == " ") { return true }
        var digits = 0
        for c in u {
            if c.properties.numericType != nil && c.isASCII { digits += 1; continue }
            return digits > 0 && digits <= 3 && c == "."
        }
        return false
    }

    /// Lines on at least half the pages (and three of them), digits read as one: running
    /// headers and footers ("Kent County Council Inspection of looked after children services",
    /// "Page 4 of 22").
    /// `keys` are the lines' `furnitureKey`s, page by page.
    static func furnitureKeys(_ pages: [[String]], keys: [[String]]) -> Set<String> {
        guard pages.count >= 3 else { return [] }
        var counts: [String: Int] = [:]
        for (page, keys) in zip(pages, keys) {
            var seen = Set<String>()
            for (line, key) in zip(page, keys) where !line.isEmpty && (line.utf8.count <= 160 || line.unicodeScalars.count <= 160) {
                if seen.insert(key).inserted { counts[key, default: 0] += 1 }
            }
        }
        let needed = max(3, (pages.count + 1) / 2)
        return Set(counts.filter { $0.value >= needed }.map(\.key))
    }

    /// Lower-cased, each run of digits as `#`.
    ///
    /// Why a fast path: this runs on every line of every page, and the plain version's
    /// per-character Unicode property lookups (a lower-case mapping is a new string for each
    /// character) were a third of all the time spent reading the 278 Ofsted reports
    /// (`perf record -g wfrisk extract --threads 1`, docs/performance.md). A line of ASCII, almost
    /// every line, is mapped byte by byte: in ASCII only `0`–`9` have a numeric type and only
    /// `A`–`Z` a different lower case. `PDFReportTests.furnitureKeysAreThePlainOnes` pins the two.
    static func furnitureKey(_ line: String) -> String {
        guard line.utf8.allSatisfy({ $0 < 0x80 }) else { return plainFurnitureKey(line) }
        var out: [UInt8] = []
        out.reserveCapacity(line.utf8.count)
        var inDigits = false
        for b in line.utf8 {
            if b >= 0x30 && b <= 0x39 {
                if !inDigits { out.append(0x23) } // "#"
                inDigits = true
            } else {
                inDigits = false
                out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The plain path `furnitureKey` is pinned to, and what it does for a line with any
    /// non-ASCII character.
    static func plainFurnitureKey(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var inDigits = false
        for c in line.unicodeScalars {
            if c.isASCII && c.properties.numericType != nil {
                if !inDigits { out.append("#") }
                inDigits = true
            } else {
                inDigits = false
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// A page or paragraph number on its own: "4", "12.", "page # of #".
    static func isNumbering(_ key: String) -> Bool {
        // Without a "#" it cannot be (taking out "page" and "of" adds none): most lines end here,
        // before the two replacements.
        guard key.utf8.contains(0x23) else { return false }
        let core = key.replacingOccurrences(of: "page", with: "").replacingOccurrences(of: "of", with: "")
        return core.contains("#") && core.unicodeScalars.allSatisfy { $0 == "#" || $0 == "." || $0 == " " }
    }

    /// Ligatures spelled out, typographic quotes and primes as ASCII quotes, private-use
    /// bullets (Symbol font) as •, no-break and other spaces as spaces, soft hyphens dropped,
    /// non-breaking hyphens and box-drawing dashes as the ordinary ones.
    package static func normalise(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c.value {
            case 0xFB00: out.append(contentsOf: "ff".unicodeScalars)
            case 0xFB01: out.append(contentsOf: "fi".unicodeScalars)
            case 0xFB02: out.append(contentsOf: "fl".unicodeScalars)
            case 0xFB03: out.append(contentsOf: "ffi".unicodeScalars)
            case 0xFB04: out.append(contentsOf: "ffl".unicodeScalars)
            case 0xFB05, 0xFB06: out.append(contentsOf: "st".unicodeScalars)
            case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC: out.append("'")
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033: out.append("\"")
            case 0xE000...0xF8FF, 0x25AA, 0x25CF, 0x25E6, 0x2043: out.append("\u{2022}")
            case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F: out.append(" ")
            case 0x00AD, 0x200B, 0xFEFF: break
            case 0x2010, 0x2011: out.append("-")
            case 0x2500, 0x2212: out.append("\u{2013}")
            default: out.append(c)
            }
        }
        return String(out)
    }
}
