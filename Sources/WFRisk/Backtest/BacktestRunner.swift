import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskScoring

/// Loads a pipeline's inputs (every year of its workforce files) and an Ofsted judgements
/// file, and runs the backtest. The I/O edge of `Backtest`.
package enum BacktestRunner {
    package static func run(pipeline: Pipeline, ofsted: String, config: BacktestConfig,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> BacktestReport {
        guard FileManager.default.fileExists(atPath: ofsted) else {
            throw WFRiskError.input(InputProblem(file: ofsted, message: "Ofsted judgements file not found"))
        }
        let refs = try RunReferences.load(inputs: pipeline.inputs, settings: pipeline.settings)
        let workforcePaths = try PathPatterns.expand(pipeline.inputs.workforce, kind: "workforce")
        let workforce = try TidyDataset.merge(try TidyIngest.read(workforcePaths, wanted: Measure.workforce, kind: "workforce",
                                                                  reader: refs.reader, threads: threads),
                                              overlap: pipeline.settings.overlappingReleases)
        var demand: TidyDataset?
        let demandPaths = try PathPatterns.expand(pipeline.inputs.demand, kind: "demand")
        if !demandPaths.isEmpty {
            demand = try RunReferences.demand(demandPaths, population: pipeline.inputs.population, reader: refs.reader,
                                              overlap: pipeline.settings.overlappingReleases, threads: threads).0
        }
        let history = try OfstedHistory.load(path: ofsted, registry: refs.registry)
        let input = ScoringInput(workforce: workforce, demand: demand, registry: refs.registry, neighbours: refs.neighbours,
                                 settings: pipeline.settings.scoring)
        var report = try Backtest.run(input, history: history, config: config)
        report.settingsSource = pipeline.file
        report.warnings = workforce.warnings + (demand?.warnings ?? []) + report.warnings
        return report
    }

}
