import ArgumentParser
import Foundation
import WFRisk

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "List, show or validate pipeline files.",
        subcommands: [List.self, Show.self, ValidateFile.self])

    /// The folder of the default pipeline (`wfrisk run` without --pipeline).
    static var defaultFolder: String {
        Pipeline.defaultPath().map { ($0 as NSString).deletingLastPathComponent } ?? "pipelines"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pipelines in a folder (default: pipelines/).")
        @Option(help: "Folder of pipeline files (default: pipelines/ of this checkout).") var directory: String?
        func run() throws {
            let directory = self.directory ?? PipelineCommand.defaultFolder
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
            for n in names {
                let path = (directory as NSString).appendingPathComponent(n)
                do {
                    let p = try Pipeline.load(path: path)
                    print("\(((n as NSString).deletingPathExtension).padding(toLength: 16, withPad: " ", startingAt: 0)) \(p.description)")
                } catch {
                    print("\(((n as NSString).deletingPathExtension).padding(toLength: 16, withPad: " ", startingAt: 0)) INVALID: \(error)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a pipeline's resolved inputs, settings and outputs.")
        @Argument(help: "Pipeline name (in pipelines/) or file.") var name: String
        func run() throws {
            let path = name.hasSuffix(".yml") || name.contains("/") ? name : (PipelineCommand.defaultFolder as NSString).appendingPathComponent("\(name).yml")
            let p = try Pipeline.load(path: path)
            print(PipelineDescription.render(p), terminator: "")
        }
    }

    struct ValidateFile: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a pipeline file (keys, types, files) without running it.")
        @Argument(help: "Pipeline file.") var file: String
        func run() throws {
            let p = try Pipeline.load(path: file)
            let plan = try InputPlan.make(p)
            print("\(file): ok (\(plan.workforce.count) workforce, \(plan.demand.count) demand, \(plan.inspections.count) inspection files)")
        }
    }
}
