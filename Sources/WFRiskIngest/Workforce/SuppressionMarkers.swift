import WFRiskCore

/// The symbols DfE (and spreadsheets) put in place of a number, each meaning
/// "no usable number" — kept as the reason, never read as zero.
public struct SuppressionMarkers: Sendable {
    private(set) var meanings: [String: String]

    public init(meanings: [String: String]) {
        self.meanings = Dictionary(meanings.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// `Resources/suppression_markers.csv`, plus any a pipeline file adds.
    public static func bundled(extra: [String] = []) throws -> SuppressionMarkers {
        let table = try KeyedCSV(path: try ReferenceFiles.path("suppression_markers.csv"))
        try table.require(["marker", "meaning"])
        var m: [String: String] = [:]
        for row in table.rows { m[row.values["marker"] ?? ""] = row.values["meaning"] ?? "" }
        for e in extra { m[e] = "suppressed (pipeline file)" }
        return SuppressionMarkers(meanings: m)
    }

    /// The reason to record for `text` if it is a marker; empty cells give "empty".
    public func reason(for text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.isEmpty { return "empty" }
        return meanings[t] != nil ? t : nil
    }

    var symbols: [String] { meanings.keys.filter { !$0.isEmpty }.sorted() }
}
