import WFRiskCore

/// Suppression symbols (and empty cells) seen in a file, by their packed bytes: the
/// `ReasonTable` code of each, or 0 for "not a symbol".
///
/// Why not `plainCode` (below, the version the tests compare it with): a cell that is not a
/// number is usually one of a handful of short symbols, repeated hundreds of thousands of
/// times; up to seven ASCII bytes, trimmed of spaces and tabs and lower-cased, fit one
/// `UInt64` with the length, so a repeated symbol costs one small-dictionary lookup and no
/// `String`. Longer or non-ASCII cells take the plain path every time.
struct SymbolCodes: Sendable {
    private var codes: [UInt64: UInt8] = [:]

    /// The `ReasonTable` code of `cell` if it is a suppression symbol or empty, else nil.
    mutating func code(_ cell: UnsafeBufferPointer<UInt8>, markers: SuppressionMarkers) -> UInt8? {
        var start = 0, end = cell.count
        while start < end, cell[start] == 0x20 || cell[start] == 0x09 { start += 1 }
        while end > start, cell[end - 1] == 0x20 || cell[end - 1] == 0x09 { end -= 1 }
        var key: UInt64 = UInt64(end - start) << 56
        var packable = end - start <= 7
        if packable {
            for i in start..<end {
                var b = cell[i]
                if b >= 0x80 { packable = false; break }
                if b >= 0x41 && b <= 0x5A { b += 0x20 }
                key |= UInt64(b) << (8 * UInt64(i - start))
            }
        }
        if packable, let code = codes[key] { return code == 0 ? nil : code }
        let code = SymbolCodes.plainCode(cell, markers: markers)
        if packable { codes[key] = code ?? 0 }
        return code
    }

    /// The plain path: decode the cell and ask the markers.
    static func plainCode(_ cell: UnsafeBufferPointer<UInt8>, markers: SuppressionMarkers) -> UInt8? {
        markers.reason(for: TextDecoding.decode(cell)).map { ReasonTable.shared.code($0) }
    }
}
