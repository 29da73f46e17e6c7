/// `wfrisk diff` as a library call, for other packages (the fuzz target): compares two score files
/// (baseline extracts, run folders or `scores.csv` files) on every compared column at exact tolerances.
public enum ScoreFileComparison {
    /// nil when the two agree, otherwise the diff's summary line ("N authorities changed, …").
    /// Throws `WFRiskError` when a file cannot be read as a score file or the two cannot be
    /// compared (different schema versions; different years or methodology versions unless allowed).
    public static func differences(baseline: String, new: String, allowYearAndMethodChange: Bool = false) throws -> String? {
        let a = try ScoreDiff.load(baseline), b = try ScoreDiff.load(new)
        let diff = try ScoreDiff.compare(a, b, tolerances: ScoreDiff.Tolerances(),
                                         allow: allowYearAndMethodChange ? Set(ScoreDiff.Mismatch.allCases) : [])
        _ = diff.table(baseline: a, new: b)
        _ = diff.json()
        return diff.isClean ? nil : diff.summary
    }
}
