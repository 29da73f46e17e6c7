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

    /// Writes `path` atomically: a UTF-8 byte-order mark, `header`, then each row `rows` makes.
    static func write(to path: String, header: [String], block: Int = CSVOutput.block,
                      rows: (_ row: ([CSVCell]) throws -> Void) throws -> Void) throws -> WrittenFile {
        try FileOutput.writeAtomically(to: path) { write in
            var writer = CSVWriter(byteOrderMark: true)
            writer.writeRow(header)
            // `rows` runs its closure before returning, so `write` is used only while it is valid.
            try withoutActuallyEscaping(write) { write in
                try rows { cells in
                    writer.writeRow(cells)
                    if writer.bytes.count >= block {
                        try write(writer.bytes)
                        writer.clear()
                    }
                }
            }
            try write(writer.bytes)
        }
    }
}
