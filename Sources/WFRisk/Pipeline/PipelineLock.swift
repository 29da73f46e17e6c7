import Foundation
import WFRiskCore

/// Keeps two runs of one pipeline from overlapping: an exclusive `flock` on
/// `<output>/.lock`. The kernel drops the lock when its holder dies (even by `kill -9`),
/// so a lock file left by a dead process never blocks the next run; its PID is read
/// only to say so in the log.
final class PipelineLock {
    let path: String
    private var fd: Int32 = -1
    /// PID written by the previous holder, if it died holding the file.
    private(set) var recoveredFromPID: Int32?

    init(directory: String) {
        path = (directory as NSString).appendingPathComponent(".lock")
    }

    func acquire() throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputPathProblem.explain(error, action: "create the output folder", path: directory)
        }
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw OutputPathProblem.explain(nil, action: "open the lock file", path: path, folder: false) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = readHolder()
            close(fd)
            fd = -1
            throw WFRiskError.locked("another run of this pipeline holds \(path)\(holder.map { " (\($0))" } ?? ""); not starting")
        }
        if let previous = readHolder(), let pid = Int32(previous.split(separator: " ").first.map(String.init)?.replacingOccurrences(of: "pid=", with: "") ?? ""),
           pid != getpid() {
            recoveredFromPID = pid
        }
        let note = "pid=\(getpid()) host=\(ProcessInfo.processInfo.hostName) started=\(Timestamp.iso8601Seconds(Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    private func readHolder() -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, 256, 0)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { release() }
}
