import Foundation
import WFRiskCore

/// The checks every CSV source makes of a row's authority, dates and grades, each failure an
/// input problem naming file, line and field (issue 27: a row is never dropped or misplaced
/// without a word).
struct RowChecks {
    let file: String
    let registry: AuthorityRegistry
    let today: DayStamp
    var problems: [InputProblem] = []

    init(file: String, registry: AuthorityRegistry, today: DayStamp) {
        self.file = file
        self.registry = registry
        self.today = today
    }

    mutating func fail(_ line: Int, _ field: String, _ message: String) {
        problems.append(InputProblem(file: file, line: line, field: field, message: message))
    }

    /// The authorities a code cell names: one code, or a joint form such as `314 / 318` (each
    /// member then has the judgement). Every code must be known to the registry.
    mutating func codes(_ text: String, line: Int, field: String) -> [Authority]? {
        let parts = AuthorityRegistry.splitCombined(text)
        guard !parts.isEmpty else { fail(line, field, "empty code"); return nil }
        var found: [Authority] = []
        for p in parts {
            let a = field.hasPrefix("new") ? registry.authority(newCode: p) : registry.authority(oldCode: p)
            guard let a else {
                fail(line, field, "'\(p)' is not an authority code the registry knows (a row for no known council would be dropped without effect)")
                return nil
            }
            found.append(a)
        }
        return found
    }

    /// A name given beside the codes must not be another council's.
    mutating func checkName(_ name: String, of authorities: [Authority], line: Int, field: String) {
        guard !name.isEmpty else { return }
        let named = Set(registry.oldCodes(named: name))
        let joint = Set(AuthorityRegistry.splitCombined(name).flatMap { registry.oldCodes(named: $0) })
        let known = named.union(joint)
        guard !known.isEmpty, known.isDisjoint(with: authorities.map(\.oldCode)) else { return }
        let other = known.sorted().compactMap { registry.authority(oldCode: $0) }.map { "\($0.name) (\($0.oldCode))" }.joined(separator: ", ")
        fail(line, field, "'\(name)' is \(other), not \(authorities.map { "\($0.name) (\($0.oldCode))" }.joined(separator: " / ")) as the code says")
    }

    /// A publication date: ISO as the judgements file writes it, never after today.
    mutating func published(_ text: String, _ date: DayStamp?, line: Int, field: String) -> DayStamp? {
        guard let date else {
            fail(line, field, "'\(text)' is not a date")
            return nil
        }
        guard date <= today else {
            fail(line, field, "\(date) is after today (\(today)): a judgement cannot have been published in the future")
            return nil
        }
        return date
    }

    /// An overall grade (required).
    mutating func grade(_ text: String, line: Int, field: String) -> OfstedGrade? {
        guard let g = OfstedGrade(text: text) else {
            fail(line, field, "'\(text)' is not outstanding, good, requires improvement or inadequate")
            return nil
        }
        return g
    }

    /// A sub-judgement: empty, one of `absent` (the source's words for "not graded"), or a grade.
    mutating func area(_ text: String, absent: Set<String> = [], line: Int, field: String) -> OfstedGrade?? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || absent.contains(t.lowercased()) { return .some(nil) }
        guard let g = OfstedGrade(text: t) else {
            fail(line, field, "'\(text)' is not a grade (outstanding, good, requires improvement, inadequate) or empty")
            return nil
        }
        return .some(g)
    }
}
