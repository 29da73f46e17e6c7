import Foundation
import Logging
import WFRiskCore
import WFRiskIngest
import WFRiskOfsted
import WFRiskInspections
import WFRiskScoring

/// How a run was asked for.
public struct RunOptions: Sendable {
    /// Rerun even when inputs, pipeline and wfrisk version are unchanged.
    public var force = false
    /// Worker threads for file ingest and text extraction.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Report progress on long stages (only when stderr is a terminal).
    public var progress = false
    /// Test hook: pause this many seconds after writing outputs, before publishing.
    package var pauseBeforePublish: Double = 0
    /// Command-line options that replaced pipeline values (recorded in the manifest).
    package var overrides: [RunOverride] = []
    /// A check of the written run folder before it is published (`--baseline`): throwing fails
    /// the run in a stage named `baseline`, so `latest` keeps the previous run.
    public var beforePublish: (@Sendable (_ runDirectory: String) throws -> Void)?
    /// Keep the stages' values until the process exits instead of freeing them when the run
    /// ends (`LeftAtExit`): for the `wfrisk` command, which exits once the run is done.
    package var leaveAtExit = false

    public init() {}
}

/// A command-line option that replaced a pipeline value, e.g. `--year 2022`.
package struct RunOverride: Sendable, Equatable {
    package var option: String
    package var value: String
    package init(option: String, value: String) { self.option = option; self.value = value }
}

/// A run that created its folder and then stopped on an error: which stage, where its folder
/// (with a `status: failed` manifest) is, and the error itself (which decides the exit code).
public struct RunFailure: Error, CustomStringConvertible {
    public let stage: String?
    public let runDirectory: String
    public let latest: String
    public let underlying: Error

    public var exitCode: Int32 { ExitCodes.code(for: underlying) }
    public var description: String { "\(underlying)" }
}

/// The score stage's output: the scoring year unranked, and each history year scored (what history.csv needs of it).
struct ScoredYears: Sendable {
    var unranked: ScoreTable
    var earlier: [YearScores]
}

/// The rank stage's output: the ranked table with year-on-year changes, history.csv's rows and
/// the history years' scores; the uncertainty stage passes it on with the table's rank
/// intervals and words, and the write stage reads only that.
struct RankedScores: Sendable {
    var table: ScoreTable
    var history: [HistoryRow]
    var earlier: [YearScores]

    /// What is left once the next stage has taken its copy: nothing of the units. The write stage
    /// used to read the table of the `score` and `rank` stages too, which kept three copies of
    /// the 20,000 units alive through writing (31 MB of its peak heap on the 100x workload,
    /// heaptrack, docs/performance.md).
    var usedUp: RankedScores {
        var kept = self
        kept.table.units = []
        kept.history = []
        kept.earlier = []
        return kept
    }
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
    /// Folders of inputs marked synthetic (invented values under real names), if any.
    public var syntheticInputs: [String] = []
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
        FreedMemory.limitArenas(to: options.threads)
        let folders = RunFolders(root: pipeline.outputs.directory)
        let lock = PipelineLock(directory: folders.root)
        try lock.acquire()
        defer { lock.release() }
        if let pid = lock.recoveredFromPID {
            logger.warning("recovered a lock left by process \(pid), which is no longer running", metadata: ["pid": "\(pid)"])
        }
        let cleanup = folders.removeIncomplete()
        for removed in cleanup.removed {
            logger.warning("removed incomplete run folder \(removed.path): \(removed.reason)",
                           metadata: ["path": "\(removed.path)", "reason": "\(removed.reason)"])
        }
        for kept in cleanup.kept {
            logger.warning("left run folder \(kept.path) alone: \(kept.reason)",
                           metadata: ["path": "\(kept.path)", "reason": "\(kept.reason)"])
        }

        let started = Date()
        let plan = try InputPlan.make(pipeline)
        let (fingerprints, splits) = try plan.fingerprint(threads: options.threads)
        let runKey = RunManifest.runKey(pipelineSHA: pipeline.sha256, settings: pipeline.settings, formats: pipeline.outputs.formats, inputs: fingerprints)
        if !options.force, let latest = folders.latestRun, let previous = RunManifest.read(directory: latest),
           previous.runKey == runKey, previous.status == .success {
            let id = (latest as NSString).lastPathComponent
            logger.info("nothing to do: inputs, pipeline file, settings and wfrisk version unchanged since run \(id) (use --force to rerun)",
                        metadata: ["run_id": "\(id)", "run_dir": "\(latest)"])
            return RunOutcome(status: .upToDate, runDirectory: latest, latest: folders.latest, table: nil, outputs: [], warnings: [])
        }

