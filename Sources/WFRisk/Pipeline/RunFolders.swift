import Foundation

/// The output folder of a pipeline: `runs/<UTC time to the millisecond>-<id>/` per run, and `latest`, a
/// symbolic link to the newest complete run, replaced in one atomic `rename`.
/// A run folder holds an `INCOMPLETE` marker until the run has written everything.
public struct RunFolders {
    public let root: String
    public static let incompleteMarker = "INCOMPLETE"

    public init(root: String) { self.root = root }

    public var runsDirectory: String { (root as NSString).appendingPathComponent("runs") }
    public var latest: String { (root as NSString).appendingPathComponent("latest") }

    /// Creates a new run folder marked incomplete.
    public func create(now: Date = Date()) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let id = String(format: "%06x", UInt32.random(in: 0..<0xFFFFFF))
        let dir = (runsDirectory as NSString).appendingPathComponent("\(f.string(from: now))-\(id)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileOutput.writeAtomically("pid=\(getpid())\n", to: (dir as NSString).appendingPathComponent(Self.incompleteMarker))
        return dir
    }

    public func markComplete(_ dir: String) throws {
        let marker = (dir as NSString).appendingPathComponent(Self.incompleteMarker)
        if unlink(marker) != 0 && errno != ENOENT {
            throw WFRiskError.runtime("cannot remove \(marker): \(String(cString: strerror(errno)))")
        }
        fsyncDirectory(dir)
    }

    /// Points `latest` at `dir` atomically (a new link renamed over the old).
    public func publish(_ dir: String) throws {
        let target = "runs/" + (dir as NSString).lastPathComponent
        let temp = latest + ".tmp-\(getpid())"
        unlink(temp)
        guard symlink(target, temp) == 0 else {
            throw WFRiskError.runtime("cannot create link \(temp): \(String(cString: strerror(errno)))")
        }
        guard rename(temp, latest) == 0 else {
            unlink(temp)
            throw WFRiskError.runtime("cannot publish \(latest): \(String(cString: strerror(errno)))")
        }
        fsyncDirectory(root)
    }

    /// The run folder `latest` points at, if any.
    public var latestRun: String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: latest) else { return nil }
        return (root as NSString).appendingPathComponent(target)
    }

    /// Run folders, oldest first.
    public func runs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (runsDirectory as NSString).appendingPathComponent($0) }
    }

    public func isIncomplete(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(Self.incompleteMarker))
    }

    /// Removes folders of runs that died before completing (call while holding the lock).
    public func removeIncomplete(except current: String? = nil) -> [String] {
        var removed: [String] = []
        for dir in runs() where dir != current && isIncomplete(dir) {
            if (try? FileManager.default.removeItem(atPath: dir)) != nil { removed.append(dir) }
        }
        return removed
    }

    /// Deletes the oldest complete runs beyond `keep`, never the one `latest` points at.
    public func applyRetention(keep: Int) -> [String] {
        let latestRun = self.latestRun.map { ($0 as NSString).standardizingPath }
        let complete = runs().filter { !isIncomplete($0) }
        guard complete.count > keep else { return [] }
        var removed: [String] = []
        for dir in complete.prefix(complete.count - keep) where (dir as NSString).standardizingPath != latestRun {
            if (try? FileManager.default.removeItem(atPath: dir)) != nil { removed.append(dir) }
        }
        return removed
    }

    private func fsyncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
