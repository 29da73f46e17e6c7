/// Writes JSON straight into bytes, a key or value at a time, in exactly `JSONValue.rendered()`'s
/// layout (two-space indents, `"key": value`, `{}` and `[]` when empty, no final newline).
///
/// Why: `JSONValue` builds a tree of enums and arrays for every object before rendering it; for
/// scores.json at 20,000 units (209 MB) that tree, built and freed a unit at a time, was most of
/// the file's cost. A document written with this writer never builds the tree. `JSONValue` stays
/// the plain path: `value(_:)` writes any `JSONValue` through this writer, and
/// `WriteFastPathTests.theJSONWriterWritesWhatJSONValueRenders` pins the two to the same bytes over random documents.
package struct JSONWriter {
    package var bytes: [UInt8] = []
    /// Items written so far in each open object or array, innermost last.
    private var open: [Int] = []

    package init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    /// A writer placed inside `depth - 1` open containers and an open array that already holds
    /// `written` elements, so a block of that array's elements can be written apart (on another
    /// thread) and appended: its bytes are those the elements get in the whole document.
    package init(insideArrayAtDepth depth: Int, written: Int, capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
        open = Array(repeating: 1, count: max(0, depth - 1)) + [written]
    }

    /// Appends `count` elements of the innermost open array written apart by a writer made with
    /// `init(insideArrayAtDepth:written:)`.
    package mutating func append(elements written: [UInt8], count: Int) {
        bytes.append(contentsOf: written)
        open[open.count - 1] += count
    }

    // MARK: Containers

    package mutating func beginObject() { valueStart(); bytes.append(0x7B); open.append(0) }
    package mutating func endObject() { close(0x7D) }
    package mutating func beginArray() { valueStart(); bytes.append(0x5B); open.append(0) }
    package mutating func endArray() { close(0x5D) }

    private mutating func close(_ bracket: UInt8) {
        let count = open.removeLast()
        if count > 0 {
            bytes.append(0x0A)
            indent(open.count)
        }
        bytes.append(bracket)
    }

    /// Starts the next item of the innermost container: the comma after the one before, a line
    /// end and the indent.
    private mutating func item() {
        guard !open.isEmpty else { return }
        if open[open.count - 1] > 0 { bytes.append(0x2C) }
        open[open.count - 1] += 1
        bytes.append(0x0A)
        indent(open.count)
    }

    private mutating func indent(_ depth: Int) {
        let n = 2 * depth
        // Copied from a row of spaces (a generic repeated-element append was a tenth of
        // scores.json's making at 100x, perf); deeper than the row, the plain append.
        guard n <= Self.spaces.count else { return bytes.append(contentsOf: repeatElement(0x20, count: n)) }
        Self.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    /// The next key of the innermost object; its value follows (`int`, `string`, `beginObject` …).
    package mutating func key(_ name: String) {
        item()
        JSONValue.escape(name, into: &bytes)
        bytes.append(0x3A)
        bytes.append(0x20)
        pendingKey = true
    }

    /// `key` for a name written in the program: its bytes copied as they are, not looked
    /// through for characters to escape (scores.json's eighty keys a unit, 1.6 million at 100x).
    /// A name that would need escaping is a programming error (checked in debug builds).
    package mutating func field(_ name: StaticString) {
        item()
        bytes.append(0x22)
        name.withUTF8Buffer { raw in
            assert(!raw.contains(where: JSONValue.needsEscape), "a field name needing escapes: \(name)")
            bytes.append(contentsOf: raw)
        }
        bytes.append(contentsOf: Self.nameEnd)
        pendingKey = true
    }

    private static let nameEnd: [UInt8] = [0x22, 0x3A, 0x20]

    /// A value right after `key` is that key's; otherwise it is the next element of an array.
    private var pendingKey = false

    private mutating func valueStart() {
        if pendingKey { pendingKey = false } else { item() }
    }

    // MARK: Values

    package mutating func null() { valueStart(); bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    package mutating func bool(_ b: Bool) { valueStart(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }

    package mutating func int(_ v: Int) {
        valueStart()
        Decimals.appendWhole(v, to: &bytes)
    }

    package mutating func int(_ v: Int?) { if let v { int(v) } else { null() } }

    /// `JSONValue.double(v, decimals:)`: null for nil.
    package mutating func double(_ v: Double?, decimals: Int) {
        guard let v else { return null() }
        valueStart()
        Decimals.append(v, decimals, to: &bytes)
    }

    package mutating func string(_ s: String) { valueStart(); JSONValue.escape(s, into: &bytes) }

    /// `JSONValue.optionalString`: null for nil.
    package mutating func string(_ s: String?) { if let s { string(s) } else { null() } }

    /// `.array` of strings.
    package mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    /// Any `JSONValue`, as it renders (a `generated` array's elements built one at a time).
    package mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let s): valueStart(); bytes.append(contentsOf: s.utf8)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { value(item) }
            endArray()
        case .generated(let count, let element):
            beginArray()
            for i in 0..<count { value(element(i)) }
            endArray()
        case .object(let pairs):
            beginObject()
            for (k, item) in pairs {
                key(k)
                value(item)
            }
            endObject()
        }
    }
}
