import Foundation

/// Small PDFs written at test time (no PDF is kept in the repository): pages of lines in
/// Helvetica, a line's cells (split at `\t`) set at separate places on the same baseline, as a
/// report's judgement table is. Also the unreadable kinds: a page with no text layer, and the
/// encrypted copy `qpdf` makes when it is installed (`scripts/install-deps --test`).
package enum TinyPDF {
    /// A PDF whose pages hold `pages` (one string per line; `\t` starts a cell at x = 470).
    package static func make(pages: [[String]]) -> [UInt8] {
        build(contents: pages.map { lines in
            var s = "BT /F1 10 Tf\n"
            var y = 780
            for line in lines {
                for (k, cell) in line.split(separator: "\t", omittingEmptySubsequences: false).enumerated() {
                    s += "1 0 0 1 \(k == 0 ? 60 : 470) \(y) Tm (\(escape(String(cell)))) Tj\n"
                }
                y -= 14
            }
            return s + "ET\n"
        })
    }

    /// A PDF of `count` pages that only draw lines: no text layer.
    package static func imagesOnly(pages count: Int) -> [UInt8] {
        build(contents: Array(repeating: "0 0 m 300 300 l S\n", count: count))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
    }

    static func build(contents: [String]) -> [UInt8] {
        var objects: [String] = []
        let n = contents.count
        // 1 catalog, 2 pages, 3 font, then page k at 4 + 2k and its content at 5 + 2k.
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\((0..<n).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(n) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        for (k, content) in contents.enumerated() {
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents \(5 + 2 * k) 0 R >>")
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (k, body) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(k + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    /// `qpdf`'s path, when installed.
    package static var qpdf: String? {
        ["/usr/bin/qpdf", "/usr/local/bin/qpdf"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// An AES-256 copy of `source` that needs the user password "secret" (nil without qpdf).
    package static func encrypted(_ source: String, to path: String) throws -> Bool {
        guard let qpdf else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: qpdf)
        p.arguments = ["--encrypt", "secret", "owner", "256", "--", source, path]
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
