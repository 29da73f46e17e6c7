import Foundation
import WFRiskCore

/// The output folder of a pipeline: `runs/<UTC time to the millisecond>-<id>/` per run, and `latest`, a
/// symbolic link to the newest complete run, replaced in one atomic `rename`.
///
/// wfrisk touches only folders it made: a run folder is known by its name
/// (`yyyyMMdd'T'HHmmss.SSS'Z'-xxxxxx`, `namePattern`) **and** a positive mark of wfrisk, either its
/// `INCOMPLETE` marker or a readable manifest. Anything else under `OUT/` (a user's notes, an
/// experiment folder, a folder whose manifest was damaged) is never removed, and the folder
/// `latest` names is never removed whatever its state.
///
/// Lifecycle of a run folder (README "Recovering"):
/// - created with an `INCOMPLETE` marker holding the writer's PID;
/// - **complete**: the manifest says `success` and the marker is gone (only these are published);
/// - **failed**: the run stopped on an error it could report; the outputs it had written are
///   removed, the manifest says `failed`, the marker is gone, and the folder is kept as evidence
///   (`keep_failed_runs` of them);
/// - **incomplete**: the `INCOMPLETE` marker is still there (or an old manifest says `running`):
///   its writer died (`kill -9`, power loss) before finishing. The next run, holding the lock,
///   removes it and says so;
/// - **empty**: a folder of the run-folder name with nothing in it (its run died between making it
///   and writing the marker): removed with `rmdir`, which cannot remove anything else;
/// - **unrecognised**: a run-folder name with neither marker nor readable manifest (a damaged or
///   partly restored folder, or a user's own): kept and named in the log, never removed.
struct RunFolders {
    let root: String
    static let incompleteMarker = "INCOMPLETE"

    enum State: String, Sendable { case complete, failed, incomplete, empty, unrecognised }

    init(root: String) { self.root = root }

    var runsDirectory: String { (root as NSString).appendingPathComponent("runs") }
    var latest: String { (root as NSString).appendingPathComponent("latest") }

