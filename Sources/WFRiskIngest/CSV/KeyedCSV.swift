import WFRiskCore

/// Reads a small CSV into dictionaries keyed by its header names.
package struct KeyedCSV {
    package let path: String
    package let header: [String]
    package let rows: [(line: Int, values: [String: String])]

    package init(path: String) throws {
        if let shape = FileShape.problem(path: path) { throw WFRiskError.input(shape) }
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

    package func require(_ columns: [String]) throws {
        let missing = columns.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw WFRiskError.input(InputProblem(
                file: path, line: 1,
                message: "missing column(s) \(missing.joined(separator: ", ")); the file has: \(header.joined(separator: ", "))"))
        }
    }

    /// Reads `path`, a libcsv failure reported as an input problem naming the file and line.
    package static func input(path: String) throws -> KeyedCSV {
        do { return try KeyedCSV(path: path) } catch let e as CSVError {
            throw WFRiskError.input(InputProblem(file: e.file, line: e.line, message: e.message))
        }
    }
}
