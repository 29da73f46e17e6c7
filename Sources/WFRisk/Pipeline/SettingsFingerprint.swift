import Foundation

/// A canonical text of any settings value, for the run key: every stored property, found by
/// reflection so a setting added later is covered without editing this file; dictionaries sorted
/// by key (their iteration order changes between processes); numbers in round-trip precision.
enum SettingsFingerprint {
    static func text(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout String) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let some = mirror.children.first { write(some.value, into: &out) } else { out += "nil" }
        case .dictionary:
            let entries = mirror.children.map { child -> (String, String) in
                let pair = Array(Mirror(reflecting: child.value).children)
                return (text(pair[0].value), text(pair[1].value))
            }.sorted { $0.0 < $1.0 }
            out += "{" + entries.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        case .collection, .set:
            let items = mirror.children.map { text($0.value) }
            out += "[" + (mirror.displayStyle == .set ? items.sorted() : items).joined(separator: ",") + "]"
        case .struct, .class, .tuple:
            out += "(" + mirror.children.map { "\($0.label ?? "_")=\(text($0.value))" }.joined(separator: ",") + ")"
        case .enum:
            if let payload = mirror.children.first {
                out += "\(payload.label ?? "")(\(text(payload.value)))"
            } else {
                out += "\(value)"
            }
        default:
            out += "\(value)"
        }
    }
}
