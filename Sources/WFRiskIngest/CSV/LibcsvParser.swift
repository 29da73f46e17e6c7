import CLibCSV
import Foundation
import WFRiskCore

extension LinkedLibrary {
    /// libcsv has no run-time version call: the csv.h wfrisk was built against, and the file loaded.
    package static let libcsv = LinkedLibrary(name: "libcsv", version: "\(CSV_MAJOR).\(CSV_MINOR).\(CSV_RELEASE) (csv.h)"
        + (loadedFile(soname: "libcsv.so").map { ", loaded from \($0)" } ?? ""))
}

/// One libcsv parser fed buffers in order.
///
/// libcsv calls back once per field and once per record. The callbacks only copy field bytes
/// into a batch (and count line breaks); the records of a batch go to the caller's `deliver`
/// after `csv_parse` returns, so no reader logic (and no error) ever runs inside a C callback.
/// Their state is a plain struct reached through a pointer: no class field is touched per
/// field, and nothing needs Swift's dynamic exclusivity checks turned off.
final class LibcsvParser {
    private let parser: UnsafeMutablePointer<csv_parser>
    private let state: UnsafeMutablePointer<Batch>
    let path: String

    init(path: String, startLine: Int, keep columns: [Bool]? = nil) throws {
        self.path = path
        parser = .allocate(capacity: 1)
        guard csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)) == 0 else {
            parser.deallocate()
            throw CSVError(file: path, line: 0, message: "libcsv could not initialise")
        }
        state = .allocate(capacity: 1)
        state.initialize(to: Batch(line: startLine))
        keep(columns)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
        state.pointee.release()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Line number of the next unread byte.
    var line: Int { state.pointee.line }

    /// Columns whose bytes later records keep (nil: all; columns past the mask are skipped too).
    func keep(_ columns: [Bool]?) { state.pointee.setKeep(columns) }

    /// Parses `buffer`, then hands each record it completed to `deliver`.
    func feed(_ buffer: UnsafeBufferPointer<UInt8>, _ deliver: (CSVRecord) throws -> Void) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        // Slices of at most 256 KiB, so a batch stays in cache before it is delivered.
        var offset = 0
        while offset < buffer.count {
            let n = min(256 << 10, buffer.count - offset)
            let used = csv_parse(parser, base + offset, n, fieldCallback, rowCallback, state)
            try state.pointee.drain(deliver)
            if used != n {
                throw CSVError(file: path, line: state.pointee.line, message: "malformed CSV: \(String(cString: csv_strerror(csv_error(parser))))")
            }
            offset += n
        }
    }

    /// Ends the input: the last record (if unterminated) is delivered; an open quote is an error.
    func finish(_ deliver: (CSVRecord) throws -> Void) throws {
        if csv_fini(parser, fieldCallback, rowCallback, state) != 0 {
            let at = state.pointee.rowStartLine >= 0 ? state.pointee.rowStartLine : state.pointee.line
            throw CSVError(file: path, line: at, message: "malformed CSV: a quoted field is not closed before the end of the file")
        }
        try state.pointee.drain(deliver)
    }
}

/// The records libcsv completed since the last drain, and the one it is in the middle of: field
/// bytes back to back, field end offsets, and one mark per complete record. Plain growable
/// buffers, so the per-field callback does no Swift array bookkeeping.
private struct Batch {
    struct Mark {
        var firstEnd: Int
        var fields: Int
        var startByte: Int
        var line: Int
    }

