import Foundation

/// Temporary direct runner (replaced by the staged runner).
public enum SimpleRun {
    public static func execute(_ p: Pipeline) throws -> String {
        let refs = try RunReferences.load(inputs: p.inputs, settings: p.settings)
        let wfPaths = try PathPatterns.expand(p.inputs.workforce, kind: "workforce")
        let wf = try TidyDataset.merge(TidyIngest.read(wfPaths, wanted: Measure.workforce, kind: "workforce", reader: refs.reader))
        var demand: TidyDataset?
        if !p.inputs.demand.isEmpty {
            let dPaths = try PathPatterns.expand(p.inputs.demand, kind: "demand")
            demand = try TidyDataset.merge(TidyIngest.read(dPaths, wanted: Measure.demand, kind: "demand", reader: refs.reader))
        }
        let table = try Scorer.score(ScoringInput(workforce: wf, demand: demand, registry: refs.registry, neighbours: refs.neighbours, settings: p.settings.scoring))
        try FileOutput.writeAtomically(ScoresCSV.render(table), to: p.outputs.directory + "/scores.csv")
        try FileOutput.writeAtomically(ScoresJSON.render(table, inputs: [], settings: p.settings.scoring), to: p.outputs.directory + "/scores.json")
        return "wrote \(p.outputs.directory)"
    }
}
