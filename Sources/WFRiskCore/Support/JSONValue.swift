/// A JSON document with ordered keys and pre-formatted numbers, so output is
/// byte-for-byte deterministic and numbers keep their documented decimals.
package indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number already formatted (see `Decimals`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// An array whose `count` elements are built one at a time while rendering, so a national
    /// document never holds every row's tree in memory at once.
    case generated(Int, @Sendable (Int) -> JSONValue)

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    package static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    package static func double(_ v: Double?, decimals: Int) -> JSONValue {
        guard let v else { return .null }
        return .number(Decimals.format(v, decimals))
    }
    package static func optionalString(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// Pretty-printed with two-space indents and a final newline.
    package func rendered() -> String {
        String(decoding: renderedBytes(), as: UTF8.self)
    }

    /// `rendered()` as UTF-8 bytes, ready to write.
    package func renderedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        render(into: &out, indent: 0) { _ in }
        out.append(0x0A)
        return out
    }

    /// `rendered()` handed to `emit` in pieces of about `chunk` bytes, so a document of hundreds
    /// of megabytes (a large text's extraction) never sits in memory whole; the elements of
    /// `generated` arrays are built one at a time as they are rendered. (scores.json, which once
    /// rendered its units here on several threads, is written by `JSONWriter`.)
    package func render(chunk: Int = 4 << 20, emit: ([UInt8]) throws -> Void) throws {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + chunk / 2)
        var failure: Error?
        render(into: &out, indent: 0) { buffer in
            guard failure == nil, buffer.count >= chunk else { return }
            do { try emit(buffer) } catch { failure = error }
            buffer.removeAll(keepingCapacity: true)
        }
        if let failure { throw failure }
        out.append(0x0A)
        try emit(out)
    }

    // Rendered as UTF-8 bytes: national-scale documents run to hundreds of megabytes. `flush` is
    // offered the buffer after each array element and may empty it.
    private func render(into out: inout [UInt8], indent: Int, flush: (inout [UInt8]) -> Void) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let s): out.append(contentsOf: s.utf8)
        case .string(let s): JSONValue.escape(s, into: &out)
        case .generated(let count, let element):
            JSONValue.renderElements(count, element, into: &out, indent: indent, flush: flush)
        case .array(let items):
            JSONValue.renderElements(items.count, { items[$0] }, into: &out, indent: indent, flush: flush)
        case .object(let pairs):
            if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(contentsOf: "{\n".utf8)
            for (i, (key, value)) in pairs.enumerated() {
                JSONValue.indent(indent + 2, into: &out)
                JSONValue.escape(key, into: &out)
                out.append(0x3A)
                out.append(0x20)
                value.render(into: &out, indent: indent + 2, flush: flush)
                if i + 1 < pairs.count { out.append(0x2C) }
                out.append(0x0A)
            }
            JSONValue.indent(indent, into: &out)
            out.append(0x7D)
        }
    }

    private static func renderElements(_ count: Int, _ element: (Int) -> JSONValue, into out: inout [UInt8], indent: Int,
                                       flush: (inout [UInt8]) -> Void) {
        if count == 0 { out.append(contentsOf: "[]".utf8); return }
        out.append(contentsOf: "[\n".utf8)
        for i in 0..<count {
            JSONValue.indent(indent + 2, into: &out)
            element(i).render(into: &out, indent: indent + 2, flush: flush)
            if i + 1 < count { out.append(0x2C) }
            out.append(0x0A)
            flush(&out)
        }
        JSONValue.indent(indent, into: &out)
        out.append(0x5D)
    }

    private static func indent(_ n: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: n))
    }

    /// A JSON string literal (also `JSONWriter`'s).
    /// Whether a byte of a string's UTF-8 is written escaped (`escape`): a control character, a
    /// quote or a backslash.
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            // Most strings need no escaping: copy runs of plain bytes whole.
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard needsEscape(b) else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                switch b {
                case 0x22: out.append(contentsOf: "\\\"".utf8)
                case 0x5C: out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    let hex = String(b, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(0x22)
    }
}
