import Foundation
import Logging

/// How a run was asked for.
public struct RunOptions: Sendable {
    /// Rerun even when inputs, pipeline and wfrisk version are unchanged.
    public var force = false
    /// Worker threads for file ingest and text extraction.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Report progress on long stages (only when stderr is a terminal).
    public var progress = false
    /// Test hook: pause this many seconds after writing outputs, before publishing.
    public var pauseBeforePublish: Double = 0

    public init() {}
}

/// What a finished `wfrisk run` did.
public struct RunOutcome: Sendable {
    public enum Status: String, Sendable { case published, upToDate = "up_to_date" }
    public var status: Status
    /// The run folder written (or, when up to date, the one `latest` points at).
    public var runDirectory: String
    public var latest: String
    public var table: ScoreTable?
    public var outputs: [String]
    public var warnings: [String]
}

/// Runs a pipeline unattended: lock, fingerprint inputs, skip if nothing changed, run the
/// stages on Dispatch into a fresh run folder, write the manifest, publish `latest` atomically,
/// apply retention. Any failure leaves the previous `latest` as it was.
public struct PipelineRunner {
    public let pipeline: Pipeline
    public let options: RunOptions
    public let logger: Logger

    public init(pipeline: Pipeline, options: RunOptions, logger: Logger) {
        self.pipeline = pipeline
        self.options = options
        self.logger = logger
    }