        let runDir = try folders.create(now: started)
        let runID = (runDir as NSString).lastPathComponent
        logger.info("run started", metadata: ["run_id": "\(runID)", "run_dir": "\(runDir)", "pipeline": "\(pipeline.file)"])
        var manifest = RunManifest(pipeline: pipeline, overrides: options.overrides, runKey: runKey, inputs: fingerprints, started: started, threads: options.threads)
        manifest.syntheticInputs = plan.syntheticInputs
        manifest.inspectionFolders = plan.inspectionFolders
        do {
            let (table, records, counts, warnings, written) = try runStages(plan: plan, fingerprints: fingerprints, splits: splits, runDir: runDir)
            manifest.stages = records
            manifest.warnings = warnings
            manifest.applyCounts(counts)
            // Each output as the write stage recorded it while writing (`OutputFingerprint.of`,
            // reading it back, is the plain path the tests compare with). An output it did not
            // record is a fault in wfrisk, not something to paper over by reading the file.
            manifest.outputs = try pipeline.outputs.formats.flatMap { $0.outputNames(in: runDir) }.map { name in
                guard let recorded = written[name] else {
                    throw WFRiskError.runtime("internal error: the write stage did not record \(name) as written; please report it")
                }
                return recorded
            }
            if let check = options.beforePublish {
                let start = Date()
                do {
                    try check(runDir)
                    manifest.stages.append(StageRecord(name: "baseline", status: .ok, startedAt: start, seconds: Date().timeIntervalSince(start), counts: [:], error: nil))
                } catch {
                    throw StageFailure(stage: "baseline", error: error, records: records + [
                        StageRecord(name: "baseline", status: .failed, startedAt: start, seconds: Date().timeIntervalSince(start), counts: [:], error: "\(error)")])
                }
            }
            if options.pauseBeforePublish > 0 { Thread.sleep(forTimeInterval: options.pauseBeforePublish) }
            manifest.finish(status: .success, exitCode: 0)
            try manifest.write(to: runDir)
            try folders.markComplete(runDir)
            try folders.publish(runDir)
            logger.info("published", metadata: ["latest": "\(folders.latest)", "run_id": "\(runID)"])
            for removed in folders.applyRetention(keep: pipeline.outputs.keepRuns, keepFailed: pipeline.outputs.keepFailedRuns) {
                logger.info("retention: removed \(removed)", metadata: ["path": "\(removed)"])
            }
            return RunOutcome(status: .published, runDirectory: runDir, latest: folders.latest, table: table,
                              outputs: manifest.outputs.map { (folders.latest as NSString).appendingPathComponent($0.name) },
                              warnings: warnings, syntheticInputs: plan.syntheticInputs)
        } catch {
            var failedStage: String?
            var underlying = error
            if let f = error as? StageFailure {
                manifest.stages = f.records
                failedStage = f.stage
                underlying = f.error
            }
            let failure = RunFailure(stage: failedStage, runDirectory: runDir, latest: folders.latest, underlying: underlying)
            manifest.finish(status: .failed, exitCode: Int(failure.exitCode), failedStage: failedStage, error: "\(underlying)")
            // The folder stays as evidence (a failed run, kept by `keep_failed_runs`), no longer
            // incomplete, holding its manifest only: what the run wrote is removed, so retries after
            // disk full do not fill the disk further. A baseline failure keeps its complete outputs
            // (they are what the check rejected, and the manifest lists them with their hashes).
            if failedStage != "baseline" {
                let removed = folders.removeOutputs(of: runDir)
                if !removed.isEmpty {
                    logger.info("failed run: removed what it had written (\(removed.joined(separator: ", ")))", metadata: ["run_dir": "\(runDir)"])
                }
                manifest.outputs = []
            }
            if (try? manifest.write(to: runDir)) != nil {
                try? folders.markComplete(runDir)
            } else {
                // Not even the manifest fits (disk full): leave nothing behind.
                folders.removeOwnRun(runDir)
                logger.warning("failed run: could not write its manifest, removed its folder \(runDir)", metadata: ["run_dir": "\(runDir)"])
            }
            for removed in folders.applyRetention(keep: pipeline.outputs.keepRuns, keepFailed: pipeline.outputs.keepFailedRuns, except: runDir) {
                logger.info("retention: removed \(removed)", metadata: ["path": "\(removed)"])
            }
            throw failure
        }
    }

    // MARK: Stages

    func runStages(plan: InputPlan, fingerprints: [InputFingerprint], splits: [String: PreparedSplit], runDir: String) throws
        -> (ScoreTable, [StageRecord], [String: Int], [String], written: [String: OutputFingerprint]) {
        let pipeline = self.pipeline
        let threads = options.threads
        let graph = StageGraph()
        let logger = self.logger
        let progress = options.progress
        graph.onEvent = { event, record in
            if progress {
                // A transient status line on a terminal only (never in cron logs).
                StandardStream.error.say((event == "start" ? "\r\u{1B}[K… \(record.name)" : "\r\u{1B}[K"))
            }
            // A failed stage is reported once, by the run's error event; here only its status.
            var fields: Logger.Metadata = ["stage": "\(record.name)"]
            if event == "start" {
                logger.debug("stage started", metadata: fields)
                return
            }
            fields["status"] = "\(record.status.rawValue)"
            fields["seconds"] = .stringConvertible((record.seconds * 1000).rounded() / 1000)
            fields["counts"] = .dictionary(record.counts.mapValues { .stringConvertible($0) })
            if record.status == .ok {
                logger.info("stage done", metadata: fields)
            } else {
                logger.debug("stage \(record.status.rawValue)", metadata: fields)
            }
        }
        let references = graph.add("load_reference") { () in
            let refs = try RunReferences.load(inputs: pipeline.inputs, settings: pipeline.settings)
            return (refs, ["authorities": refs.registry.all.count, "neighbour_sets": refs.neighbours?.neighbours.count ?? 0])
        }
        let workforce = graph.add("ingest_workforce", after: references) { refs in
            // Only the scoring year and the years its change and trend indicators look back over are kept.
            let scoring = pipeline.settings.scoring
            let span = scoring.lookBackYears
            // With history (history.csv), every scored year's look-back too.
            let window: YearWindow
            switch (scoring.history, scoring.year) {
            case (.all, _): window = .all
            case (.years(let h), let y?): window = .range((min(h.lowerBound, y) - span + 1)...y)
            case (.years(let h), nil): window = .range((h.lowerBound - span + 1)...2100)
            case (.last(let n), let y?): window = .range((y - n + 1 - span + 1)...y)
            case (.last(let n), nil): window = .latest(n + span - 1)
            }
            let files = try TidyIngest.read(plan.workforce, wanted: Measure.workforce, kind: "workforce", reader: refs.reader,
                                            threads: threads, years: window, prepared: splits)
            try TidyIngest.verifyUnchanged(files, fingerprints: fingerprints)
            let dataset = try TidyDataset.merge(files, overlap: pipeline.settings.overlappingReleases, threads: threads)
            if case .years(let h) = scoring.history, !h.contains(where: { !dataset.localAuthorities(in: $0).isEmpty }) {
                // None of the history years is in the decoded window: read every year once to name those the data has.
                let all = try TidyDataset.merge(try TidyIngest.read(plan.workforce, wanted: Measure.workforce, kind: "workforce",
                                                                    reader: refs.reader, threads: threads, prepared: splits),
                                                overlap: pipeline.settings.overlappingReleases)
                let have = all.years.filter { !all.localAuthorities(in: $0).isEmpty }
                let missing = h.filter { !have.contains($0) }
                if missing.count == h.count {
                    throw WFRiskError.usage(YearsOutsideData.message(asked: h, missing: missing, have: have,
                                                                    option: "--years or settings.scoring.history", files: plan.workforce))
                }
            }
            if let year = scoring.year, dataset.localAuthorities(in: year).isEmpty {
                // Only the window's rows were decoded: read every year once to say which the data has.
                let all = try TidyDataset.merge(try TidyIngest.read(plan.workforce, wanted: Measure.workforce, kind: "workforce",
                                                                    reader: refs.reader, threads: threads, prepared: splits),
                                                overlap: pipeline.settings.overlappingReleases)
                let have = all.years.filter { !all.localAuthorities(in: $0).isEmpty }
                throw WFRiskError.usage("no local-authority rows for scoring year \(year) (--year or settings.scoring.year); "
                    + "the workforce data (\(plan.workforce.joined(separator: ", "))) has years: \(have.isEmpty ? "none" : have.map(String.init).joined(separator: ", "))")
            }
            return (dataset, ["files": files.count, "rows": dataset.rowCount, "records": dataset.records.count])
        }
        // After the join only the files and warnings are read (end of run).
        workforce.keepAfterUse { $0.withoutRecords() }
        let demand = graph.add("ingest_demand", after: references) { refs -> StageGraph.Produced<TidyDataset?> in
            guard !plan.demand.isEmpty else { return (nil, ["files": 0]) }
            let (dataset, files) = try RunReferences.demand(plan.demand, population: pipeline.inputs.population, reader: refs.reader,
                                                            overlap: pipeline.settings.overlappingReleases, threads: threads) {
                try TidyIngest.verifyUnchanged($0, fingerprints: fingerprints)
            }
            return (dataset, ["files": files, "rows": dataset.rowCount, "records": dataset.records.count])
        }
        let inspections = graph.add("extract_inspections", after: references) { refs -> StageGraph.Produced<InspectionIngest.Result?> in
            guard plan.inspectionsGiven else { return (nil, ["documents": 0]) }
            let result = try InspectionIngest.read(plan.inspections, registry: refs.registry, threads: threads)
            return (result, ["documents": result.documents.count, "skipped": result.skipped.count])
        }
        let ofsted = graph.add("load_ofsted", after: references) { refs -> StageGraph.Produced<OfstedRecord?> in
            guard !pipeline.inputs.ofsted.isEmpty else { return (nil, ["judgements": 0]) }
            let record = try OfstedInput.load(pipeline.inputs.ofsted, registry: refs.registry)
            return (record, ["judgements": record.history.all.count, "passed_over": record.passedOver.count])
        }
        // Inputs listed with the stage that used to be the only dependency first: a cancelled
        // stage names its first input that did not complete.
        let joined = graph.add("join", after: workforce, demand, inspections, references, ofsted) { workforce, demand, inspections, refs, ofsted in
            let joined = try JoinStage.run(references: refs, workforce: workforce, demand: demand, documents: inspections?.documents,
                                           ofsted: ofsted?.history, settings: pipeline.settings.scoring, threads: threads)
            return (joined, joined.counts)
        }
        joined.keepAfterUse { $0.keptAfterScoring }
        let scored = graph.add("score", after: joined) { joined in
            let (table, earlier) = try ScoreSeries.scoreWithHistory(joined.input, figures: joined.figures, years: joined.historyYears,
                                                                    inspections: joined.historyEvidence, threads: threads)
            return (ScoredYears(unranked: table, earlier: earlier), ["units": table.units.count, "years": joined.historyYears.count + 1])
        }
        // The rank stage takes its copy of both; the write stage reads them from the uncertainty stage.
        scored.keepAfterUse { var kept = $0; kept.unranked.units = []; kept.earlier = []; return kept }
        let synthetic = plan.syntheticInputs
        let ranked = graph.add("rank", after: scored, joined, references) { scored, joined, refs in
            var table = scored.unranked
            Ranking.rank(&table, blend: pipeline.settings.scoring.blend)
            if !synthetic.isEmpty {
                // Invented values under real council names: say so in every output, row by row.
                table.warnings.insert("SYNTHETIC DATA: inputs marked synthetic (\(synthetic.joined(separator: ", "))); the scores are not real figures", at: 0)
                for i in table.units.indices { table.units[i].notes.insert("synthetic sample data, not real figures", at: 0) }
            }
            let history = ScoreSeries.history(scored.earlier + [YearScores(table)], figures: joined.figures, registry: refs.registry,
                                              threads: threads)
            ScoreSeries.applyChanges(&table, history: history)
            return (RankedScores(table: table, history: history, earlier: scored.earlier),
                    ["ranked": table.units.filter(\.isRanked).count, "excluded": table.units.filter { !$0.isRanked }.count])
        }
        ranked.keepAfterUse { $0.usedUp }
        let final = graph.add("uncertainty", after: ranked, joined) { ranked, joined in
            var scores = ranked
            RankSimulation.apply(&scores.table, settings: joined.input.settings, threads: threads)
            UnitWords.apply(&scores.table, words: try UnitWords.bundled(), threads: threads)
            return (scores, ["draws": joined.input.settings.uncertainty.draws])
        }
        let write = graph.add("write", after: final) { final in
            let table = final.table
            var data = ReportData(table: table, inputs: fingerprints, settings: pipeline.settings.scoring, synthetic: !synthetic.isEmpty,
                                    earlierYears: final.earlier, history: final.history)
            data.unitPagesAbove = pipeline.settings.reportUnitPagesAbove
            data.unitsPerPage = pipeline.settings.reportUnitsPerPage
            let report = data
            // The files are independent: render and write (fsync included) them side by side, the
            // csv format's three files each on its own.
            // Each file's hash and size are taken as it is written (`WrittenFile`), for the manifest.
            // Costliest first (`OutputFile.costOrder`), each thread taking the next file when it
            // is done: the end of the stage waits on the costliest, not on whatever came last.
            let files = pipeline.outputs.formats.flatMap(\.files).sorted { $0.costOrder < $1.costOrder }
            let written = try Parallel.map(files, threads: threads) { file -> [OutputFingerprint] in
                let path = (runDir as NSString).appendingPathComponent(file.rawValue)
                func done(_ w: WrittenFile) -> [OutputFingerprint] { [OutputFingerprint(name: file.rawValue, written: w)] }
                do {
                    switch file {
                    case .scoresCSV: return done(try ScoresCSV.write(table, to: path, threads: threads))
                    case .historyCSV: return done(try HistoryCSV.write(final.history, to: path, threads: threads))
                    case .indicatorsCSV: return done(try IndicatorsCSV.write(table, to: path, threads: threads))
                    case .scoresJSON:
                        return done(try ScoresDocument(table: table, inputs: fingerprints, settings: pipeline.settings.scoring).write(to: path, threads: threads))
                    case .workbook: return done(try ScoresWorkbook.write(report, to: path, threads: threads))
                    case .report:
                        let (page, pages) = try ScoresReport.write(report, to: path, threads: threads)
                        return done(page) + (pages.map { [OutputFingerprint.folder(ReportLayout.pagesFolder + "/", files: $0)] } ?? [])
                    }
                } catch let e as WFRiskError {
                    guard case .runtime = e else { throw e }
                    throw OutputPathProblem.explain(e, action: "write", path: path, folder: false)
                }
            }
            return (Dictionary(written.joined().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }), ["files": pipeline.outputs.formats.count])
        }
        let records = try graph.run()
        let table = final.value.table
        var warnings = workforce.value.warnings + table.warnings
        if let demand = demand.value { warnings += demand.warnings }
        warnings += plan.inspectionFolderWarnings
        if let read = inspections.value {
            warnings += read.skipped.map { "skipped inspection text \($0.file): \($0.reason)" }
            warnings += joined.value.unusedInspections
        }
        if let record = ofsted.value {
            warnings += record.passedOverSummary
            warnings += joined.value.ofstedWarnings
        }
        for u in table.units where !u.isRanked {
            warnings.append("excluded \(u.oldCode) \(u.name): \(u.exclusionReason ?? "")")
        }
        var counts: [String: Int] = [:]
        for f in workforce.value.files { counts["workforce:" + f.path] = f.rowCount }
        if let demand = demand.value { for f in demand.files { counts["demand:" + f.path] = f.rowCount } }
        if let read = inspections.value {
            for d in read.documents { counts["inspection:" + d.file] = 1 }
            for d in read.documents { counts["inspection_metadata:" + d.file + ".meta.yml"] = 1 }
        }
        let refs = references.value
        if let n = pipeline.inputs.neighbours { counts["neighbours:" + n] = refs.neighbours?.neighbours.count ?? 0 }
        if let a = pipeline.inputs.authorities { counts["authorities:" + a] = refs.registry.all.count }
        // Each Ofsted input file with the judgements it gave (a PDF folder: each report).
        for source in ofsted.value?.sources ?? [] { for (file, n) in source.files { counts["ofsted:" + file] = n } }
        for w in warnings { logger.warning("\(w)", metadata: ["category": "input"]) }
        if options.leaveAtExit { LeftAtExit.keep(graph) }
        return (table, records, counts, warnings, write.value)
    }
}

