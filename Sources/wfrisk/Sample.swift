import ArgumentParser
import Foundation
import WFRisk
import WFRiskCore
import WFRiskIngest

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic, DfE-shaped input files (same seed, same bytes).",
        discussion: "Without --authorities, uses every authority in the registry with its real boundary changes; the values are invented.")

    @Option(help: "Invent this many authorities instead of using the registry's.")
    var authorities: Int?

    @Option(help: "Number of reporting years, ending at --last-year.")
    var years: Int = 5

    @Option(help: "Last reporting year.")
    var lastYear: Int = 2023

    @Option(help: "Synthetic inspection texts to write (about 20 KB each) under inspections/.")
    var texts: Int = 0

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Output folder.")
    var out: String

    func validate() throws {
        guard years >= 1 else { throw ValidationError("--years must be at least 1") }
        if let authorities, authorities < 1 { throw ValidationError("--authorities must be at least 1") }
        guard texts >= 0 else { throw ValidationError("--texts must not be negative") }
    }

    func run() throws {
        let registry = try AuthorityRegistry.bundled()
        let generator = SampleGenerator(
            options: .init(authorities: authorities, firstYear: lastYear - years + 1, lastYear: lastYear, seed: seed, texts: texts),
            registry: registry)
        for f in try generator.write(to: out) { print(f) }
        // Runs on these files say their scores are synthetic (InputPlan.syntheticMarker).
        let marker = (out as NSString).appendingPathComponent(InputPlan.syntheticMarker)
        try FileOutput.writeAtomically("Synthetic inputs written by `wfrisk sample`: invented values, not real figures.\n", to: marker)
        print(marker)
    }
}
