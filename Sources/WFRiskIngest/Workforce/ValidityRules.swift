import Foundation
import WFRiskCore

/// What a broken rule does to a file.
enum RuleSeverity: String, Sendable {
    /// The file cannot be used as given (exit 3).
    case error
    /// The value is kept; the unit carries a note and the run a warning.
    case warning
}

/// The kinds of rule `Resources/validity_rules.csv` may hold.
enum RuleKind: String, Sendable {
    /// The value must be at least `limit`.
    case min
    /// The value must be at most `limit`.
    case max
    /// The published value must agree with `numerator / denominator × scale` within `tolerance`
    /// plus what rounding each count to one decimal can move it.
    case ratio
    /// (`time_period` only) a year with fewer than `limit` × the rows of the fullest year.
    case share
    /// A file read for this measure's kind (workforce or demand) must have its column.
    case required
}

/// One rule, read from the data file.
struct ValidityRule: Sendable {
    var measure: String
    var kind: RuleKind
    var limit: Double
    var numerator: Measure?
    /// Terms summed for the denominator, each a measure times a factor (`inpost_fte*253`).
    var denominator: [(Measure, Double)]
    var scale: Double
    var tolerance: Double
    var severity: RuleSeverity
    var why: String
    var line: Int
}

/// Per-measure checks of published values (`Resources/validity_rules.csv`), applied by `run`
/// (to the rows it decodes) and `validate` (to every row) alike: impossible values are errors,
/// implausible ones warnings with a note on the unit.
public struct ValidityRules: Sendable {
    var rules: [ValidityRule]
    /// Rules by measure ordinal (range and ratio rules only).
    private var byMeasure: [[ValidityRule]]
    var yearRange: ClosedRange<Int>
    /// Under this share of the fullest year's rows (and under `smallYearRows`), a year is a typo.
    var yearShare: Double
    /// Measures whose column a file of their kind must have.
    var required: [Measure]
    static let smallYearRows = 20

    init(rules: [ValidityRule]) {
        self.rules = rules
        byMeasure = Array(repeating: [], count: Measure.count)
        var low = 1950, high = 2099, share = 0.0
        var required: [Measure] = []
        for r in rules {
            if r.measure == "time_period" {
                switch r.kind {
                case .min: low = Int(r.limit)
                case .max: high = Int(r.limit)
                case .share: share = r.limit
                case .ratio, .required: break
                }
            } else if r.kind == .required, let m = Measure(rawValue: r.measure) {
                required.append(m)
            } else if let m = Measure(rawValue: r.measure) {
                byMeasure[m.ordinal].append(r)
            }
        }
        yearRange = low...max(low, high)
        yearShare = share
        self.required = required
    }

    /// The shipped rules, read once.
    static let bundled: Result<ValidityRules, WFRiskError> = Result { try load(path: try ReferenceFiles.path("validity_rules.csv")) }
        .mapError { ($0 as? WFRiskError) ?? .runtime("\($0)") }

    static func load(path: String) throws -> ValidityRules {
        let table = try KeyedCSV(path: path)
        try table.require(["measure", "rule", "limit", "numerator", "denominator", "scale", "tolerance", "severity", "why"])
        var rules: [ValidityRule] = []
        for row in table.rows {
            let v = row.values
            func bad(_ field: String, _ message: String) -> WFRiskError {
                .input(InputProblem(file: path, line: row.line, field: field, message: message))
            }
            let measure = v["measure"] ?? ""
            guard measure == "time_period" || Measure(rawValue: measure) != nil else { throw bad("measure", "unknown measure '\(measure)'") }
            guard let kind = RuleKind(rawValue: v["rule"] ?? "") else { throw bad("rule", "expected min, max, ratio or share") }
            guard let severity = RuleSeverity(rawValue: v["severity"] ?? "") else { throw bad("severity", "expected error or warning") }
            func number(_ key: String, default d: Double? = nil) throws -> Double {
                let text = v[key] ?? ""
                if text.isEmpty, let d { return d }
                guard let x = Double(text) else { throw bad(key, "'\(text)' is not a number") }
                return x
            }
            var numerator: Measure?
            var denominator: [(Measure, Double)] = []
            if kind == .ratio {
                guard let n = Measure(rawValue: v["numerator"] ?? "") else { throw bad("numerator", "unknown measure '\(v["numerator"] ?? "")'") }
                numerator = n
                for term in (v["denominator"] ?? "").split(separator: "+") {
                    let parts = term.split(separator: "*").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard let m = Measure(rawValue: parts.first ?? ""), parts.count <= 2 else { throw bad("denominator", "'\(term)' is not measure or measure*factor") }
                    guard let factor = parts.count == 2 ? Double(parts[1]) : 1 else { throw bad("denominator", "'\(parts[1])' is not a number") }
                    denominator.append((m, factor))
                }
                guard !denominator.isEmpty else { throw bad("denominator", "a ratio rule needs a denominator") }
            }
            rules.append(ValidityRule(
                measure: measure, kind: kind, limit: kind == .ratio || kind == .required ? 0 : try number("limit"), numerator: numerator,
                denominator: denominator, scale: try number("scale", default: 1), tolerance: try number("tolerance", default: 0),
                severity: severity, why: v["why"] ?? "", line: row.line))
        }
        return ValidityRules(rules: rules)
    }

