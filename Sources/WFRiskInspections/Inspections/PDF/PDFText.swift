import CPoppler
import Foundation
import WFRiskCore

/// Why a PDF gives no text: the reasons `wfrisk extract` and a run's manifest give for passing it over.
package enum PDFUnreadable: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// No `%PDF-` header; `what` names what it looks like instead (an HTML page, text, …).
    case notPDF(what: String)
    /// No `%%EOF` marker near the end: the download or copy was cut short.
    case truncated
    case encrypted
    /// poppler could not open it (bad cross-reference table, broken catalog, …).
    case damaged(String)
    /// Opens, but no page has a text layer (scanned images).
    case noTextLayer(pages: Int)

    package var description: String {
        switch self {
        case .empty: "empty file (0 bytes)"
        case .notPDF(let what): "not a PDF (\(what); no %PDF- header)"
        case .truncated: "truncated PDF (no %%EOF end marker)"
        case .encrypted: "encrypted PDF (needs a password)"
        case .damaged(let why): "damaged PDF (\(why))"
        case .noTextLayer(let pages): "PDF without a text layer (\(pages) page\(pages == 1 ? "" : "s") of images; needs OCR)"
        }
    }
}

/// The text of a PDF's pages, in reading order, through poppler's GLib API (Debian
/// libpoppler-glib-dev). The only file that touches poppler or GLib pointers: everything past
/// `read(path:)` is Swift strings (`PDFProse` turns the pages into the prose the text steps read).
package struct PDFText: Sendable, Equatable {
    /// One string per page, as poppler lays it out (lines end in `\n`).
    package var pages: [String]

    package init(pages: [String]) { self.pages = pages }

    /// Whether a file's first bytes are a PDF header (`%PDF-` within the first 1024 bytes, as
    /// readers allow leading junk).
    package static func hasPDFHeader(_ bytes: ArraySlice<UInt8>) -> Bool {
        let magic: [UInt8] = Array("%PDF-".utf8)
        let head = bytes.prefix(1024)
        guard head.count >= magic.count else { return false }
        var i = head.startIndex
        while i <= head.endIndex - magic.count {
            if head[i] == magic[0] && head[i..<(i + magic.count)].elementsEqual(magic) { return true }
            i += 1
        }
        return false
    }

    /// Reads the file's pages, or says why it cannot be read. Never crashes on bad input: the
    /// header and end marker are checked before poppler sees the bytes, and poppler's own
    /// errors come back as `GError`s.
    package static func read(path: String) -> Result<PDFText, PDFUnreadable> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.damaged("cannot read the file"))
        }
        return read(bytes: [UInt8](data))
    }

    /// `colourManaged: true` is the plain path the fast one (the default, `withoutOutputIntents`)
    /// is pinned to (`PDFReportTests.textWithoutTheColourProfileIsTheSameText`): poppler gets the
    /// file's bytes exactly as they are.
    package static func read(bytes: [UInt8], colourManaged: Bool = false) -> Result<PDFText, PDFUnreadable> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard hasPDFHeader(bytes[...]) else { return .failure(.notPDF(what: describe(bytes))) }
        // A complete PDF ends with %%EOF (perhaps followed by a line end or a little padding).
        let eof: [UInt8] = Array("%%EOF".utf8)
        let tail = bytes.suffix(1024)
        var hasEOF = false
        if tail.count >= eof.count {
            var i = tail.endIndex - eof.count
            while i >= tail.startIndex {
                if tail[i] == 0x25 && tail[i..<(i + eof.count)].elementsEqual(eof) { hasEOF = true; break }
                i -= 1
            }
        }
        guard hasEOF else { return .failure(.truncated) }
        quietPoppler()

        let bytes = colourManaged ? bytes : withoutOutputIntents(bytes)
        let gbytes = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(gbytes) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(gbytes, nil, &error) else {
            defer { if error != nil { g_error_free(error) } }
            if let e = error?.pointee, e.domain == poppler_error_quark(), e.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                return .failure(.encrypted)
            }
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "poppler could not open it"
            return .failure(.damaged(message))
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        let count = Int(poppler_document_get_n_pages(document))
        var pages: [String] = []
        pages.reserveCapacity(count)
        for k in 0..<count {
            guard let page = poppler_document_get_page(document, Int32(k)) else { pages.append(""); continue }
            if let text = poppler_page_get_text(page) {
                var rects: UnsafeMutablePointer<PopplerRectangle>?
                var count: guint = 0
                // One rectangle per character of the text (poppler keeps the page's text
                // layout, so this costs no second pass over its content).
                if poppler_page_get_text_layout(page, &rects, &count) != 0, let rects {
                    pages.append(separateCells(String(cString: text), UnsafeBufferPointer(start: rects, count: Int(count)).map {
                        CharBox(x1: $0.x1, x2: $0.x2, height: abs($0.y2 - $0.y1))
                    }))
                    g_free(rects)
                } else {
                    pages.append(String(cString: text))
                }
                g_free(text)
            } else {
                pages.append("")
            }
            g_object_unref(UnsafeMutableRawPointer(page))
        }
        if pages.allSatisfy({ $0.unicodeScalars.allSatisfy(\.properties.isWhitespace) }) {
            return .failure(.noTextLayer(pages: count))
        }
        return .success(PDFText(pages: pages))
    }

    /// The bytes with the catalog's `/OutputIntents` key renamed to `/OutputIntentX` (same
    /// length, so every cross-reference offset still holds), or the bytes themselves when the key
    /// is not there in plain view.
    ///
    /// Why: an output intent is an ICC colour profile for printing. poppler builds a LittleCMS
    /// transform to it every time a page is laid out (`Gfx::initDisplayProfile`), and inverting
    /// the profile's tone curves was 52% of all the time spent reading the 278 Ofsted reports
    /// (`perf record -g`, docs/performance.md); pdftotext pays it too. Colour never changes a
    /// character or its position, so text read without the profile is the same text: the
    /// tests compare the two paths page for page on the real reports that have one.
    /// Only the catalog's own key is renamed: the name followed (after white space) by `[` (an
    /// inline array) or an object number (an indirect reference), standing in an object whose
    /// dictionary says `/Catalog` and not in a stream's data (`inCatalog`), so the same bytes
    /// drawn as text on a page are left alone (unless the text spells a whole object header and
    /// `/Catalog` around them). A catalog inside a compressed object stream is
    /// not visible here and is left alone (that file is only slower).
    static func withoutOutputIntents(_ bytes: [UInt8]) -> [UInt8] {
        let key = Array("/OutputIntents".utf8)
        var hits: [Int] = []
        bytes.withUnsafeBufferPointer { b in
            guard b.count > key.count else { return }
            var i = 0
            let last = b.count - key.count // the last place the key can start
            while i <= last {
                // memchr for the '/' then a compare: most bytes are skipped in C.
                guard let p = memchr(b.baseAddress! + i, 0x2F, last - i + 1) else { break }
                let at = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                if memcmp(b.baseAddress! + at, key, key.count) == 0 {
                    var j = at + key.count
                    while j < b.count, b[j] == 0x20 || b[j] == 0x0A || b[j] == 0x0D || b[j] == 0x09 { j += 1 }
                    if j < b.count, b[j] == 0x5B || (0x30...0x39).contains(b[j]), inCatalog(b, at: at) { hits.append(at) }
                }
                i = at + 1
            }
        }
        guard !hits.isEmpty else { return bytes }
        var out = bytes
        for at in hits { out[at + key.count - 1] = 0x58 } // "s" -> "X"
        return out
    }

    /// Whether the byte at `at` lies in the dictionary of an object that says `/Catalog`: the
    /// nearest `obj` keyword before it is an object's header (`12 0 obj`, not the end of an
    /// `endobj`, which would put the place between objects, as a trailer is, nor a word of a
    /// page's text), no `stream` keyword lies between the two (the place is not in a stream's
    /// data), and `/Catalog` stands between that header and the next `endobj`. Only a stream
    /// whose own data spells a whole object header and `/Catalog` before the key could pass.
    /// A catalog is a short dictionary, so both searches stop 64 KiB from the key: a file of
    /// many such names far from any header costs no more than that per name.
    static func inCatalog(_ b: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        func matches(_ word: [UInt8], _ i: Int) -> Bool {
            i >= 0 && i + word.count <= b.count && memcmp(b.baseAddress! + i, word, word.count) == 0
        }
        let window = 1 << 16
        let obj = Array("obj".utf8)
        var open = at - obj.count
        while open >= max(0, at - window), !matches(obj, open) { open -= 1 }
        guard open >= max(0, at - window), isObjectHeader(b, obj: open),
              b[open..<at].firstRange(of: Array("stream".utf8)) == nil,
              let close = b[at..<min(b.count, at + window)].firstRange(of: Array("endobj".utf8))?.lowerBound else { return false }
        return b[open..<close].firstRange(of: Array("/Catalog".utf8)) != nil
    }

    /// Whether the `obj` at `obj` ends an indirect object's header: white space, a generation
    /// number, white space and an object number before it, and white space, a delimiter or the
    /// file's start before those.
    static func isObjectHeader(_ b: UnsafeBufferPointer<UInt8>, obj: Int) -> Bool {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0C || c == 0x00 }
        func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
        var j = obj - 1
        for part in 0..<4 { // space, generation, space, object number
            let wanted: (UInt8) -> Bool = part % 2 == 0 ? isSpace : isDigit
            let from = j
            while j >= 0, wanted(b[j]) { j -= 1 }
            if j == from { return false }
        }
        return j < 0 || isSpace(b[j]) || ">])}".utf8.contains(b[j])
    }

    /// A character's horizontal extent and height on the page.
    struct CharBox { var x1: Double, x2: Double, height: Double }

    /// poppler's page text joins blocks that share a line without a space ("children and
    /// familiesGood" from a table's heading and grade cells, "About this inspection2" from a
    /// contents line): where two characters of a line stand further apart than half the
    /// line's height with no space between them, a line break is put in. `boxes` has one box
    /// per Unicode scalar of `text`; when it does not, the text is returned as it is.
    static func separateCells(_ text: String, _ boxes: [CharBox]) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == boxes.count else { return text }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count + 16)
        for k in scalars.indices {
            let c = scalars[k]
            if k > 0, c != "\n", c != " ", scalars[k - 1] != "\n", scalars[k - 1] != " " {
                let gap = boxes[k].x1 - boxes[k - 1].x2
                if gap > 0.5 * max(boxes[k].height, boxes[k - 1].height) && gap > 2 { out.append("\n") }
            }
            out.append(c)
        }
        return String(out)
    }

    /// What a file without a PDF header looks like, for the skip reason.
    static func describe(_ bytes: [UInt8]) -> String {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
        if head.contains("<html") || head.contains("<!doctype html") { return "an HTML page" }
        if bytes.prefix(4) == [0x50, 0x4B, 0x03, 0x04] { return "a ZIP archive or Office document" }
        if bytes.prefix(8192).contains(0) { return "binary data" }
        return "text"
    }

    /// poppler reports every syntax problem of a damaged file on stderr through GLib's log;
    /// the reader turns them into one skip reason instead, so the "Poppler" log domain is
    /// silenced once per process.
    private static let silenced: Bool = {
        _ = g_log_set_handler("Poppler", GLogLevelFlags(rawValue: G_LOG_LEVEL_MASK.rawValue | G_LOG_FLAG_FATAL.rawValue | G_LOG_FLAG_RECURSION.rawValue),
                              { _, _, _, _ in }, nil)
        return true
    }()

    private static func quietPoppler() { _ = silenced }
}

extension LinkedLibrary {
    /// poppler as it reports itself (`poppler_get_version`), and the poppler-glib file loaded.
    package static let poppler = LinkedLibrary(name: "poppler", version: String(cString: poppler_get_version())
        + (loadedFile(soname: "libpoppler-glib.so").map { ", loaded from \($0)" } ?? ""))
}
