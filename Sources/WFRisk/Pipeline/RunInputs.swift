import Dispatch
import Foundation
import WFRiskCore
import WFRiskIngest

/// Reference data and reading rules for one run, loaded once.
package struct RunReferences: Sendable {
    package var registry: AuthorityRegistry
    package var neighbours: StatisticalNeighbours?
    package var reader: TidyFileReader

    package static func load(inputs: PipelineInputs, settings: RunSettings) throws -> RunReferences {
        let registry = try Self.registry(inputs)
        let neighbours = try inputs.neighbours.map { try StatisticalNeighbours.load(path: $0) }
        return RunReferences(registry: registry, neighbours: neighbours, reader: try reader(settings, registry: registry))
    }

    /// The demand files merged (newest release winning), with rates derived from counts over the
    /// population file where a file gives counts only (`PopulationRates`); `check` sees every
    /// file read (the run verifies its fingerprints). Returns the dataset and the files read.
    package static func demand(_ paths: [String], population: String?, reader: TidyFileReader, overlap: ReleaseOverlap,
                               threads: Int, check: ([TidyFile]) throws -> Void = { _ in }) throws -> (TidyDataset, Int) {
        let files = try TidyIngest.read(paths, wanted: Measure.demand, kind: "demand", reader: reader, threads: threads)
        var people: TidyDataset?
        if let population {
            let read = try TidyIngest.read([population], wanted: [.population], kind: "population", reader: reader, threads: threads)
            try check(read)
            people = try TidyDataset.merge(read)
        }
        try check(files)
        var dataset = try TidyDataset.merge(files, overlap: overlap)
        PopulationRates.fill(&dataset, population: people, populationPath: population)
        return (dataset, files.count)
    }

    /// The authority registry a pipeline's inputs name.
    package static func registry(_ inputs: PipelineInputs) throws -> AuthorityRegistry {
        try AuthorityRegistry.named(authorities: inputs.authorities, aliases: inputs.authorityAliases)
    }

    /// The tidy-file reader for a pipeline's settings (bundled column aliases and suppression
    /// markers plus the pipeline's own), as `wfrisk run` and `wfrisk validate` both read files.
    package static func reader(_ settings: RunSettings, registry: AuthorityRegistry) throws -> TidyFileReader {
        var reader = TidyFileReader(aliases: try ColumnAliases.bundled(extra: settings.aliasPairs),
                                    markers: try SuppressionMarkers.bundled(extra: settings.suppressionMarkers),
                                    registry: registry)
        reader.strict = settings.strict
        return reader
    }
}