    /// A rule a value broke.
    struct Finding: Sendable {
        var measure: Measure
        var severity: RuleSeverity
        var message: String
        /// A published figure that disagrees with its own counts (a `ratio` rule): a warning that
        /// `strict` makes an error.
        var consistency = false
        /// For a consistency finding, the figure the counts give (what a local-authority row is
        /// scored on, docs/methodology.md §2).
        var fromCounts: Double? = nil
    }

    /// The rules `values` break. `step(m)` is the unit the file publishes measure `m` to on this
    /// row's level (0.1 for one decimal, 1 for whole numbers, 10 for counts rounded to tens): half
    /// of it is how far rounding can have moved the figure.
    /// A figure the file lacks but its counts give (a caseload from cases and case holders) is
    /// held to the same range rules as a published one.
    func check(_ values: MeasureValues, step: (Measure) -> Double = { _ in 0.1 }) -> [Finding] {
        var found: [Finding] = []
        for m in Measure.allCases {
            let rules = byMeasure[m.ordinal]
            guard !rules.isEmpty else { continue }
            guard let v = values.number(m) else {
                found += derivedFindings(m, rules: rules, values: values, step: step)
                continue
            }
            for r in rules {
                switch r.kind {
                case .min where v < r.limit:
                    found.append(Finding(measure: m, severity: r.severity, message: "\(Self.show(v)) is below \(Self.show(r.limit)): \(r.why)"))
                case .max where v > r.limit:
                    found.append(Finding(measure: m, severity: r.severity, message: "\(Self.show(v)) is above \(Self.show(r.limit)): \(r.why)"))
                case .ratio:
                    guard let (expected, rounding) = Self.fromCounts(r, values, step: step) else { continue }
                    if abs(v - expected) > r.tolerance + step(m) / 2 + rounding {
                        found.append(Finding(measure: m, severity: r.severity,
                                             message: "published \(Self.show(v)) disagrees with its own counts: \(Self.formula(r)) = \(Self.show((expected * 100).rounded() / 100)) (\(r.why))",
                                             consistency: true, fromCounts: expected))
                    }
                default: break
                }
            }
        }
        return found
    }

    /// Range rules of `m` applied to the figure its counts give, when the file has no figure.
    private func derivedFindings(_ m: Measure, rules: [ValidityRule], values: MeasureValues, step: (Measure) -> Double) -> [Finding] {
        guard let ratio = rules.first(where: { $0.kind == .ratio }), let (d, _) = Self.fromCounts(ratio, values, step: step) else { return [] }
        var found: [Finding] = []
        for r in rules {
            let broken = (r.kind == .max && d > r.limit) || (r.kind == .min && d < r.limit)
            guard broken else { continue }
            found.append(Finding(measure: m, severity: r.severity,
                                 message: "no \(m.rawValue) published; from its counts \(Self.formula(ratio)) = \(Self.show((d * 100).rounded() / 100)) is \(r.kind == .max ? "above" : "below") \(Self.show(r.limit)): \(r.why)"))
        }
        return found
    }

    /// `numerator / denominator × scale` from the row's counts, and what rounding each count
    /// (half its `step`) can move it by; nil without the counts or a positive denominator.
    private static func fromCounts(_ r: ValidityRule, _ values: MeasureValues, step: (Measure) -> Double) -> (Double, Double)? {
        guard let numerator = r.numerator, let n = values.number(numerator) else { return nil }
        var d = 0.0, slack = 0.0
        for (term, factor) in r.denominator {
            guard let x = values.number(term) else { return nil }
            d += x * factor
            slack += factor * step(term) / 2
        }
        guard d > 0, n >= 0 else { return nil }
        let expected = n / d * r.scale
        let rounding = expected * ((n > 0 ? step(numerator) / 2 / n : 0) + slack / d)
        return (expected, rounding)
    }

    private static func formula(_ r: ValidityRule) -> String {
        let terms = r.denominator.map { $0.1 == 1 ? $0.0.rawValue : "\($0.0.rawValue) × \(show($0.1))" }.joined(separator: " + ")
        return "\(r.numerator!.rawValue) / (\(terms))" + (r.scale == 1 ? "" : " × \(show(r.scale))")
    }

    /// Measures a `ratio` rule reads, the rate and its counts (their publication step matters).
    var ratioMeasures: [Measure] {
        var out = Set<Measure>()
        for r in rules where r.kind == .ratio {
            if let m = Measure(rawValue: r.measure) { out.insert(m) }
            if let n = r.numerator { out.insert(n) }
            for (m, _) in r.denominator { out.insert(m) }
        }
        return out.sorted()
    }

    static func show(_ x: Double) -> String {
        if x.magnitude < 1e15, x == x.rounded() { return String(Int64(x)) }
        return "\(x)"
    }
}
