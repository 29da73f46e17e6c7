import CLibCSV
import Foundation

// The libcsv reference lives outside main.swift: callbacks declared there are main-actor
// isolated, and Swift would check the executor on every call, slowing the reference down.

private func ignoreField(_: UnsafeMutableRawPointer?, _: Int, _: UnsafeMutableRawPointer?) {}
private func ignoreRow(_: Int32, _: UnsafeMutableRawPointer?) {}

/// One pass of libcsv over `path` with callbacks that do nothing: the floor for parsing.
func libcsvRawPass(_ path: String) {
    var parser = csv_parser()
    csv_init(&parser, UInt8(CSV_STRICT | CSV_REPALL_NL))
    defer { csv_free(&parser) }
    guard let f = fopen(path, "rb") else { return }
    defer { fclose(f) }
    let size = 1 << 20
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    defer { buffer.deallocate() }
    while true {
        let n = fread(buffer, 1, size, f)
        if n == 0 { break }
        _ = csv_parse(&parser, buffer, n, ignoreField, ignoreRow, nil)
    }
    csv_fini(&parser, ignoreField, ignoreRow, nil)
}