/// The concrete files a run will read, after expanding patterns.
package struct InputPlan: Sendable {
    package var workforce: [String]
    package var demand: [String]
    /// Inspection files (folders expanded to the texts inside).
    package var inspections: [String]
    package var reference: [(kind: String, path: String)]
    /// Whether the run was given inspection input at all (an empty folder counts: the
    /// inspection indicators are then applicable and missing, as for texts none of which is used).
    package var inspectionsGiven = false
    /// What each inspection folder held, and what in it was passed over and why.
    package var inspectionFolders: [InspectionIngest.Folder] = []
    /// The `.meta.yml` sidecars beside the texts: part of each text's metadata, so fingerprinted
    /// (the run key changes when one is edited).
    package var inspectionSidecars: [String] {
        inspections.map { $0 + ".meta.yml" }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The inspection folders' warnings: each file passed over with its reason, and a folder with no text.
    package var inspectionFolderWarnings: [String] { inspectionFolders.flatMap(\.warnings) }

    /// Name of the marker file that labels a folder of inputs as invented (sample-data/, `wfrisk sample`).
    package static let syntheticMarker = "SYNTHETIC"

    /// Folders holding a `SYNTHETIC` marker that some input lies below (up to four levels up).
    package var syntheticInputs: [String] {
        var found = Set<String>()
        for path in workforce + demand + inspections + reference.map(\.path) {
            // The file's folder and up to three above it; a relative path's walk ends in the
            // working folder ("."), which is looked at too.
            var dir = (path as NSString).deletingLastPathComponent
            for _ in 0..<4 {
                let here = dir.isEmpty ? "." : dir
                if FileManager.default.fileExists(atPath: (here as NSString).appendingPathComponent(Self.syntheticMarker)) {
                    found.insert(here)
                    break
                }
                if dir.isEmpty || dir == "/" { break }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return found.sorted()
    }

    package static func make(_ p: Pipeline) throws -> InputPlan {
        var reference: [(String, String)] = []
        if let n = p.inputs.neighbours { reference.append(("neighbours", n)) }
        if let a = p.inputs.authorities { reference.append(("authorities", a)) }
        if let a = p.inputs.authorityAliases { reference.append(("authority_aliases", a)) }
        for o in p.inputs.ofsted { reference += OfstedInput.files(o).map { ("ofsted", $0) } }
        if let o = p.inputs.population { reference.append(("population", o)) }
        let inspections = try InspectionIngest.expandFolders(try PathPatterns.expand(p.inputs.inspections, kind: "inspections"))
        var plan = InputPlan(
            workforce: try PathPatterns.expand(p.inputs.workforce, kind: "workforce"),
            demand: try PathPatterns.expand(p.inputs.demand, kind: "demand"),
            inspections: inspections.texts,
            reference: reference)
        plan.inspectionsGiven = !p.inputs.inspections.isEmpty
        plan.inspectionFolders = inspections.folders
        return plan
    }

    /// SHA-256 of every input, computed concurrently; row and document counts are filled in later.
    /// A workforce file the ingest will read in parts has its split points found by the same read
    /// (`PreparedSplit`), handed on in `splits`: the ingest then parses it without
    /// reading it whole once more, and checks it parses the bytes fingerprinted. A file that pass
    /// refuses is fingerprinted plainly and left to the ingest to report.
    func fingerprint(threads: Int) throws -> (inputs: [InputFingerprint], splits: [String: PreparedSplit]) {
        let all: [(String, String)] = workforce.map { ("workforce", $0) } + demand.map { ("demand", $0) }
            + inspections.map { ("inspection", $0) } + inspectionSidecars.map { ("inspection_metadata", $0) }
            + reference.map { ($0.kind, $0.path) }
        let perFile = TidyIngest.threadsPerFile(threads: threads, files: workforce.count)
        let done = try Parallel.map(all, threads: threads) { kind, path -> (InputFingerprint, PreparedSplit?) in
            let split = kind == "workforce" ? try? PreparedSplit.forRead(path: path, threads: perFile) : nil
            let sha256 = try split?.sha256 ?? SHA256Digest.hex(ofFile: path)
            return (InputFingerprint(kind: kind, path: path, sha256: sha256, count: 0), split)
        }
        var splits: [String: PreparedSplit] = [:]
        for (input, split) in done { if let split { splits[input.path] = split } }
        return (done.map { $0.0 }, splits)
    }

}
