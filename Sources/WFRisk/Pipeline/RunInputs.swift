import Dispatch
import Foundation
import WFRiskCore
import WFRiskIngest

/// Reference data and reading rules for one run, loaded once.
public struct RunReferences: Sendable {
    public var registry: AuthorityRegistry
    public var neighbours: StatisticalNeighbours?
    public var reader: TidyFileReader

    public static func load(inputs: PipelineInputs, settings: RunSettings) throws -> RunReferences {
        var registry = try AuthorityRegistry.bundled()
        if let path = inputs.authorities {
            registry = try AuthorityRegistry.load(authorities: path, aliases: inputs.authorityAliases ?? ReferenceFiles.path("authority_aliases.csv"),
                                                  jointReturns: ReferenceFiles.path("joint_returns.csv"))
        }
        let neighbours = try inputs.neighbours.map { try StatisticalNeighbours.load(path: $0) }
        let reader = TidyFileReader(aliases: try ColumnAliases.bundled(extra: settings.aliasPairs),
                                    markers: try SuppressionMarkers.bundled(extra: settings.suppressionMarkers),
                                    registry: registry)
        return RunReferences(registry: registry, neighbours: neighbours, reader: reader)
    }
}

/// Reads tidy files concurrently (files spread over `threads` workers); results keep input order.
public enum TidyIngest {
    /// Files are spread over the workers; a file gets the workers left over (one large file is
    /// parsed in chunks by all of them).
    public static func read(_ paths: [String], wanted: [Measure], kind: String, reader: TidyFileReader, threads: Int,
                            years: YearWindow = .all) throws -> [TidyFile] {
        let perFile = max(1, threads / max(1, paths.count))
        let results = try Parallel.map(paths, threads: threads) { path in
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

extension TidyIngest {
    /// Fails when the bytes a file was parsed from are not those fingerprinted at the start of the
    /// run (the file was rewritten, truncated or appended to meanwhile): the manifest must never
    /// record one file while the scores come from another.
    public static func verifyUnchanged(_ files: [TidyFile], fingerprints: [InputFingerprint]) throws {
        var recorded: [String: String] = [:]
        for f in fingerprints { recorded[f.path] = f.sha256 }
        let changed = files.compactMap { file -> InputProblem? in
            guard let expected = recorded[file.path], !file.sha256.isEmpty, expected != file.sha256 else { return nil }
            return InputProblem(file: file.path, message: "input changed while it was being read (SHA-256 \(expected.prefix(12))… when the run started, \(file.sha256.prefix(12))… of the bytes parsed); rerun once the file is complete")
        }
        if !changed.isEmpty { throw WFRiskError.inputs(changed) }
    }
}
