import Foundation
import WFRiskCore

/// The text scorer shipped with the development set (`../shared/data/inspections/dev/score.py`),
/// measure for measure, so `wfrisk evaluate-extraction` reports what that scorer reports on the
/// same predictions: primary-authority F1 (matched by new code, else by normalised name),
/// visit type and judgement accuracy over texts whose label has one, and signal F1 over the
/// distinct core (theme, polarity) pairs of each text (`mixed` counts as both; historic and
/// optional signals neither required nor penalised).
package struct TextScore: Sendable, Equatable {
    struct Counts: Sendable, Equatable {
        var tp = 0, fp = 0, fn = 0
        /// score.py's F1: 0 when nothing is right.
        var f1: Double { tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn) }
    }

    var authority = Counts()
    var signals = Counts()
    var visitCorrect = 0, visitLabelled = 0
    var judgementCorrect = 0, judgementLabelled = 0
    var texts = 0
    /// score.py's `--verbose` lines, in its order.
    package var notes: [String] = []

    var visitAccuracy: Double { visitLabelled > 0 ? Double(visitCorrect) / Double(visitLabelled) : 1 }
    var judgementAccuracy: Double { judgementLabelled > 0 ? Double(judgementCorrect) / Double(judgementLabelled) : 1 }
    /// The scorer's pass mark (issue 13's targets).
    package var passes: Bool { authority.f1 >= 0.95 && signals.f1 >= 0.85 && visitAccuracy >= 0.9 && judgementAccuracy >= 0.9 }

    /// score.py's summary line, same wording and rounding.
    package var summary: String {
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return "texts: authority F1 \(f(authority.f1)) (tp \(authority.tp) fp \(authority.fp) fn \(authority.fn)), "
            + "signals F1 \(f(signals.f1)) (tp \(signals.tp) fp \(signals.fp) fn \(signals.fn)), "
            + "visit type \(f(visitAccuracy)), judgement \(f(judgementAccuracy)) on \(texts) texts"
    }

    static let core: Set<String> = ["turnover", "agency", "vacancies_recruitment", "caseload", "stability"]

    static func norm(_ s: String?) -> String { String((s ?? "").lowercased().unicodeScalars.filter { $0 >= "a" && $0 <= "z" }.map(Character.init)) }

    static func visit(_ v: String?) -> String? {
        let v = norm(v)
        guard !v.isEmpty else { return nil }
        for (k, out) in [("monitoring", "monitoring"), ("focused", "focused"), ("jtai", "jtai"), ("jointtargeted", "jtai"), ("short", "short"),
                         ("sif", "sif"), ("singleinspection", "sif"), ("ilacs", "full"), ("full", "full"), ("standard", "full")] where v.contains(k) {
            return out
        }
        return "other"
    }

    static func judgement(_ v: String?) -> String? {
        let v = norm(v)
        return ["outstanding", "requiresimprovement", "inadequate", "good"].first { v.contains($0) }
    }

    static func expand(_ p: String?) -> Set<String> { norm(p) == "mixed" ? ["concern", "positive"] : [norm(p)] }

    /// A value of a JSON object as score.py's `d.get(k)` sees it: NSNull is None.
    static func string(_ o: [String: Any], _ k: String) -> String? {
        guard let v = o[k], !(v is NSNull) else { return nil }
        return v as? String ?? "\(v)"
    }

    /// Scores predictions (the `wfrisk extract --json` documents) against labels in the
    /// development set's format (`labels.json`): files are matched by base name.
    static func score(labels: [[String: Any]], predictions: [[String: Any]]) -> TextScore {
        var byFile: [String: [String: Any]] = [:]
        for d in predictions { byFile[((string(d, "file") ?? "") as NSString).lastPathComponent] = d }
        var r = TextScore()
        r.texts = labels.count
        for lab in labels {
            let f = string(lab, "file") ?? ""
            var d = byFile[f] ?? [:]
            if byFile[f] == nil { r.notes.append("\(f): no output"); d = [:] }
            let labelAuthorities = lab["authorities"] as? [[String: Any]] ?? []
            let predicted = d["authorities"] as? [[String: Any]] ?? []
            // score.py iterates a set; the order of its notes is not part of the measure.
            var gold: [String] = []
            for a in labelAuthorities where string(a, "role") == "primary" {
                let key = string(a, "new_la_code").flatMap { $0.isEmpty ? nil : $0 } ?? norm(string(a, "name"))
                if !gold.contains(key) { gold.append(key) }
            }
            var got: [String] = []
            for a in predicted where string(a, "role") == "primary" {
                let key = string(a, "new_la_code").flatMap { $0.isEmpty ? nil : $0 } ?? norm(string(a, "la_name"))
                if !got.contains(key) { got.append(key) }
            }
            for g in gold {
                if let k = got.firstIndex(of: g) {
                    r.authority.tp += 1
                    got.remove(at: k)
                } else {
                    var names: [String: String?] = [:]
                    for a in predicted where string(a, "role") == "primary" { names[norm(string(a, "la_name"))] = string(a, "new_la_code") }
                    if let code = names[g] {
                        r.authority.tp += 1
                        let drop = code.flatMap { $0.isEmpty ? nil : $0 } ?? g
                        got.removeAll { $0 == drop }
                    } else {
                        r.authority.fn += 1
                        r.notes.append("\(f): missed primary \(g)")
                    }
                }
            }
            for g in got { r.authority.fp += 1; r.notes.append("\(f): wrong primary \(g)") }
            if let want = string(lab, "visit_type"), !want.isEmpty {
                r.visitLabelled += 1
                if visit(string(d, "visit_type")) == visit(want) { r.visitCorrect += 1 } else { r.notes.append("\(f): visit \(string(d, "visit_type") ?? "None") vs \(want)") }
            }
            if let want = string(lab, "judgement"), !want.isEmpty {
                r.judgementLabelled += 1
                if judgement(string(d, "judgement")) == judgement(want) { r.judgementCorrect += 1 } else { r.notes.append("\(f): judgement \(string(d, "judgement") ?? "None") vs \(want)") }
            }
            struct Pair: Hashable, Comparable {
                var theme: String, polarity: String
                static func < (a: Pair, b: Pair) -> Bool { (a.theme, a.polarity) < (b.theme, b.polarity) }
            }
            let sig = (lab["workforce_signals"] as? [[String: Any]] ?? []).filter { core.contains(string($0, "theme") ?? "") }
            func flag(_ s: [String: Any], _ k: String) -> Bool { (s[k] as? Bool) ?? ((s[k] as? NSNumber)?.boolValue ?? false) }
            var gs = Set<Pair>(), opt = Set<Pair>()
            for s in sig {
                let pairs = expand(string(s, "polarity")).map { Pair(theme: string(s, "theme")!, polarity: $0) }
                if flag(s, "optional") || flag(s, "historic") { opt.formUnion(pairs) } else { gs.formUnion(pairs) }
            }
            var ps = Set<Pair>()
            for s in d["signals"] as? [[String: Any]] ?? [] {
                guard let theme = string(s, "theme"), core.contains(theme) else { continue }
                ps.formUnion(expand(string(s, "polarity")).map { Pair(theme: theme, polarity: $0) })
            }
            ps.subtract(opt.subtracting(gs))
            r.signals.tp += gs.intersection(ps).count
            r.signals.fp += ps.subtracting(gs).count
            r.signals.fn += gs.subtracting(ps).count
            for x in gs.subtracting(ps).sorted() { r.notes.append("\(f): missed signal (\(x.theme), \(x.polarity))") }
            for x in ps.subtracting(gs).sorted() { r.notes.append("\(f): extra signal (\(x.theme), \(x.polarity))") }
        }
        return r
    }

    /// A contract value as the object a JSON parser would give.
    static func object(_ v: JSONValue) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: Data(JSONValue.array([v]).rendered().utf8)) as? [[String: Any]], let first = o.first else {
            throw WFRiskError.usage("extraction JSON is not an object")
        }
        return first
    }

    /// Reads a JSON file of objects (a list, or score.py's `{"documents": [...]}`).
    static func readObjects(_ path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let v = try JSONSerialization.jsonObject(with: data)
        if let list = v as? [[String: Any]] { return list }
        if let o = v as? [String: Any] { return o["documents"] as? [[String: Any]] ?? [o] }
        throw WFRiskError.usage("\(path): expected a JSON list of objects")
    }
}
