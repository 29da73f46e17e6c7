import Foundation

/// The geographies one part of a tidy file has seen, looked up by the raw bytes of the columns
/// that identify a row's geography (`TidySink`): a national file repeats a few thousand
/// geographies a million times, and a repeated one must cost no string work.
///
/// Why not `PlainGeographyTable` (below, the version the tests compare it with): keys live back
/// to back in one byte arena and the open-addressing slots hold the hash and index inline, so
/// a lookup is one `ByteHash` and about two cache lines, with no array allocated per row for
/// the key. The entries' facts the per-row path needs (level, the year a by-name match is
/// valid for) sit in flat arrays.
struct GeographyTable: Sendable {
    private struct Slot {
        var hash: UInt64
        var index: Int32 // -1: empty
    }

    private var slots: [Slot] = Array(repeating: Slot(hash: 0, index: -1), count: 1024)
    private var arena: [UInt8] = []
    private var keyStarts: [Int] = []
    /// The year an entry is valid for (`Int32.min`: any year).
    private var years: [Int32] = []
    /// `GeographicLevel` code (0 = not a level wfrisk reads).
    private(set) var levelCodes: [UInt8] = []
    private(set) var entries: [Geography] = []
    /// The key being looked up: each identity column as a 4-byte length and its bytes.
    private var key: [UInt8] = Array(repeating: 0, count: 256)
    private var keyCount = 0
    private var keyHash: UInt64 = 0

    /// Makes the identity columns of `record` the current key.
    mutating func setKey(_ record: CSVRecord, columns: [Int]) {
        var size = 0
        for c in columns { size += 4 + (c >= 0 ? record.field(c).count : 0) }
        if key.count < size { key = Array(repeating: 0, count: max(size, 2 * key.count)) }
        keyCount = size
        key.withUnsafeMutableBytes { buffer in
            var at = 0
            for c in columns {
                let field = c >= 0 ? record.field(c) : UnsafeBufferPointer(start: nil, count: 0)
                buffer.storeBytes(of: UInt32(truncatingIfNeeded: field.count).littleEndian, toByteOffset: at, as: UInt32.self)
                at += 4
                if let base = field.baseAddress, field.count > 0 {
                    (buffer.baseAddress! + at).copyMemory(from: base, byteCount: field.count)
                    at += field.count
                }
            }
        }
        keyHash = key.withUnsafeBufferPointer { ByteHash.mix(ByteHash.seed, UnsafeBufferPointer(rebasing: $0[0..<size])) }
    }

    /// The entry with the current key that is valid in `year`, if any.
    func find(year: Int) -> Int32? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: keyHash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while slots[i].index >= 0 {
                if slots[i].hash == keyHash {
                    let e = Int(slots[i].index)
                    if (years[e] == Int32.min || Int(years[e]) == year) && keyMatches(e) { return slots[i].index }
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// Adds `geography` under the current key (valid for `year` only, or any year when nil).
    mutating func insert(_ geography: Geography, year: Int?) -> Int32 {
        let index = Int32(entries.count)
        entries.append(geography)
        keyStarts.append(arena.count)
        arena.append(contentsOf: key[0..<keyCount])
        years.append(year.map { Int32(truncatingIfNeeded: $0) } ?? Int32.min)
        levelCodes.append(geography.levelCode)
        if entries.count * 2 > slots.count { grow() }
        place(hash: keyHash, index: index)
        return index
    }

    private func keyMatches(_ e: Int) -> Bool {
        let start = keyStarts[e]
        let end = e + 1 < keyStarts.count ? keyStarts[e + 1] : arena.count
        guard end - start == keyCount else { return false }
        return arena.withUnsafeBufferPointer { a in
            key.withUnsafeBufferPointer { k in memcmp(a.baseAddress! + start, k.baseAddress!, keyCount) == 0 }
        }
    }

    private mutating func place(hash: UInt64, index: Int32) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i].index >= 0 { i = (i + 1) & mask }
        slots[i] = Slot(hash: hash, index: index)
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, index: -1), count: old.count * 2)
        for s in old where s.index >= 0 { place(hash: s.hash, index: s.index) }
    }
}

/// The plain version of `GeographyTable`: a dictionary from the key's bytes to the entries
/// filed under them. Same answers (pinned by `FastPathTests`); kept as the reference.
struct PlainGeographyTable {
    private var byKey: [[UInt8]: [(year: Int32, index: Int32)]] = [:]
    private(set) var entries: [Geography] = []
    private var key: [UInt8] = []

    mutating func setKey(_ record: CSVRecord, columns: [Int]) {
        key = []
        for c in columns {
            let field = c >= 0 ? Array(record.field(c)) : []
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.count).littleEndian) { key.append(contentsOf: $0) }
            key.append(contentsOf: field)
        }
    }

    func find(year: Int) -> Int32? {
        byKey[key]?.first { $0.year == Int32.min || Int($0.year) == year }?.index
    }

    mutating func insert(_ geography: Geography, year: Int?) -> Int32 {
        let index = Int32(entries.count)
        entries.append(geography)
        byKey[key, default: []].append((year.map { Int32(truncatingIfNeeded: $0) } ?? Int32.min, index))
        return index
    }
}
