import Foundation

/// Writes files so that readers see either the old content or the new, never half.
package enum FileOutput {
    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over `path`.
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(to: path) { write in try write(bytes) }
    }

    package static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Like `writeAtomically(_:to:)` for content produced in pieces: `produce` is given a function
    /// that appends bytes to the temporary file. Nothing appears at `path` unless all of it is written.
    package static func writeAtomically(to path: String, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WFRiskError.runtime("cannot write \(temp): \(String(cString: strerror(errno)))") }
        func fail(_ error: Error) -> Error {
            close(fd)
            unlink(temp)
            return error
        }
        do {
            try produce { bytes in
                try bytes.withUnsafeBytes { raw in
                    var written = 0
                    while written < raw.count {
                        let n = write(fd, raw.baseAddress! + written, raw.count - written)
                        if n <= 0 { throw WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))") }
                        written += n
                    }
                }
            }
        } catch {
            throw fail(error)
        }
        guard fsync(fd) == 0 else { throw fail(WFRiskError.runtime("cannot write \(path): \(String(cString: strerror(errno)))")) }
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw WFRiskError.runtime("cannot move \(temp) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