    public func run() throws -> RunOutcome {
        let folders = RunFolders(root: pipeline.outputs.directory)
        let lock = PipelineLock(directory: folders.root)
        try lock.acquire()
        defer { lock.release() }
        if let pid = lock.recoveredFromPID {
            logger.warning("recovered a lock left by process \(pid), which is no longer running")
        }
        for dir in folders.removeIncomplete() {
            logger.warning("removed incomplete run folder \(dir) (a previous run stopped before finishing)")
        }

        let started = Date()
        let plan = try InputPlan.make(pipeline)
        let fingerprints = try plan.fingerprint(threads: options.threads)
        let runKey = RunManifest.runKey(pipelineSHA: pipeline.sha256, inputs: fingerprints)
        if !options.force, let latest = folders.latestRun, let previous = RunManifest.read(directory: latest),
           previous.runKey == runKey, previous.status == "success" {
            logger.info("inputs, pipeline file and wfrisk version unchanged since run \((latest as NSString).lastPathComponent); nothing to do (use --force to rerun)")
            return RunOutcome(status: .upToDate, runDirectory: latest, latest: folders.latest, table: nil, outputs: [], warnings: [])
        }

        let runDir = try folders.create(now: started)
        logger.info("run folder \(runDir)")
        var manifest = RunManifest(pipeline: pipeline, runKey: runKey, inputs: fingerprints, started: started, threads: options.threads)
        do {
            let (table, records, counts, warnings) = try runStages(plan: plan, fingerprints: fingerprints, runDir: runDir)
            manifest.stages = records
            manifest.warnings = warnings
            manifest.applyCounts(counts)
            manifest.outputs = try pipeline.outputs.formats.map { format in
                let name = "scores.\(format)"
                let path = (runDir as NSString).appendingPathComponent(name)
                return OutputFingerprint(name: name, sha256: try SHA256Digest.hex(ofFile: path),
                                         bytes: (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            }
            if options.pauseBeforePublish > 0 { Thread.sleep(forTimeInterval: options.pauseBeforePublish) }
            manifest.finish(status: "success", exitCode: 0)
            try manifest.write(to: runDir)
            try folders.markComplete(runDir)
            try folders.publish(runDir)
            logger.info("published \(folders.latest) -> \((runDir as NSString).lastPathComponent)")
            for removed in folders.applyRetention(keep: pipeline.outputs.keepRuns) {
                logger.info("retention: removed \(removed)")
            }
            return RunOutcome(status: .published, runDirectory: runDir, latest: folders.latest, table: table,
                              outputs: manifest.outputs.map { (folders.latest as NSString).appendingPathComponent($0.name) },
                              warnings: warnings)
        } catch {
            var failedStage: String?
            var underlying = error
            if let f = error as? StageFailure {
                manifest.stages = f.records
                failedStage = f.stage
                underlying = f.error
            }
            let code = (underlying as? WFRiskError)?.exitCode ?? (underlying is CSVError ? 3 : 1)
            manifest.finish(status: "failed", exitCode: Int(code), failedStage: failedStage, error: "\(underlying)")
            try? manifest.write(to: runDir)
            logger.error("run failed\(failedStage.map { " in stage '\($0)'" } ?? ""); previous outputs in \(folders.latest) are unchanged")
            throw underlying
        }
    }

    // MARK: Stages

    func runStages(plan: InputPlan, fingerprints: [InputFingerprint], runDir: String) throws
        -> (ScoreTable, [StageRecord], [String: Int], [String]) {
        let pipeline = self.pipeline
        let threads = options.threads
        let graph = StageGraph()
        let logger = self.logger
        let progress = options.progress
        graph.onEvent = { event, record in
            if progress {
                // A transient status line on a terminal only (never in cron logs).
                FileHandle.standardError.write(Data((event == "start" ? "\r\u{1B}[K… \(record.name)" : "\r\u{1B}[K").utf8))
            }
            if event == "start" {
                logger.debug("stage \(record.name) started")
            } else if record.status == "ok" {
                let counts = record.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                logger.info("stage \(record.name) done in \(Decimals.format(record.seconds, 3))s \(counts)")
            } else {
                logger.error("stage \(record.name) \(record.status): \(record.error ?? "")")
            }
        }
        graph.add("load_reference") { g in
            let refs = try RunReferences.load(inputs: pipeline.inputs, settings: pipeline.settings)
            g.store("references", refs)
            return ["authorities": refs.registry.all.count, "neighbour_sets": refs.neighbours?.neighbours.count ?? 0]
        }
        graph.add("ingest_workforce", after: ["load_reference"]) { g in
            let refs: RunReferences = g.output("references")
            // Only the scoring year and the years its change and trend indicators look back over are kept.
            let scoring = pipeline.settings.scoring
            let span = max(scoring.trendYears, 2)
            let window: YearWindow = scoring.year.map { .range(($0 - span + 1)...$0) } ?? .latest(span)
            let files = try TidyIngest.read(plan.workforce, wanted: Measure.workforce, kind: "workforce", reader: refs.reader,
                                            threads: threads, years: window)
            let dataset = try TidyDataset.merge(files, years: window)
            g.store("workforce", dataset)
            return ["files": files.count, "rows": dataset.rowCount, "records": dataset.records.count]
        }
        graph.add("ingest_demand", after: ["load_reference"]) { g in
            guard !plan.demand.isEmpty else { g.store("demand", TidyDataset?.none as Any); return ["files": 0] }
            let refs: RunReferences = g.output("references")
            let files = try TidyIngest.read(plan.demand, wanted: Measure.demand, kind: "demand", reader: refs.reader, threads: threads)
            let dataset = try TidyDataset.merge(files)
            g.store("demand", Optional(dataset) as Any)
            return ["files": files.count, "rows": dataset.rowCount, "records": dataset.records.count]
        }
        graph.add("extract_inspections", after: ["load_reference"]) { g in
            guard !plan.inspections.isEmpty else { g.store("documents", [InspectionDocument]?.none as Any); return ["documents": 0] }
            let refs: RunReferences = g.output("references")
            let result = try InspectionIngest.read(plan.inspections, registry: refs.registry, threads: threads)
            g.store("documents", Optional(result.documents) as Any)
            g.store("inspection_warnings", result.skipped.map { "skipped inspection text \($0.file): \($0.reason)" })
            return ["documents": result.documents.count, "skipped": result.skipped.count]
        }
        graph.add("join", after: ["ingest_workforce", "ingest_demand", "extract_inspections"]) { g in
            let refs: RunReferences = g.output("references")
            let workforce: TidyDataset = g.output("workforce")
            var input = ScoringInput(workforce: workforce, demand: g.output("demand", as: TidyDataset?.self), registry: refs.registry,
                                     neighbours: refs.neighbours, settings: pipeline.settings.scoring)
            var linked = 0
            if let documents = g.output("documents", as: [InspectionDocument]?.self) {
                let year = pipeline.settings.scoring.year ?? workforce.latestYear ?? 0
                let evidence = InspectionJoin.evidence(documents: documents, units: Array(workforce.localAuthorities(in: year).keys),
                                                       registry: refs.registry, scoringYear: year, settings: pipeline.settings.scoring.inspections)
                input.inspections = evidence
                linked = evidence.count
            }
            var judged = 0
            if let ofsted = pipeline.inputs.ofsted {
                // The judgement in force is shown beside the scores; `inForce` sees only judgements
                // published by the scoring year's census.
                input.judgements = try OfstedHistory.load(path: ofsted, registry: refs.registry)
                judged = input.judgements?.byCode.count ?? 0
            }
            g.store("input", input)
            return ["units_with_inspection_evidence": linked, "authorities_with_ofsted_judgements": judged]
        }
        graph.add("score", after: ["join"]) { g in
            let table = try Scorer.scoreUnranked(g.output("input", as: ScoringInput.self))
            g.store("unranked", table)
            return ["units": table.units.count]
        }
        graph.add("rank", after: ["score"]) { g in
            var table: ScoreTable = g.output("unranked")
            Ranking.rank(&table, blend: pipeline.settings.scoring.blend)
            g.store("table", table)
            return ["ranked": table.units.filter(\.isRanked).count, "excluded": table.units.filter { !$0.isRanked }.count]
        }
        graph.add("write", after: ["rank"]) { g in
            let table: ScoreTable = g.output("table")
            // The two files are independent: render and write (fsync included) them side by side.
            let formats = ["csv", "json"].filter { pipeline.outputs.formats.contains($0) }
            _ = try Parallel.map(formats, threads: threads) { format in
                if format == "csv" {
                    try FileOutput.writeAtomically(ScoresCSV.render(table), to: (runDir as NSString).appendingPathComponent("scores.csv"))
                } else {
                    try ScoresJSON.write(table, inputs: fingerprints, settings: pipeline.settings.scoring,
                                         to: (runDir as NSString).appendingPathComponent("scores.json"), threads: threads)
                }
            }
            return ["files": pipeline.outputs.formats.count]
        }
        let records = try graph.run()
        let table: ScoreTable = graph.output("table")
        let workforce: TidyDataset = graph.output("workforce")
        var warnings = workforce.warnings + table.warnings
        if let demand = graph.output("demand", as: TidyDataset?.self) { warnings += demand.warnings }
        if !plan.inspections.isEmpty { warnings += graph.output("inspection_warnings", as: [String].self) }
        for u in table.units where !u.isRanked {
            warnings.append("excluded \(u.oldCode) \(u.name): \(u.exclusionReason ?? "")")
        }
        var counts: [String: Int] = [:]
        for f in workforce.files { counts["workforce:" + f.path] = f.rowCount }
        if let demand = graph.output("demand", as: TidyDataset?.self) { for f in demand.files { counts["demand:" + f.path] = f.rowCount } }
        if !plan.inspections.isEmpty, let documents = graph.output("documents", as: [InspectionDocument]?.self) {
            for d in documents { counts["inspection:" + d.file] = 1 }
        }
        for w in warnings { logger.warning("\(w)") }
        return (table, records, counts, warnings)
    }
}

/// The concrete files a run will read, after expanding patterns.
public struct InputPlan: Sendable {
    public var workforce: [String]
    public var demand: [String]
    /// Inspection files (folders expanded to the texts inside).
    public var inspections: [String]
    public var reference: [(kind: String, path: String)]

    public static func make(_ p: Pipeline) throws -> InputPlan {
        var reference: [(String, String)] = []
        if let n = p.inputs.neighbours { reference.append(("neighbours", n)) }
        if let a = p.inputs.authorities { reference.append(("authorities", a)) }
        if let a = p.inputs.authorityAliases { reference.append(("authority_aliases", a)) }
        if let o = p.inputs.ofsted { reference.append(("ofsted", o)) }
        return InputPlan(
            workforce: try PathPatterns.expand(p.inputs.workforce, kind: "workforce"),
            demand: try PathPatterns.expand(p.inputs.demand, kind: "demand"),
            inspections: try InspectionIngest.expand(try PathPatterns.expand(p.inputs.inspections, kind: "inspections")),
            reference: reference)
    }

    /// SHA-256 of every input, computed concurrently; row and document counts are filled in later.
    public func fingerprint(threads: Int) throws -> [InputFingerprint] {
        let all: [(String, String)] = workforce.map { ("workforce", $0) } + demand.map { ("demand", $0) }
            + inspections.map { ("inspection", $0) } + reference.map { ($0.kind, $0.path) }
        return try Parallel.map(all, threads: threads) { kind, path in
            InputFingerprint(kind: kind, path: path, sha256: try SHA256Digest.hex(ofFile: path), count: 0)
        }
    }
}