    /// Whether `name` has the shape `create` gives a run folder: `20231130T021500.123Z-0a1b2c`.
    static func isRunFolderName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard b.count == 27 else { return false }
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[$0]) } }
        func hex(_ r: Range<Int>) -> Bool {
            r.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[$0]) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b[$0]) }
        }
        return digits(0..<8) && b[8] == UInt8(ascii: "T") && digits(9..<15) && b[15] == UInt8(ascii: ".")
            && digits(16..<19) && b[19] == UInt8(ascii: "Z") && b[20] == UInt8(ascii: "-") && hex(21..<27)
    }

    /// Creates a new run folder marked incomplete.
    func create(now: Date = Date()) throws -> String {
        let id = String(format: "%06x", UInt32.random(in: 0..<0xFFFFFF))
        let dir = (runsDirectory as NSString).appendingPathComponent("\(Timestamp.compact(now))-\(id)")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw OutputPathProblem.explain(error, action: "create the run folder", path: dir)
        }
        // Written in place (not renamed in): a folder whose writer dies even here is empty, and
        // an empty folder is all the next run removes without a marker.
        let marker = (dir as NSString).appendingPathComponent(Self.incompleteMarker)
        guard FileManager.default.createFile(atPath: marker, contents: Data("pid=\(getpid())\n".utf8)) else {
            let problem = OutputPathProblem.explain(nil, action: "write", path: marker, folder: false)
            rmdir(dir)
            throw problem
        }
        return dir
    }

    func markComplete(_ dir: String) throws {
        let marker = (dir as NSString).appendingPathComponent(Self.incompleteMarker)
        if unlink(marker) != 0 && errno != ENOENT {
            throw OutputPathProblem.explain(nil, action: "remove the marker", path: marker, folder: false)
        }
        fsyncDirectory(dir)
    }

    /// Removes everything a failed run wrote into its own folder `dir` except the marker and the
    /// manifest (partial outputs and temporary files), so a retry after disk full does not fill
    /// the disk further. Returns the names removed.
    @discardableResult
    func removeOutputs(of dir: String) -> [String] {
        let keep: Set<String> = [Self.incompleteMarker, RunManifest.fileName]
        var removed: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where !keep.contains(name) {
            if (try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(name))) != nil { removed.append(name) }
        }
        return removed
    }

    /// Removes the folder of this process's own run `dir` (used when even its failed manifest could not be written).
    func removeOwnRun(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Points `latest` at `dir` atomically (a new link renamed over the old).
    func publish(_ dir: String) throws {
        let target = "runs/" + (dir as NSString).lastPathComponent
        let temp = latest + ".tmp-\(getpid())"
        unlink(temp)
        guard symlink(target, temp) == 0 else {
            throw OutputPathProblem.explain(nil, action: "create the link", path: temp, folder: false)
        }
        guard rename(temp, latest) == 0 else {
            unlink(temp)
            throw OutputPathProblem.explain(nil, action: "publish", path: latest, folder: false)
        }
        fsyncDirectory(root)
    }

    /// The run folder `latest` points at, if any.
    var latestRun: String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: latest) else { return nil }
        return (root as NSString).appendingPathComponent(target)
    }

    /// Folders under `runs/` with a run folder's name, oldest first (other entries are not wfrisk's and are never listed).
    func runs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []
        return names.filter(Self.isRunFolderName).sorted().map { (runsDirectory as NSString).appendingPathComponent($0) }
            .filter { path in
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
                    && (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil
            }
    }

    func isIncomplete(_ dir: String) -> Bool { state(of: dir) == .incomplete }

    func state(of dir: String) -> State {
        let fm = FileManager.default
        if fm.fileExists(atPath: (dir as NSString).appendingPathComponent(Self.incompleteMarker)) { return .incomplete }
        switch RunManifest.read(directory: dir)?.status {
        case .success: return .complete
        case .failed: return .failed
        case .running: return .incomplete
        case nil: return ((try? fm.contentsOfDirectory(atPath: dir)) ?? ["?"]).isEmpty ? .empty : .unrecognised
        }
    }

    /// What `removeIncomplete` did with one folder, and what is known of the run that left it.
    struct Removed: Sendable {
        var path: String
        var reason: String
    }

    private func isLatest(_ dir: String) -> Bool {
        guard let l = latestRun else { return false }
        return (l as NSString).standardizingPath == (dir as NSString).standardizingPath
    }

    /// Removes folders of runs that died before finishing (call while holding the lock). Failed
    /// runs (which reported their error in their manifest) are kept; so are the folder `latest`
    /// names and every folder not positively known as wfrisk's (`kept`).
    func removeIncomplete(except current: String? = nil) -> (removed: [Removed], kept: [Removed]) {
        var removed: [Removed] = [], kept: [Removed] = []
        for dir in runs() where dir != current {
            let state = state(of: dir)
            guard state == .incomplete || state == .empty || state == .unrecognised else { continue }
            if isLatest(dir) {
                kept.append(Removed(path: dir, reason: "`latest` points at it but its manifest is missing or unreadable (a partial restore?); kept, never removed; check or restore it"))
                continue
            }
            switch state {
            case .incomplete:
                let marker = (dir as NSString).appendingPathComponent(Self.incompleteMarker)
                let pid = (try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                let reason = pid.map { "its run (\($0)) stopped before finishing: killed or crashed" }
                    ?? "its manifest says it was still running: killed or crashed"
                if (try? FileManager.default.removeItem(atPath: dir)) != nil { removed.append(Removed(path: dir, reason: reason)) }
            case .empty:
                if rmdir(dir) == 0 { removed.append(Removed(path: dir, reason: "it is empty: its run was killed while creating it")) }
            default:
                kept.append(Removed(path: dir, reason: "it has neither an INCOMPLETE marker nor a readable manifest, so wfrisk cannot tell it made it; kept, never removed"))
            }
        }
        return (removed, kept)
    }

    /// Deletes the oldest complete runs beyond `keep` and the oldest failed runs beyond `keepFailed`,
    /// never the one `latest` points at nor `current`.
    func applyRetention(keep: Int, keepFailed: Int, except current: String? = nil) -> [String] {
        let protected = Set([latestRun, current].compactMap { $0.map { ($0 as NSString).standardizingPath } })
        var removed: [String] = []
        let all = runs()
        for (kind, limit) in [(State.complete, keep), (State.failed, keepFailed)] {
            let folders = all.filter { state(of: $0) == kind }
            guard folders.count > limit else { continue }
            for dir in folders.prefix(folders.count - limit) where !protected.contains((dir as NSString).standardizingPath) {
                if (try? FileManager.default.removeItem(atPath: dir)) != nil { removed.append(dir) }
            }
        }
        return removed
    }

    private func fsyncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// Turns a failed file-system operation on an output path into a sentence naming the path, what
/// is wrong with it and what to do, instead of a platform error code.
package enum OutputPathProblem {
    /// `folder`: whether `path` itself must be a folder (a file there is then in the way).
    package static func explain(_ error: Error?, action: String, path: String, folder: Bool = true) -> WFRiskError {
        let savedErrno = errno
        let fm = FileManager.default
        // Find the part of the path that is in the way: a file where a folder is needed, or an
        // existing folder that cannot be written.
        var probe = (path as NSString).standardizingPath
        var missing: [String] = []
        while !probe.isEmpty && probe != "/" {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: probe, isDirectory: &isDir) {
                if !isDir.boolValue && (folder || !missing.isEmpty) {
                    return .runtime("cannot \(action) \(path): \(probe) is a file, not a folder; remove or rename it, or choose another output folder (--out or outputs.directory)")
                }
                if isDir.boolValue && access(probe, W_OK) != 0 {
                    return .runtime("cannot \(action) \(path): \(probe) is not writable (\(String(cString: strerror(errno)))); make it writable for this user or choose another output folder (--out or outputs.directory)")
                }
                break
            }
            missing.append(probe)
            probe = (probe as NSString).deletingLastPathComponent
        }
        if savedErrno == ENOSPC || savedErrno == EDQUOT {
            return .runtime("cannot \(action) \(path): \(String(cString: strerror(savedErrno))); free space on the disk holding it, or choose another output folder (--out or outputs.directory)")
        }
        if let e = error as? WFRiskError {
            // Already a sentence naming the path (FileOutput): add what to do.
            return .runtime("\(e); check the disk and the folder's permissions, or choose another output folder (--out or outputs.directory)")
        }
        var reason = String(cString: strerror(savedErrno))
        if let ns = error as NSError? {
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                reason = String(cString: strerror(Int32(underlying.code)))
            } else if ns.domain == NSPOSIXErrorDomain {
                reason = String(cString: strerror(Int32(ns.code)))
            } else if ns.domain == NSCocoaErrorDomain {
                switch ns.code {
                case CocoaError.fileWriteFileExists.rawValue: reason = "a file is in the way"
                case CocoaError.fileWriteNoPermission.rawValue: reason = "permission denied"
                case CocoaError.fileWriteOutOfSpace.rawValue: reason = "the disk is full"
                case CocoaError.fileWriteVolumeReadOnly.rawValue: reason = "the file system is read-only"
                default: reason = "file system error"
                }
            }
        }
        return .runtime("cannot \(action) \(path): \(reason); check the path and its permissions, or choose another output folder (--out or outputs.directory)")
    }
}
