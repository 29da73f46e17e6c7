/// Which years of rows to keep. Scoring needs only the scoring year and the few before it,
/// so a 50-year file need not sit in memory; every row is still parsed and its year checked.
///
/// The pipeline decides the window from its settings; `TidySink` is the one place it is applied.
public enum YearWindow: Sendable {
    case all
    /// The latest `n` years present (relative to the file's latest local-authority year).
    case latest(Int)
    case range(ClosedRange<Int>)

    var isAll: Bool { if case .all = self { return true } else { return false } }

    /// Whether a row of `year` is in the window when the latest year is `latest` (`Int.min`:
    /// not known yet, so any year may be). Monotone: a row outside the window for some
    /// `latest` stays outside it for every later one.
    func keeps(_ year: Int, latest: Int) -> Bool {
        switch self {
        case .all: return true
        case .latest(let n): return latest == Int.min || year > latest - n
        case .range(let r): return r.contains(year)
        }
    }
}