    var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 64 << 10)
    var byteCapacity = 64 << 10
    var byteCount = 0
    var ends = UnsafeMutablePointer<Int>.allocate(capacity: 1024)
    var endCapacity = 1024
    var endCount = 0
    var marks = UnsafeMutablePointer<Mark>.allocate(capacity: 256)
    var markCapacity = 256
    var markCount = 0
    /// Where the record being parsed starts in `ends` and `bytes`.
    var recordFirstEnd = 0
    var recordStartByte = 0
    var keep: UnsafeMutablePointer<Bool>?
    var keepCount = 0
    /// Line breaks inside the current record's skipped fields, and whether any had bytes.
    var skippedNewlines = 0
    var skippedBytes = false
    /// Line number of the next unread byte; the current record's first line (-1: none yet).
    var line: Int
    var rowStartLine = -1
    var lastTerminatorWasCR = false

    init(line: Int) { self.line = line }

    func release() {
        bytes.deallocate()
        ends.deallocate()
        marks.deallocate()
        keep?.deallocate()
    }

    mutating func setKeep(_ columns: [Bool]?) {
        keep?.deallocate()
        keep = nil
        keepCount = 0
        if let columns {
            keep = .allocate(capacity: max(1, columns.count))
            keep!.initialize(from: columns, count: columns.count)
            keepCount = columns.count
        }
    }

    @inline(__always) mutating func addField(_ data: UnsafeRawPointer?, _ length: Int) {
        if rowStartLine < 0 { rowStartLine = line }
        let column = endCount - recordFirstEnd
        if let keep, column >= keepCount || !keep[column] {
            // Not needed: only its line breaks (a quoted field may hold some) are counted.
            if let data, length > 0 {
                skippedBytes = true
                let p = data.assumingMemoryBound(to: UInt8.self)
                if length <= 32 {
                    for i in 0..<length where p[i] == 0x0A { skippedNewlines += 1 }
                } else {
                    skippedNewlines += CSVReader.newlines(UnsafeBufferPointer(start: p, count: length))
                }
            }
        } else if let data, length > 0 {
            if byteCount + length > byteCapacity { Batch.grow(&bytes, &byteCapacity, to: byteCount + length, used: byteCount) }
            (bytes + byteCount).update(from: data.assumingMemoryBound(to: UInt8.self), count: length)
            byteCount += length
        }
        if endCount == endCapacity { Batch.grow(&ends, &endCapacity, to: endCount + 1, used: endCount) }
        ends[endCount] = byteCount
        endCount += 1
    }

    mutating func endRow(_ terminator: Int32) {
        let fields = endCount - recordFirstEnd
        let used = byteCount - recordStartByte
        // Line breaks inside quoted fields, counted once per record rather than per field.
        if used > 0 && memchr(bytes + recordStartByte, 0x0A, used) != nil {
            line += CSVReader.newlines(UnsafeBufferPointer(start: bytes + recordStartByte, count: used))
        }
        line += skippedNewlines
        // A line holding nothing (one empty unquoted field) is a blank line.
        let blank = fields == 1 && used == 0 && !skippedBytes
        skippedNewlines = 0
        skippedBytes = false
        if terminator == 0x0A {
            if !(lastTerminatorWasCR && fields == 0) { line += 1 }
        } else if terminator == 0x0D {
            line += 1
        }
        lastTerminatorWasCR = terminator == 0x0D
        let startLine = rowStartLine >= 0 ? rowStartLine : line
        rowStartLine = -1
        if fields > 0 && !blank {
            if markCount == markCapacity { Batch.grow(&marks, &markCapacity, to: markCount + 1, used: markCount) }
            marks[markCount] = Mark(firstEnd: recordFirstEnd, fields: fields, startByte: recordStartByte, line: startLine)
            markCount += 1
            recordFirstEnd = endCount
            recordStartByte = byteCount
        } else {
            endCount = recordFirstEnd
            byteCount = recordStartByte
        }
    }

    /// Hands the complete records to `deliver`, then moves the unfinished one to the front.
    mutating func drain(_ deliver: (CSVRecord) throws -> Void) throws {
        for k in 0..<markCount {
            let m = marks[k]
            try deliver(CSVRecord(line: m.line, bytes: bytes, start: m.startByte,
                                  ends: UnsafeBufferPointer(start: ends + m.firstEnd, count: m.fields)))
        }
        markCount = 0
        if recordStartByte > 0 {
            bytes.update(from: bytes + recordStartByte, count: byteCount - recordStartByte)
        }
        for i in recordFirstEnd..<endCount { ends[i - recordFirstEnd] = ends[i] - recordStartByte }
        byteCount -= recordStartByte
        endCount -= recordFirstEnd
        recordStartByte = 0
        recordFirstEnd = 0
    }

    private static func grow<T>(_ buffer: inout UnsafeMutablePointer<T>, _ capacity: inout Int, to needed: Int, used: Int) {
        let grown = UnsafeMutablePointer<T>.allocate(capacity: max(capacity * 2, needed))
        grown.moveInitialize(from: buffer, count: used)
        buffer.deallocate()
        buffer = grown
        capacity = max(capacity * 2, needed)
    }
}

private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: Batch.self).pointee.addField(UnsafeRawPointer(data), length)
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: Batch.self).pointee.endRow(terminator)
}
