import Foundation
import WFRiskCore
import WFRiskIngest
import WFRiskOfsted
import WFRiskScoring

/// Loads a pipeline's inputs (every year of its workforce files) and an Ofsted judgements
/// file, and runs the backtest. The I/O edge of `Backtest`.
package enum BacktestRunner {
    package static func run(pipeline: Pipeline, ofsted: [String], config: BacktestConfig,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> BacktestReport {
        // A missing record is said before the workforce files are read.
        for path in ofsted where !FileManager.default.fileExists(atPath: path) {
            throw WFRiskError.input(InputProblem(file: path, message: "Ofsted record not found"))
        }
        let refs = try RunReferences.load(inputs: pipeline.inputs, settings: pipeline.settings)
        let workforcePaths = try PathPatterns.expand(pipeline.inputs.workforce, kind: "workforce")
        let workforce = try TidyDataset.merge(try TidyIngest.read(workforcePaths, wanted: Measure.workforce, kind: "workforce",
                                                                  reader: refs.reader, threads: threads),
                                              overlap: pipeline.settings.overlappingReleases)
        let have = workforce.years.filter { !workforce.localAuthorities(in: $0).isEmpty }
        let missing = config.years.filter { !have.contains($0) }
        if !missing.isEmpty {
            throw WFRiskError.usage(YearsOutsideData.message(asked: config.years, missing: missing, have: have, option: "--years or backtest.years",
                                                            files: workforcePaths))
        }
        var demand: TidyDataset?
        let demandPaths = try PathPatterns.expand(pipeline.inputs.demand, kind: "demand")
        if !demandPaths.isEmpty {
            demand = try RunReferences.demand(demandPaths, population: pipeline.inputs.population, reader: refs.reader,
                                              overlap: pipeline.settings.overlappingReleases, threads: threads).0
        }
        let record = try OfstedInput.load(ofsted, registry: refs.registry)
        let history = record.history
        let input = ScoringInput(workforce: workforce, demand: demand, registry: refs.registry, neighbours: refs.neighbours,
                                 settings: pipeline.settings.scoring)
        var report = try Backtest.run(input, history: history, config: config)
        report.settingsSource = pipeline.file
        report.warnings = workforce.warnings + (demand?.warnings ?? []) + record.passedOverSummary + report.warnings
        return report
    }

}
