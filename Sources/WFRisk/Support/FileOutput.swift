import Foundation

/// Writes files so that readers see either the old content or the new, never half.
public enum FileOutput {
    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over `path`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WFRiskError.runtime("cannot write \(temp): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok else {
            unlink(temp)
            throw WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw WFRiskError.runtime("cannot move \(temp) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }
}
