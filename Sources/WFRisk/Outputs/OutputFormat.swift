/// The files a run can write (`outputs.formats` in a pipeline file).
public enum OutputFormat: String, CaseIterable, Sendable {
    case csv, json, xlsx, html

    /// The file written in the run folder.
    public var fileName: String {
        switch self {
        case .csv: return "scores.csv"
        case .json: return "scores.json"
        case .xlsx: return "scores.xlsx"
        case .html: return "report.html"
        }
    }
}
