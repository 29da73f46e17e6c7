import Foundation

/// stdout and stderr, written without trapping. Foundation's `FileHandle.write(_: Data)` stops
/// the process with SIGILL (exit 132) when a write fails, as with stdout redirected to a full
/// disk (`> /dev/full`). Every write to the standard streams goes through here, as `write(2)`
/// calls whose failure is an error (a command's product) or is dropped (a log line).
package enum StandardStream: Sendable {
    case output, error

    private var descriptor: Int32 { self == .output ? 1 : 2 }
    private var name: String { self == .output ? "standard output" : "standard error" }

    /// Writes the bytes, or throws a runtime error (exit 1) naming the stream and the system's
    /// reason: for a command's product on stdout (`extract --json`), which must not end
    /// "successfully" half written.
    package func write(_ data: Data) throws {
        if let reason = put(data) { throw WFRiskError.runtime("cannot write to \(name): \(reason)") }
    }

    /// Writes the text if the stream can take it: for log lines and messages, which have
    /// nowhere else to go and are no reason to stop a run (its files and manifest are its record).
    package func say(_ text: String) {
        _ = put(Data(text.utf8))
    }

    /// The bytes written in full, or the system's reason they could not be.
    private func put(_ data: Data) -> String? {
        data.withUnsafeBytes { raw -> String? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(descriptor, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
    }

    /// Flushes what `print` left in stdio's buffer and throws (exit 1) when any of it could not
    /// be written: a command whose product went to a full disk does not exit 0. Called once, as
    /// every command ends. stdio drops a buffer it failed to write and only marks the stream,
    /// so the error flag is read as well as `fflush`'s result.
    package static func flushPrinted() throws {
        guard let file = stdioOutput() else {
            if fflush(nil) != 0 { throw WFRiskError.runtime("cannot write to standard output: \(String(cString: strerror(errno)))") }
            return
        }
        let failed = fflush(file) != 0
        let reason = failed ? String(cString: strerror(errno)) : "an earlier write failed"
        if failed || ferror(file) != 0 {
            throw WFRiskError.runtime("cannot write to standard output: \(reason)")
        }
    }

    /// C's `stdout` (the `FILE` that `print` writes to). Swift 6 refuses to read the imported
    /// global (shared mutable state), so it is looked up by name in the process (glibc exports it).
    private static func stdioOutput() -> UnsafeMutablePointer<FILE>? {
        guard let symbol = dlsym(nil, "stdout") else { return nil }
        return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
    }

    /// Opens `/dev/null` on any of descriptors 0, 1 and 2 that the process was started without
    /// (`wfrisk run ... >&-`). Otherwise the next file the run opens takes that number: the
    /// output folder's lock file, opened read-write, would then receive what is written as
    /// "stdout". Output to a stream closed at the start is discarded.
    package static func reserveClosedDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0 && opened != fd { dup2(opened, fd); close(opened) }
        }
    }
}
