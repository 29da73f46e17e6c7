import Foundation
import WFRiskCore
import WFRiskOfsted

/// Metadata a user supplies for a text (front matter or a `<file>.meta.yml` sidecar);
/// it overrides what extraction finds.
struct InspectionMetadata: Sendable, Equatable {
    var laCodes: [String] = []
    var date: String?
    var visitType: VisitType?
    var judgement: Judgement?
    var sourceURL: String?
}

/// A text ready for extraction: decoded, HTML stripped, line ends normalised.
public struct InspectionSource: Sendable {
    var file: String
    var text: String
    var metadata: InspectionMetadata
    /// Where the metadata came from, for error messages.
    var metadataFile: String?
    var metadataLine: Int
    /// A PDF's lines, furniture removed but not yet joined into paragraphs: the layout the
    /// Ofsted report reader reads its title block and judgement table from (nil for texts:
    /// their own lines are used).
    var layoutLines: [String]? = nil
}

/// Why a file was skipped.
public struct SkippedText: Sendable, Equatable {
    public var file: String
    public var reason: String
}

/// Reads `.txt`, `.md` and `.html` files: UTF-8 (with or without BOM), UTF-16 with BOM, or
/// Windows-1252; CRLF; front matter (`---` … `---`) or a sidecar `<file>.meta.yml`. Reads
/// `.pdf` files (and any file that starts as a PDF) through `PDFText` and `PDFProse`.
public enum InspectionSourceReader {
    static let extensions = ["txt", "md", "markdown", "html", "htm", "pdf"]

