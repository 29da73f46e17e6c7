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
        let neighbours = try inputs.neighbours.map { try StatisticalNeighbours.load(path: $0, registry: registry) }
        return RunReferences(registry: registry, neighbours: neighbours, reader: try reader(settings, registry: registry))
    }

    /// The authority registry a pipeline's inputs name.
    package static func registry(_ inputs: PipelineInputs) throws -> AuthorityRegistry {
        try AuthorityRegistry.named(authorities: inputs.authorities, aliases: inputs.authorityAliases)
    }

    /// The tidy-file reader for a pipeline's settings (bundled column aliases and suppression
    /// markers plus the pipeline's own), as `wfrisk run` and `wfrisk validate` both read files.
    package static func reader(_ settings: RunSettings, registry: AuthorityRegistry) throws -> TidyFileReader {
        TidyFileReader(aliases: try ColumnAliases.bundled(extra: settings.aliasPairs),
                       markers: try SuppressionMarkers.bundled(extra: settings.suppressionMarkers),
                       registry: registry)
    }
}
