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
