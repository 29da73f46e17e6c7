/// A JSON document with ordered keys and pre-formatted numbers, so output is
/// byte-for-byte deterministic and numbers keep their documented decimals.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number already formatted (see `Decimals`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    public static func double(_ v: Double?, decimals: Int) -> JSONValue {
        guard let v else { return .null }
        return .number(Decimals.format(v, decimals))
    }
    public static func optionalString(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// Pretty-printed with two-space indents and a final newline.
    public func rendered() -> String {
        var out = ""
        render(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func render(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let s): out += s
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += JSONValue.indent(indent + 2)
                item.render(into: &out, indent: indent + 2)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += JSONValue.indent(indent) + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in pairs.enumerated() {
                out += JSONValue.indent(indent + 2)
                JSONValue.escape(key, into: &out)
                out += ": "
                value.render(into: &out, indent: indent + 2)
                out += i + 1 < pairs.count ? ",\n" : "\n"
            }
            out += JSONValue.indent(indent) + "}"
        }
    }

    private static let indents: [String] = (0...64).map { String(repeating: " ", count: $0) }
    private static func indent(_ n: Int) -> String { n < indents.count ? indents[n] : String(repeating: " ", count: n) }

    private static func escape(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// Fixed-decimal formatting that does not depend on locale.
public enum Decimals {
    public static func format(_ value: Double, _ decimals: Int) -> String {
        precondition(value.isFinite, "non-finite value cannot be written")
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        if scaled == 0 { scaled = 0 } // no "-0.00"
        let negative = scaled < 0
        let digits = String(Int64(abs(scaled)))
        guard decimals > 0 else { return (negative ? "-" : "") + digits }
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        return (negative ? "-" : "") + padded[..<split] + "." + padded[split...]
    }

    /// Rounds to what `format` would write, so ranks agree with the written numbers.
    public static func round(_ value: Double, _ decimals: Int) -> Double {
        Double(format(value, decimals))!
    }
}
