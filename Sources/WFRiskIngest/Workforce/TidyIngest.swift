import WFRiskCore

/// Reads tidy files concurrently (files spread over `threads` workers); results keep input order.
package enum TidyIngest {
    /// Files are spread over the workers; a file gets the workers left over (one large file is
    /// parsed in chunks by all of them).
    package static func read(_ paths: [String], wanted: [Measure], kind: String, reader: TidyFileReader, threads: Int,
                            years: YearWindow = .all, prepared: [String: PreparedSplit] = [:]) throws -> [TidyFile] {
        let perFile = threadsPerFile(threads: threads, files: paths.count)
        let results = Parallel.map(paths, threads: threads) { path in
            Result { try reader.read(path: path, wanted: wanted, kind: kind, years: years, threads: perFile, prepared: prepared[path]) }
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

    /// The threads each of `files` files read at once is parsed with (a large file is split in as many parts).
    package static func threadsPerFile(threads: Int, files: Int) -> Int {
        max(1, threads / max(1, files))
    }
}
