/// Human-readable description of a loaded pipeline (`wfrisk pipeline show`).
package enum PipelineDescription {
    package static func render(_ p: Pipeline) -> String {
        var out = "pipeline: \(p.name)\nfile: \(p.file)\nsha256: \(p.sha256)\n"
        if !p.description.isEmpty { out += "description: \(p.description)\n" }
        out += "inputs:\n"
        out += "  workforce: \(p.inputs.workforce.joined(separator: ", "))\n"
        out += "  demand: \(p.inputs.demand.isEmpty ? "(none)" : p.inputs.demand.joined(separator: ", "))\n"
        out += "  population: \(p.inputs.population ?? "(none)")\n"
        out += "  inspections: \(p.inputs.inspections.isEmpty ? "(none)" : p.inputs.inspections.joined(separator: ", "))\n"
        out += "  neighbours: \(p.inputs.neighbours ?? "(none)")\n"
        out += "  ofsted: \(p.inputs.ofsted.isEmpty ? "(none)" : p.inputs.ofsted.joined(separator: ", "))\n"
        out += "settings (after defaults):\n"
        out += p.settings.scoring.jsonValue.rendered()
        out += "outputs:\n  directory: \(p.outputs.directory)\n  formats: \(p.outputs.formats.map(\.rawValue).joined(separator: ", "))\n  keep_runs: \(p.outputs.keepRuns)\n  keep_failed_runs: \(p.outputs.keepFailedRuns)\n"
        let b = p.backtest
        out += "backtest:\n  years: \(b.years.lowerBound)-\(b.years.upperBound)\n  horizon_months: \(b.horizonMonths)\n  draws: \(b.draws)\n  seed: \(b.seed)\n"
        return out
    }
}
