import Foundation

/// stdout and stderr, written without trapping. Foundation's `FileHandle.write(_: Data)` stops
/// the process with SIGILL (exit 132) when a write fails: stdout redirected to a full disk
/// (`> /dev/full`) or closed (`>&-`). Every write to the standard streams goes through here.
package enum StandardStream: Sendable {
    case output, error

    private var handle: FileHandle { self == .output ? .standardOutput : .standardError }

    /// Writes the bytes, or throws a runtime error (exit 1) naming the stream: for a command's
    /// product on stdout (`extract --json`), which must not end "successfully" half written.
    package func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw WFRiskError.runtime("cannot write to standard \(self == .output ? "output" : "error"): \(error.localizedDescription)")
        }
    }

    /// Writes the text if the stream can take it: for log lines and messages, which have
    /// nowhere else to go and are no reason to stop a run (its files and manifest are its record).
    package func say(_ text: String) {
        try? handle.write(contentsOf: Data(text.utf8))
    }

    /// Flushes what `print` left in stdio's buffer and throws (exit 1) when any of it could not
    /// be written: a command whose product went to a full disk does not exit 0. Called once, as
    /// every command ends.
    package static func flushPrinted() throws {
        if fflush(nil) != 0 {
            throw WFRiskError.runtime("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }
}
