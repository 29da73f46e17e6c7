import Foundation
import WFRiskCore

/// The report's fast template path: the Mustache subset `Resources/report/*.mustache` use
/// (`{{name}}`, `{{{name}}}`, `{{.}}`, `{{#name}}`, `{{^name}}`, `{{/name}}`, names beginning with
/// `.` looked up in the current value only), rendered into bytes from the views' fields
/// (`TemplateFields.field`, read by key) and from dictionaries of names. It gives swift-mustache's
/// output, over the same values made plain (`ScoresReport.plain`), byte for byte (its standalone-line
/// rule, its truthiness: an empty string is true, an empty list false; its escaping of
/// `< > & " '`), without its per-lookup protocol casts and per-character escaping, which were
/// most of the report's write time (docs/performance.md, "report at scale").
/// A template using anything else (partials, comments, delimiters, lambdas) is refused with
/// `Unsupported`, and the report falls back to swift-mustache. `ReportTemplateTests` pins the two
/// paths to each other. Printing a view or a list itself (`{{name}}` naming one) is outside the
/// subset: no template does it, and the two paths print different descriptions of it.
struct ReportTemplate: Sendable {
    struct Unsupported: Error, CustomStringConvertible {
        let tag: String
        var description: String { "the report's fast template path does not handle {{\(tag)}}" }
    }

    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Path, escaped: Bool)
        case section(Path, inverted: Bool, body: [Node])
    }

    /// A tag's name: its dotted parts (none for `.`), each part's `TemplateKey` when it is one
    /// (found here, once, not at every lookup), and whether it began with `.` (looked up in the
    /// current value only).
    struct Path: Sendable {
        let names: [String]
        let keys: [TemplateKey?]
        let local: Bool

        init(_ name: String) {
            local = name != "." && name.hasPrefix(".")
            names = name == "." ? [] : name.split(separator: ".").map(String.init)
            keys = names.map(TemplateKey.init(rawValue:))
        }
    }

    let nodes: [Node]

    init(_ text: String) throws {
        // swift-mustache reads Characters: a lone CR or a Unicode line separator ends its lines too.
        if text.contains(where: { $0.isNewline && $0 != "\n" }) { throw Unsupported(tag: "a line end other than LF") }
        var parser = Parser(bytes: Array(text.utf8))
        nodes = try parser.parse(section: nil, newLine: true)
    }

    /// `value`: a view (`TemplateFields`), or what `ScoresReport.plain` returns (dictionaries,
    /// arrays, strings, Bools, Ints), which may also hold views, lists made an item at a time
    /// (`TemplateList`) and HTML already rendered (`RenderedHTML`, placed as bytes).
    func render(_ value: Any) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        var stack = [TemplateValue(value)]
        Self.render(nodes, stack: &stack, into: &out, flush: { _ in })
        return out
    }

    /// `render(_:)` handed to `write` in blocks of about `blockSize` bytes (cut between the items
    /// of a list) instead of held whole. Why: at 100x the national page is 41 MB, and holding it
    /// while it grew (by doubling) was about 90 MB of the default formats' peak.
    /// `WriteFastPathTests` pins the blocks to `render(_:)`.
    func render(_ value: Any, blockSize: Int, to write: ([UInt8]) throws -> Void) throws {
        var out: [UInt8] = []
        out.reserveCapacity(blockSize + (1 << 16))
        var stack = [TemplateValue(value)]
        try Self.render(nodes, stack: &stack, into: &out) { out in
            guard out.count >= blockSize else { return }
            try write(out)
            out.removeAll(keepingCapacity: true)
        }
        if !out.isEmpty { try write(out) }
    }

    // MARK: Rendering

    /// `flush` is offered the bytes so far after each item of a list.
    private static func render(_ nodes: [Node], stack: inout [TemplateValue], into out: inout [UInt8],
                               flush: (inout [UInt8]) throws -> Void) rethrows {
        for node in nodes {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let path, let escaped):
                guard let v = lookup(path, in: stack) else { continue }
                let text: String
                switch v {
                case .text(let s): text = s
                case .html(let html):
                    guard escaped else { out.append(contentsOf: html.bytes); continue }
                    text = html.string
                case .flag(let b): text = b ? "true" : "false"
                case .number(let i): text = String(i)
                case .texts(let t): text = String(describing: t)
                case .views, .view: text = String(describing: v.plain)
                case .names(let d): text = String(describing: d)
                case .list(let a): text = String(describing: a)
                case .other(let o): text = String(describing: o)
                }
                if escaped { escape(text, into: &out) } else { out.append(contentsOf: text.utf8) }
            case .section(let path, let inverted, let body):
                let v = lookup(path, in: stack)
                switch v {
                case .list(let list)?:
                    try section(list.count, { TemplateValue(list[$0]) }, inverted: inverted, body, stack: &stack, into: &out, flush: flush)
                case .texts(let list)?:
                    try section(list.count, { .text(list[$0]) }, inverted: inverted, body, stack: &stack, into: &out, flush: flush)
                case .views(let list)?:
                    // As the `[Any]` it stands for (`TemplateList.materialized`), an item at a time.
                    try section(list.count, { .view(list.item($0)) }, inverted: inverted, body, stack: &stack, into: &out, flush: flush)
                case .flag(let b)?:
                    if b != inverted { try render(body, stack: &stack, into: &out, flush: flush) }
                case nil:
                    if inverted { try render(body, stack: &stack, into: &out, flush: flush) }
                case let some?:
                    guard !inverted else { continue }
                    stack.append(some)
                    try render(body, stack: &stack, into: &out, flush: flush)
                    stack.removeLast()
                }
            }
        }
    }

    /// A section over a list of `count` items: the body once per item, each on top of the stack
    /// (then `flush` is offered the bytes), or, inverted, once over the empty list if it is empty.
    private static func section(_ count: Int, _ item: (Int) -> TemplateValue, inverted: Bool, _ body: [Node], stack: inout [TemplateValue],
                                into out: inout [UInt8], flush: (inout [UInt8]) throws -> Void) rethrows {
        if inverted {
            guard count == 0 else { return }
            stack.append(.list([]))
            try render(body, stack: &stack, into: &out, flush: flush)
            stack.removeLast()
            return
        }
        for i in 0..<count {
            stack.append(item(i))
            try render(body, stack: &stack, into: &out, flush: flush)
            stack.removeLast()
            try flush(&out)
        }
    }

    /// `.` is the current value; a name is looked up from the innermost value outwards (only in the
    /// current one when it began with `.`), then each further part of a dotted name inside it.
    private static func lookup(_ path: Path, in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = path.names.first else { return stack.last }
        var found: TemplateValue?
        if path.local {
            found = member(first, path.keys[0], of: stack[stack.count - 1])
        } else {
            // By index, each value lent to `member`: iterating `stack.reversed()` copied each
            // value (an existential's box retained and released) at every lookup.
            var i = stack.count - 1
            while i >= 0 {
                if let c = member(first, path.keys[0], of: stack[i]) { found = c; break }
                i -= 1
            }
        }
        for k in path.names.indices.dropFirst() {
            guard let f = found else { return nil }
            found = member(path.names[k], path.keys[k], of: f)
        }
        return found
    }

    /// The value `name` (its key `key`, when it is one) names in `value`, if any.
    private static func member(_ name: String, _ key: TemplateKey?, of value: TemplateValue) -> TemplateValue? {
        switch value {
        case .view(let v):
            // Called directly: `key.flatMap(v.field)` made a closure holding a copy of the view.
            guard let key else { return nil }
            return v.field(key)
        case .names(let d): return d[name].map(TemplateValue.init)
        default: return nil
        }
    }

    /// `text` with `< > & " '` escaped, appended to `out`: the bytes between two of them appended
    /// as one run (appending byte by byte was an eighth of the national report's time, `perf`,
    /// docs/performance.md). `WriteFastPathTests.chartTextEscapedOverBytesIsThePlainEscape` pins
    /// it, through `ReportCharts.esc`, to a scalar-by-scalar loop.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in bytes.indices {
                let entity: StaticString
                switch bytes[i] {
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    // MARK: Parsing (swift-mustache's rules for where a line is "standalone")

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        static let open: [UInt8] = Array("{{".utf8)
        static let close: [UInt8] = Array("}}".utf8)

        func at(_ s: [UInt8], _ p: Int) -> Bool {
            p + s.count <= bytes.count && bytes[p..<(p + s.count)].elementsEqual(s)
        }

        /// After a tag ending at `i`: spaces and tabs, then a line end or the end. Moves past the line end when so.
        mutating func lineFinished() -> Bool {
            if i >= bytes.count { return true }
            var p = i
            while p < bytes.count, bytes[p] == 0x20 || bytes[p] == 0x09 { p += 1 }
            if p < bytes.count, bytes[p] == 0x0A { i = p + 1; return true }
            return false
        }

        /// The nodes up to the close tag of `section` (or the end), `newLine` whether parsing starts a line.
        mutating func parse(section: String?, newLine start: Bool) throws -> [Node] {
            var nodes: [Node] = []
            var newLine = start
            var text: [UInt8] = []
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)); text = [] }
            }
            while i < bytes.count {
                var whitespace: [UInt8] = []
                if newLine {
                    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { whitespace.append(bytes[i]); i += 1 }
                }
                // Text to a line end or a tag.
                var line: [UInt8] = []
                var endedLine = false
                while i < bytes.count {
                    if bytes[i] == 0x0A { line.append(0x0A); i += 1; endedLine = true; break }
                    if at(Self.open, i) { break }
                    line.append(bytes[i]); i += 1
                }
                if endedLine {
                    text += whitespace + line
                    newLine = true
                    continue
                }
                if !line.isEmpty {
                    text += whitespace + line
                    whitespace = []
                    newLine = false
                }
                guard i < bytes.count else { break }  // (trailing spaces without a line end are dropped, as swift-mustache does)
                // A tag.
                i += 2
                let triple = i < bytes.count && bytes[i] == UInt8(ascii: "{")
                if triple { i += 1 }
                guard let end = (i..<bytes.count).first(where: { at(Self.close, $0) }) else { throw Unsupported(tag: "unclosed tag") }
                let raw = String(decoding: bytes[i..<end], as: UTF8.self)
                i = end + 2
                if triple {
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else { throw Unsupported(tag: "{" + raw) }
                    i += 1
                }
                let sigil = triple ? nil : raw.first.flatMap { "#^/".contains($0) ? $0 : nil }
                let name = (sigil == nil ? raw : String(raw.dropFirst())).trimmingCharacters(in: .whitespaces)
                // ASCII names only: swift-mustache refuses others, and a name it refuses must reach
                // it (through the fallback) to be reported, not be looked up and render as nothing.
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
                      !(raw.first.map { "!>=&<$%{".contains($0) } ?? true) || triple else {
                    throw Unsupported(tag: raw)
                }
                let path = Path(name)
                switch sigil {
                case "#", "^":
                    let standalone = newLine && lineFinished()
                    if !standalone { text += whitespace }
                    flush()
                    let body = try parse(section: name, newLine: standalone)
                    nodes.append(.section(path, inverted: sigil == "^", body: body))
                    newLine = standalone
                case "/":
                    guard name == section else { throw Unsupported(tag: raw) }
                    let standalone = newLine && lineFinished()
                    if !standalone { text += whitespace }
                    flush()
                    return nodes
                default:
                    text += whitespace
                    flush()
                    nodes.append(.variable(path, escaped: !triple))
                    newLine = false
                }
            }
            guard section == nil else { throw Unsupported(tag: "#\(section!) without its close") }
            flush()
            return nodes
        }
    }
}
