import Foundation
import Testing
@testable import WFRisk

/// HTML stripping: linear on pages whose tags or comments never close, and the same text out
/// as the backtracking patterns it replaced (kept here as the reference).
struct HTMLTextTests {
    /// The previous implementation, as the oracle.
    static func reference(_ html: String) -> String {
        var s = html
        for tag in HTMLText.removedElements {
            s = s.replacingOccurrences(of: "<\(tag)\\b[\\s\\S]*?</\(tag)\\s*>", with: "\n", options: [.regularExpression, .caseInsensitive])
        }
        s = s.replacingOccurrences(of: "<!--[\\s\\S]*?-->", with: "", options: .regularExpression)
        s = s.replacingOccurrences(of: "<(br|/p|/div|/li|/h[1-6]|/tr|/section|/article|/blockquote|p|li|h[1-6])\\b[^>]*>",
                                   with: "\n", options: [.regularExpression, .caseInsensitive])
        s = s.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        s = HTMLText.decodeEntities(s)
        s = s.replacingOccurrences(of: "[ \\t\\u00A0]+", with: " ", options: .regularExpression)
        s = s.replacingOccurrences(of: " *\\n *", with: "\n", options: .regularExpression)
        s = s.replacingOccurrences(of: "\\n{3,}", with: "\n\n", options: .regularExpression)
        return s.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    @Test func sameTextAsThePatternsOnRandomMarkup() {
        let pieces = ["<script>", "</script>", "<SCRIPT type=x>", "</script >", "<style>", "</style>", "<nav>", "</nav>",
                      "<header>", "</header>", "<scripts>", "<!--", "-->", "<p>", "</p>", "<br/>", "<li class=a>", "<h2>", "</h3>",
                      "<pre>", "<div>", "</div>", "<a href='x'>", "</a>", "<", ">", "&amp;", "&rsquo;", "&#163;", " ", "  ",
                      "\n", "\n\n\n", "\t", "text", "Kent", "caseload", "é", "\u{00A0}", "<p", "<script", "</script", "<!-- c -->"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let n = Int.random(in: 0..<30, using: &rng)
            let html = (0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(HTMLText.strip(html) == HTMLTextTests.reference(html), "\(html.debugDescription)")
        }
    }

    @Test func realPagesStripAsBefore() throws {
        let dir = Fixtures.sharedData + "/inspections"
        guard FileManager.default.fileExists(atPath: dir) else { print(Fixtures.sharedSkipMessage); return }
        var compared = 0
        let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? []
        for f in files where f.hasSuffix(".txt") || f.hasSuffix(".html") || f.hasSuffix(".md") {
            guard let text = try? String(contentsOfFile: dir + "/" + f, encoding: .utf8) else { continue }
            #expect(HTMLText.strip(text) == HTMLTextTests.reference(text), "\(f)")
            compared += 1
        }
        #expect(compared > 0)
    }

    /// A 200 KB page of unclosed `<script` and `<!--` took about 40 s with the patterns.
    @Test func unclosedTagsAndCommentsAreLinear() {
        for unit in ["<script x ", "<!-- ", "<p ", "<style", "</script", "<a "] {
            let page = "<html><body>" + String(repeating: unit + "words words ", count: 200_000 / (unit.count + 12))
            let start = Date()
            let text = HTMLText.strip(page)
            let seconds = Date().timeIntervalSince(start)
            #expect(seconds < 3, "\(unit): \(seconds) s")
            #expect(text.contains("words"))
        }
    }
}
