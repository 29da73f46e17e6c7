import WFRiskCore

/// Reads tidy files concurrently (files spread over `threads` workers); results keep input order.
package enum TidyIngest {
    /// Files are spread over the workers; a file gets the workers left over (one large file is
    /// parsed in chunks by all of them).
    package static func read(_ paths: [String], wanted: [Measure], kind: String, reader: TidyFileReader, threads: Int,
                            years: YearWindow = .all) throws -> [TidyFile] {
        let perFile = max(1, threads / max(1, paths.count))
        let results = Parallel.map(paths, threads: threads) { path in
            Result { try reader.read(path: path, wanted: wanted, kind: kind, years: years, threads: perFile) }
        }
        var files: [TidyFile] = []
        var problems: [InputProblem] = []
        for r in results {
            switch r {
            case .success(let f): files.append(f)
            case .failure(WFRiskError.input(let p)): problems.append(p)
            case .failure(WFRiskError.inputs(let ps)): problems.append(contentsOf: ps)
            case .failure(let e as CSVError): problems.append(InputProblem(file: e.file, line: e.line, message: e.message))
            case .failure(let e): throw e
            }
        }
        if !problems.isEmpty { throw WFRiskError.inputs(problems) }
        return files
    }
}
