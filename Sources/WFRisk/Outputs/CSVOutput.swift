import WFRiskCore
import WFRiskIngest

/// A CSV output written to its file as its rows are made, a block at a time.
///
/// Why: each table used to be built whole first, as rows of cells and then as bytes, before a
/// byte reached the file. On the 100x workload (20,000 units) indicators.csv alone held 240,000
/// rows of 34 cells: the write stage's peak rose about 180 MB over the table it writes. The
/// plain path, each table's `render` (all the rows, then all the bytes), stays for the tests,
/// which compare the two byte for byte (the rows themselves come from the same code in both).
enum CSVOutput {
    /// Bytes gathered before each write to the file.
    static let block = 1 << 20

    /// Items (units, history rows) made into rows per block.
    static let itemsPerBlock = 256

    /// Writes `path` atomically: a UTF-8 byte-order mark, `header`, then the rows of `count`
    /// items, each item's rows made by `rows(item, into)`. The items are made on up to `threads`
    /// workers, `perBlock` items at a time into bytes of their own, and the blocks written in
    /// order, so the file is the same at every thread count. `rows` writes an item's rows into the
    /// writer it is given, field by field (`CSVRowSink`).
    ///
    /// Why: a CSV file was one thread's work, and indicators.csv (55 MB at 100x) and history.csv
    /// were the last files of the write stage: over the csv+json run's last 0.7 s at 100x the
    /// second core was idle a third to a half of the time (perf timeline, docs/performance.md
    /// "Issue 25, session 26"). The plain path (`render`, each file's rows made in order into one
    /// buffer) is what `WriteFastPathTests` compares it with byte for byte, at one thread and more.
    static func write(to path: String, header: [String], items count: Int, threads: Int,
                      perBlock: Int = CSVOutput.itemsPerBlock, block: Int = CSVOutput.block,
                      rows: @Sendable (_ item: Int, _ into: inout CSVWriter) -> Void) throws -> WrittenFile {
        precondition(perBlock > 0, "a block holds at least one item")
        return try FileOutput.writeAtomically(to: path) { write in
            var writer = CSVWriter(byteOrderMark: true)
            writer.writeRow(header)
            var start = 0
            while start < count {
                let first = start
                let blocks = min(max(1, threads), (count - first + perBlock - 1) / perBlock)
                let pieces = Parallel.map(Array(0..<blocks), threads: blocks) { b -> [UInt8] in
                    var piece = CSVWriter()
                    for i in (first + b * perBlock)..<min(count, first + (b + 1) * perBlock) {
                        rows(i, &piece)
                    }
                    return piece.bytes
                }
                for piece in pieces {
                    writer.append(piece)
                    if writer.bytes.count >= block {
                        try write(writer.bytes)
                        writer.clear()
                    }
                }
                start = min(count, first + blocks * perBlock)
            }
            try write(writer.bytes)
        }
    }
}