    /// The decoded source, or the reason it cannot be read (empty, binary, undecodable).
    public static func read(path: String) throws -> Result<InspectionSource, SkippedText> {
        guard let bytes = fileBytes(path) else {
            return .failure(SkippedText(file: path, reason: "cannot read file"))
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "pdf" || PDFText.hasPDFHeader(bytes[...]) { return try readPDF(path: path, bytes: bytes) }
        guard !bytes.isEmpty else { return .failure(SkippedText(file: path, reason: "empty file")) }
        var text: String
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let t = String(data: Data(bytes), encoding: .utf16) else {
                return .failure(SkippedText(file: path, reason: "undecodable UTF-16"))
            }
            text = t
        } else {
            if bytes.prefix(8192).contains(0) { return .failure(SkippedText(file: path, reason: "binary file (NUL bytes), not text")) }
            var body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            if body.contains(0x0D) { body = unixLineEnds(body) }
            // Control bytes are the same in UTF-8 and Windows-1252, so count them before decoding.
            var controls = 0
            for b in body where b < 32 && b != 0x0A && b != 0x09 && b != 0x0C { controls += 1 }
            text = TextDecoding.decode(body)
            if controls > 8 && controls > text.unicodeScalars.count / 100 {
                return .failure(SkippedText(file: path, reason: "binary file (control characters), not text"))
            }
        }
        if containsByte(text, 0x0D) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        var metadata = InspectionMetadata()
        var metadataFile: String?
        var metadataLine = 1
        if text.hasPrefix("---\n"), let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 4)..<text.endIndex) {
            let yaml = String(text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound])
            metadata = try parseMetadata(yaml, file: path)
            metadataFile = path
            metadataLine = 2
            // Blank out the front matter so offsets still point into the file's text.
            let header = text[text.startIndex..<end.upperBound]
            text = String(repeating: "\n", count: header.filter { $0 == "\n" }.count) + text[end.upperBound...]
        }
        if let (m, sidecar) = try sidecarMetadata(path) {
            metadata = m
            metadataFile = sidecar
            metadataLine = 1
        }
        if ext == "html" || ext == "htm" || looksLikeHTML(text) {
            text = HTMLText.strip(text)
        }
        if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            return .failure(SkippedText(file: path, reason: "no text"))
        }
        return .success(InspectionSource(file: path, text: text, metadata: metadata, metadataFile: metadataFile, metadataLine: metadataLine))
    }

    /// The file's bytes; the `Data` they are read into is let go on return, so a large text is
    /// not held twice while it is decoded (issue 27: memory).
    static func fileBytes(_ path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// A PDF's prose, or why it cannot be read (the reason names what is wrong: empty,
    /// not a PDF, truncated, encrypted, damaged, no text layer). A sidecar `<file>.meta.yml`
    /// applies as to texts.
    static func readPDF(path: String, bytes: [UInt8]) throws -> Result<InspectionSource, SkippedText> {
        switch PDFText.read(bytes: bytes) {
        case .failure(let why):
            return .failure(SkippedText(file: path, reason: why.description))
        case .success(let pdf):
            let pages = PDFProse.pages(pdf)
            var source = InspectionSource(file: path, text: PDFProse.text(pages: pages), metadata: InspectionMetadata(), metadataFile: nil, metadataLine: 1,
                                          layoutLines: pages.flatMap { $0 })
            if let (m, sidecar) = try sidecarMetadata(path) {
                source.metadata = m
                source.metadataFile = sidecar
            }
            if source.text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                return .failure(SkippedText(file: path, reason: PDFUnreadable.noTextLayer(pages: pdf.pages.count).description))
            }
            return .success(source)
        }
    }

    /// The metadata of `<path>.meta.yml` and its path, when the sidecar exists. One that is not
    /// UTF-8 is refused naming it, never silently ignored.
    static func sidecarMetadata(_ path: String) throws -> (InspectionMetadata, String)? {
        let sidecar = path + ".meta.yml"
        guard let data = FileManager.default.contents(atPath: sidecar) else { return nil }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw WFRiskError.input(InputProblem(file: sidecar, line: 1, message: "metadata sidecar is not UTF-8 text"))
        }
        return (try parseMetadata(yaml, file: sidecar), sidecar)
    }

    /// Whether the text's UTF-8 holds `byte` (memchr; the generic `text.utf8.contains` walks
    /// the view a byte at a time).
    static func containsByte(_ text: String, _ byte: UInt8) -> Bool {
        var text = text
        return text.withUTF8 { u in u.count > 0 && memchr(u.baseAddress!, Int32(byte), u.count) != nil }
    }

    /// `text.prefix(512).lowercased().contains("<html")`, read on bytes when the first 513 are
    /// ASCII without CR: then each byte is one character and the 513th cannot join the 512th,
    /// so the first 512 characters are the first 512 bytes. Otherwise the plain expression.
    static func looksLikeHTML(_ text: String) -> Bool {
        var text = text
        let ascii: Bool? = text.withUTF8 { u in
            for k in 0..<min(u.count, 513) where u[k] >= 0x80 || u[k] == 0x0D { return nil }
            let n = min(u.count, 512)
            let tag = Array("<html".utf8)
            guard n >= tag.count else { return false }
            for k in 0...(n - tag.count) where u[k] == 0x3C {
                var ok = true
                for m in 1..<tag.count {
                    let b = u[k + m]
                    if (b >= 0x41 && b <= 0x5A ? b + 32 : b) != tag[m] { ok = false; break }
                }
                if ok { return true }
            }
            return false
        }
        return ascii ?? text.prefix(512).lowercased().contains("<html")
    }

    /// CRLF and lone CR line ends as LF.
    static func unixLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    static func parseMetadata(_ yaml: String, file: String) throws -> InspectionMetadata {
        let root = try ConfigNode.parse(file: file, text: yaml)
        var m = InspectionMetadata()
        for (key, value) in try root.mapping(allowed: ["la_code", "la_codes", "date", "visit_type", "judgement", "source_url", "title"]) {
            switch key {
            case "la_code", "la_codes": m.laCodes = try value.strings()
            case "date":
                let d = try value.string()
                guard InspectionDates.isISODate(d) else { throw value.error("date must be YYYY-MM-DD, got '\(d)'") }
                m.date = d
            case "visit_type":
                let v = try value.string()
                guard let type = VisitType(rawValue: v) else {
                    throw value.error("unknown visit_type '\(v)'; expected one of: \(VisitType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                m.visitType = type
            case "judgement":
                let j = try value.string().lowercased().replacingOccurrences(of: " ", with: "_")
                guard let judgement = Judgement(rawValue: j) else {
                    throw value.error("unknown judgement '\(j)'; expected one of: \(Judgement.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                m.judgement = judgement
            case "source_url": m.sourceURL = try value.string()
            default: break
            }
        }
        return m
    }
}
