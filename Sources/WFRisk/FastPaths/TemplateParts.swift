/// A `{name}` template of `unit_words.yml` split once into its literal text and its names, so
/// filling it appends pieces instead of searching the template again.
///
/// Why not `UnitWords.plainFill` (the version `UnitWordsTests` compares it with): every unit's
/// `main_drivers` and `summary` fill five to eight templates, and on workload b (20,000 units)
/// searching each template for braces character by character, unit after unit, was about a
/// quarter of the uncertainty stage (`perf`, docs/performance.md). The split follows the plain
/// fill's scan exactly (a name runs from a `{` to the next `}`; an unknown name is written as
/// it stands), so the text is the same.
struct TemplateParts: Sendable {
    enum Part: Sendable {
        case text(String)
        /// A name and the `{name}` written when no value is given.
        case name(String, written: String)
    }

    let parts: [Part]

    init(_ template: String) {
        var parts: [Part] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            parts.append(.name(String(rest[rest.index(after: open)..<close]), written: String(rest[open...close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty || parts.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The template with each name replaced by its value.
    func fill(_ values: [String: String]) -> String {
        if parts.count == 1, case .text(let t) = parts[0] { return t }
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .name(let name, let written): out += values[name] ?? written
            }
        }
        return out
    }
}
