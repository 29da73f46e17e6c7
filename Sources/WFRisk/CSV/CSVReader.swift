import CLibCSV
import Foundation

/// One parsed CSV record: its fields as raw bytes plus the physical line it starts on.
///
/// Field bytes live in a buffer the reader reuses, so a record is only valid inside
/// the handler it is passed to; copy out what you keep (`string(at:)`).
public struct CSVRecord {
    /// 1-based physical line where the record starts (quoted newlines counted).
    public let line: Int
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    public var count: Int { ends.count }

    /// The raw bytes of field `index`.
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Field `index` decoded as text (UTF-8, falling back to Windows-1252), or "" past the end.
    public func string(at index: Int) -> String {
        guard index >= 0, index < count else { return "" }
        return TextDecoding.decode(field(index))
    }

    /// All fields decoded as text.
    public var strings: [String] { (0..<count).map { string(at: $0) } }
}

/// A CSV syntax or I/O problem, with the file and line it was found at.
public struct CSVError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// Streams a CSV file through libcsv, one record at a time.
///
/// Handles a UTF-8 byte-order mark, CRLF or LF line ends, quoted commas and quoted
/// newlines; blank lines are skipped. Parsing is strict about quotes so a truncated
/// or corrupted file is reported with its line rather than silently mis-split.
public enum CSVReader {
    /// Reads `path`, calling `handler` for every non-blank record in order.
    public static func read(path: String, handler: (CSVRecord) throws -> Void) throws {
        guard let file = fopen(path, "rb") else {
            throw CSVError(file: path, line: 0, message: "cannot open file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        let state = ParseState(path: path)
        try withoutActuallyEscaping(handler) { escapable in
            state.handler = escapable
            defer { state.handler = nil }
            var parser = csv_parser()
            guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)) == 0 else {
                throw CSVError(file: path, line: 0, message: "libcsv could not initialise")
            }
            defer { csv_free(&parser) }
            let chunkSize = 1 << 20
            let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
            defer { chunk.deallocate() }
            var first = true
            let context = Unmanaged.passUnretained(state).toOpaque()
            while true {
                let n = fread(chunk, 1, chunkSize, file)
                if n == 0 {
                    if ferror(file) != 0 {
                        throw CSVError(file: path, line: state.line, message: "read error")
                    }
                    break
                }
                var start = 0
                if first {
                    first = false
                    try checkEncoding(UnsafeBufferPointer(start: chunk, count: n), path: path)
                    if n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { start = 3 }
                }
                let want = n - start
                let used = csv_parse(&parser, chunk + start, want, fieldCallback, rowCallback, context)
                if let error = state.error { throw error }
                if used != want {
                    throw CSVError(file: path, line: state.line, message: "malformed CSV: \(String(cString: csv_strerror(csv_error(&parser))))")
                }
            }
            if csv_fini(&parser, fieldCallback, rowCallback, context) != 0 {
                throw CSVError(file: path, line: state.rowStartLine ?? state.line,
                               message: "malformed CSV: a quoted field is not closed before the end of the file")
            }
            if let error = state.error { throw error }
        }
    }

    /// Reads a whole file into an array of string rows (for small reference files).
    public static func readAll(path: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        try read(path: path) { rows.append(($0.line, $0.strings)) }
        return rows
    }

    private static func checkEncoding(_ head: UnsafeBufferPointer<UInt8>, path: String) throws {
        if head.count >= 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) {
            throw CSVError(file: path, line: 1, message: "file is UTF-16; save it as UTF-8 CSV")
        }
        if head.prefix(4096).contains(0) {
            throw CSVError(file: path, line: 1, message: "file contains NUL bytes; it is not a text CSV file")
        }
    }
}

/// Mutable state shared with libcsv's C callbacks.
private final class ParseState {
    let path: String
    var handler: ((CSVRecord) throws -> Void)?
    var error: Error?
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// Line number of the next unread byte.
    var line = 1
    var rowStartLine: Int?
    var lastTerminatorWasCR = false

    init(path: String) {
        self.path = path
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(64)
    }

    func addField(_ data: UnsafeRawPointer?, _ length: Int) {
        if rowStartLine == nil { rowStartLine = line }
        if let data, length > 0 {
            let buffer = UnsafeRawBufferPointer(start: data, count: length)
            bytes.append(contentsOf: buffer)
            for byte in buffer where byte == 0x0A { line += 1 }
        }
        ends.append(bytes.count)
    }

    func endRow(_ terminator: Int32) {
        let hadFields = !ends.isEmpty
        if terminator == 0x0A {
            if !(lastTerminatorWasCR && !hadFields) { line += 1 }
        } else if terminator == 0x0D {
            line += 1
        }
        lastTerminatorWasCR = terminator == 0x0D
        defer {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            rowStartLine = nil
        }
        guard hadFields, error == nil, let handler else { return }
        // A line holding nothing (one empty unquoted field) is a blank line.
        if ends.count == 1, ends[0] == 0 { return }
        let startLine = rowStartLine ?? line
        do {
            try bytes.withUnsafeBufferPointer { b in
                try ends.withUnsafeBufferPointer { e in
                    try handler(CSVRecord(line: startLine, bytes: b, ends: e))
                }
            }
        } catch {
            self.error = error
        }
    }
}

private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let state = Unmanaged<ParseState>.fromOpaque(context).takeUnretainedValue()
    if state.error != nil { return }
    state.addField(UnsafeRawPointer(data), length)
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let state = Unmanaged<ParseState>.fromOpaque(context).takeUnretainedValue()
    state.endRow(terminator)
}
