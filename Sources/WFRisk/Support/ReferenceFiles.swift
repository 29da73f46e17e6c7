import Foundation

/// Locates the reference data files shipped inside the package
/// (`Sources/WFRisk/Resources`): registry, aliases, lexicons, default settings.
public enum ReferenceFiles {
    /// Path of a shipped reference file. `WFRISK_REFERENCE_DIR` overrides the folder
    /// (for an installed binary whose resource bundle lives elsewhere).
    public static func path(_ name: String) -> String {
        if let dir = ProcessInfo.processInfo.environment["WFRISK_REFERENCE_DIR"], !dir.isEmpty {
            return (dir as NSString).appendingPathComponent(name)
        }
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: nil) {
            return url.path
        }
        return Bundle.module.bundleURL.appendingPathComponent("Resources").appendingPathComponent(name).path
    }
}

/// Reads a small CSV into dictionaries keyed by its header names.
struct KeyedCSV {
    let path: String
    let header: [String]
    let rows: [(line: Int, values: [String: String])]

    init(path: String) throws {
        let all = try CSVReader.readAll(path: path)
        guard let first = all.first else {
            throw WFRiskError.input(InputProblem(file: path, message: "file is empty"))
        }
        self.path = path
        header = first.fields.map { $0.trimmedSpaces }
        rows = all.dropFirst().map { row in
            var values: [String: String] = [:]
            for (i, name) in first.fields.enumerated() where i < row.fields.count {
                values[name.trimmedSpaces] = row.fields[i].trimmedSpaces
            }
            return (row.line, values)
        }
    }

    func require(_ columns: [String]) throws {
        let missing = columns.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw WFRiskError.input(InputProblem(
                file: path, line: 1,
                message: "missing column(s) \(missing.joined(separator: ", ")); the file has: \(header.joined(separator: ", "))"))
        }
    }
}
