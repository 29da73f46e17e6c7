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
    /// The range and ratio rules as `check` tests them, grouped by measure: `testsOf[ordinal]`
    /// are the measure's, in file order.
    private var tests: [Test] = []
    private var testsOf: [Range<Int>]
    /// The ratio rules' denominators, each rule's terms at `Test.terms`.
    private var terms: [(Measure, Double)] = []

    /// A range or ratio rule as `check` tests it: plain values only, its texts left in `rules`.
    /// Why: `check` runs for every row decoded, and copying the rules themselves (their texts
    /// and denominators) retained and released them for each value; with the rows checked on two
    /// threads at once (`findings`) that contention made the checks slower than on one (perf,
    /// 100x workload). A finding's texts are read from `rules[rule]`.
    private struct Test {
        var measure: Measure
        var kind: RuleKind
        var limit: Double
        var scale: Double
        var tolerance: Double
        var numerator: Measure?
        var terms: Range<Int>
        var rule: Int
    }
    var yearRange: ClosedRange<Int>
    /// Under this share of the fullest year's rows (and under `smallYearRows`), a year is a typo.
    var yearShare: Double
    /// Measures whose column a file of their kind must have.
    var required: [Measure]
    static let smallYearRows = 20

    init(rules: [ValidityRule]) {
        self.rules = rules
        var byMeasure: [[Int]] = Array(repeating: [], count: Measure.count)
        var low = 1950, high = 2099, share = 0.0
        var required: [Measure] = []
        for (index, r) in rules.enumerated() {
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
                byMeasure[m.ordinal].append(index)
            }
        }
        testsOf = []
        for (ordinal, indices) in byMeasure.enumerated() {
            let first = tests.count
            for i in indices {
                let r = rules[i]
                let from = terms.count
                terms += r.denominator
                tests.append(Test(measure: Measure.allCases[ordinal], kind: r.kind, limit: r.limit, scale: r.scale, tolerance: r.tolerance,
                                  numerator: r.numerator, terms: from..<terms.count, rule: i))
            }
            testsOf.append(first..<tests.count)
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
                guard let x = DecimalNumber.parse(text) else { throw bad(key, "'\(text)' is not a number") }
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
                    guard let factor = parts.count == 2 ? DecimalNumber.parse(parts[1]) : 1 else { throw bad("denominator", "'\(parts[1])' is not a number") }
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
        for range in testsOf where !range.isEmpty {
            let m = tests[range.lowerBound].measure
            guard let v = values.number(m) else {
                found += derivedFindings(range, values: values, step: step)
                continue
            }
            for t in range {
                let test = tests[t]
                switch test.kind {
                case .min where v < test.limit:
                    found.append(Finding(measure: m, severity: rules[test.rule].severity, message: "\(Self.show(v)) is below \(Self.show(test.limit)): \(rules[test.rule].why)"))
                case .max where v > test.limit:
                    found.append(Finding(measure: m, severity: rules[test.rule].severity, message: "\(Self.show(v)) is above \(Self.show(test.limit)): \(rules[test.rule].why)"))
                case .ratio:
                    guard let (expected, rounding) = fromCounts(test, values, step: step) else { continue }
                    if abs(v - expected) > test.tolerance + step(m) / 2 + rounding {
                        let r = rules[test.rule]
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

    /// `check` of every record, with each record's publication steps: the records that have
    /// findings, in record order. The records are checked in up to `threads` consecutive chunks
    /// of at least `minimumChunk` at once (each record's check reads only that record); one
    /// thread is the plain path, record after record. Why: on the 100x workload the checks were
    /// a fifth of a second of the ingest's sequential tail (perf).
    static func findings(_ records: [TidyRecord], rules: ValidityRules, steps: TidyFileReader.PublicationSteps,
                         threads: Int, minimumChunk: Int = 4096) -> [(index: Int, findings: [Finding])] {
        let ranges = Parallel.chunks(records.count, threads: threads, minimum: minimumChunk)
        let chunks = ranges.count
        return Parallel.map(ranges, threads: threads) { range in
            // Each chunk checks with its own copy of the tables it reads for every value
            // (`Array.unshared`): shared, they made two threads six times slower than one.
            let rules = chunks > 1 ? rules.unshared : rules, steps = chunks > 1 ? steps.unshared : steps
            return range.compactMap { i -> (index: Int, findings: [Finding])? in
                let level = records[i].level
                let found = rules.check(records[i].values, step: { steps.step(level, $0) })
                return found.isEmpty ? nil : (i, found)
            }
        }.flatMap { $0 }
    }

    /// The same rules in tables of their own (`Array.unshared`).
    var unshared: ValidityRules {
        var copy = self
        (copy.tests, copy.testsOf, copy.terms) = (tests.unshared, testsOf.unshared, terms.unshared)
        return copy
    }

    /// Range rules of a measure (its tests at `range`) applied to the figure its counts give,
    /// when the file has no figure.
    private func derivedFindings(_ range: Range<Int>, values: MeasureValues, step: (Measure) -> Double) -> [Finding] {
        guard let ratio = range.first(where: { tests[$0].kind == .ratio }), let (d, _) = fromCounts(tests[ratio], values, step: step) else { return [] }
        var found: [Finding] = []
        for t in range {
            let test = tests[t]
            let broken = (test.kind == .max && d > test.limit) || (test.kind == .min && d < test.limit)
            guard broken else { continue }
            let m = test.measure, r = rules[test.rule]
            found.append(Finding(measure: m, severity: r.severity,
                                 message: "no \(m.rawValue) published; from its counts \(Self.formula(rules[tests[ratio].rule])) = \(Self.show((d * 100).rounded() / 100)) is \(test.kind == .max ? "above" : "below") \(Self.show(test.limit)): \(r.why)"))
        }
        return found
    }

    /// `numerator / denominator × scale` from the row's counts, and what rounding each count
    /// (half its `step`) can move it by; nil without the counts or a positive denominator.
    private func fromCounts(_ test: Test, _ values: MeasureValues, step: (Measure) -> Double) -> (Double, Double)? {
        guard let numerator = test.numerator, let n = values.number(numerator) else { return nil }
        var d = 0.0, slack = 0.0
        for k in test.terms {
            let (term, factor) = terms[k]
            guard let x = values.number(term) else { return nil }
            d += x * factor
            slack += factor * step(term) / 2
        }
        guard d > 0, n >= 0 else { return nil }
        let expected = n / d * test.scale
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
