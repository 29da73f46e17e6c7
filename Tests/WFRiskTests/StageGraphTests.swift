import Foundation
import Testing
@testable import WFRisk
@testable import WFRiskCore

@Suite struct StageGraphTests {
    @Test func dependantsReceiveTheirInputsValuesInOrder() throws {
        let graph = StageGraph()
        let count = graph.add("count") { () in (3, ["n": 3]) }
        let word = graph.add("word", after: count) { n in (String(repeating: "a", count: n), [:]) }
        let both = graph.add("both", after: word, count) { w, n in ("\(w):\(n)", ["length": w.count + n]) }
        let records = try graph.run()
        #expect(both.value == "aaa:3")
        #expect(records.map(\.name) == ["count", "word", "both"])
        #expect(records.map(\.status) == [.ok, .ok, .ok])
        #expect(records.map(\.counts) == [["n": 3], [:], ["length": 6]])
    }

    struct Broken: Error {}

    /// `Parallel.map` (workers taking the next item): the results are `map`'s, in item order,
    /// each item transformed once, at any thread count, with items of very uneven cost; a
    /// failure is the first failing item's.
    /// Calls per item, counted under one lock.
    final class CallCounts: @unchecked Sendable {
        private var counts: [Int: Int] = [:]
        private let lock = NSLock()
        func add(_ i: Int) { lock.lock(); counts[i, default: 0] += 1; lock.unlock() }
        func take() -> [Int: Int] { lock.lock(); defer { counts = [:]; lock.unlock() }; return counts }
    }

    struct Failed: Error, Equatable { let item: Int }

    @Test(arguments: [1, 2, 3, 5])
    func parallelMapIsMapAtAnyThreadCount(threads: Int) throws {
        let calls = CallCounts()
        for count in [0, 1, 2, 7, 200] {
            let items = Array(0..<count)
            let out = Parallel.map(items, threads: threads) { i -> Int in
                // Some items cost a hundred times others.
                var x = i
                for _ in 0..<(i % 7 == 0 ? 20_000 : 200) { x = (x &* 31 &+ 7) % 1_000_003 }
                calls.add(i)
                return i * i + (x < 0 ? 1 : 0)
            }
            #expect(out == items.map { $0 * $0 }, "\(count) items, \(threads) threads")
            let counted = calls.take()
            #expect(counted == Dictionary(uniqueKeysWithValues: items.map { ($0, 1) }), "\(count) items, \(threads) threads: \(counted.filter { $0.value != 1 })")
        }
        // Items fail late and early; the error is the first failing item's in item order (40).
        #expect(throws: Failed(item: 40)) {
            _ = try Parallel.map(Array((0..<50).reversed()), threads: threads) { i throws(Failed) -> Int in
                if i == 40 || i == 13 || i == 2 { throw Failed(item: i) }
                return i
            }
        }
    }

    @Test func aFailureCancelsItsDependantsOnlyAndIsRethrown() throws {
        let graph = StageGraph()
        let root = graph.add("root") { () in (1, [:]) }
        let bad = graph.add("bad", after: root) { _ -> StageGraph.Produced<Int> in throw Broken() }
        let other = graph.add("other", after: root) { n in (n + 1, [:]) }
        // Listed after `other`, which succeeds: the cancelled stage names the input that did not complete.
        let below = graph.add("below", after: other, bad) { a, b in (a + b, [:]) }
        graph.add("further", after: below) { n in (n, [:]) }
        do {
            _ = try graph.run()
            Issue.record("a failing stage must fail the run")
        } catch let f as StageFailure {
            #expect(f.stage == "bad")
            #expect(f.error is Broken)
            #expect(f.records.map(\.status) == [.ok, .failed, .ok, .cancelled, .cancelled])
            #expect(f.records[3].error == "not run: stage 'bad' did not complete")
            #expect(f.records[4].error == "not run: stage 'below' did not complete")
        }
        #expect(other.value == 2)
    }

    /// A value kept after use is whole for every dependant (whatever the order they run in) and
    /// replaced only after the last of them; a stage nothing depends on keeps its value.
    @Test func aValueKeptAfterUseIsWholeForEveryDependantAndSlimmedAfterTheLast() throws {
        for _ in 0..<20 {
            let graph = StageGraph()
            let big = graph.add("big") { () in (Array(0..<1000), [:]) }
            big.keepAfterUse { Array($0.prefix(1)) }
            let lone = graph.add("lone") { () in ([7, 8], [:]) }
            lone.keepAfterUse { _ in [] }
            let a = graph.add("a", after: big) { v in (v.count, [:]) }
            let b = graph.add("b", after: big, a) { v, n in (v.count + n, [:]) }
            let c = graph.add("c", after: lone, big) { l, v in (l.count + v.reduce(0, +), [:]) }
            _ = try graph.run()
            #expect(a.value == 1000)
            #expect(b.value == 2000)
            #expect(c.value == 2 + 499_500)
            #expect(big.value == [0])
            #expect(lone.value == [])
        }
        let graph = StageGraph()
        let leaf = graph.add("leaf") { () in ([1, 2, 3], [:]) }
        leaf.keepAfterUse { _ in [] }
        _ = try graph.run()
        #expect(leaf.value == [1, 2, 3])
    }

    /// The graph gives freed pages back after each stage through glibc's `malloc_trim`; on
    /// Linux it must be found, or the 100x run's peak goes back up by about 70 MB unseen.
    @Test func theGraphGivesFreedPagesBackAfterEachStage() throws {
        #if os(Linux)
        #expect(FreedMemory.canRelease, "malloc_trim not found in this process")
        #endif
        let before = FreedMemory.releases
        let graph = StageGraph()
        let a = graph.add("a") { () in (1, [:]) }
        let b = graph.add("b", after: a) { x in (x + 1, [:]) }
        graph.add("c", after: a, b) { x, y in (x + y, [:]) }
        _ = try graph.run()
        // Other tests' graphs may run meanwhile: at least this graph's three.
        #expect(FreedMemory.releases - before >= 3)
    }

    /// A run caps glibc's arenas (`mallopt(M_ARENA_MAX)`): on Linux `mallopt` must be found and
    /// take the value, or the 100x default formats' peak goes back up by about 60 MB unseen.
    /// (glibc takes any setting it does not know too: the cap's effect is measured by the
    /// benchmark's peak-memory rows, not here.)
    @Test func theArenasCanBeCapped() {
        #if os(Linux)
        #expect(FreedMemory.limitArenas(to: ProcessInfo.processInfo.activeProcessorCount), "mallopt(M_ARENA_MAX) not taken")
        #endif
    }

    final class Tracked: Sendable {}

    /// What `LeftAtExit` keeps is not freed when its last other owner lets it go: an object, and
    /// a value holding one. (Not through a graph: the graph's queue lets go of its stages a moment
    /// after `run` returns, so whether a value was freed would depend on timing.)
    @Test func whatIsLeftAtExitIsNotFreed() throws {
        final class Holder: Sendable { let tracked = Tracked() }
        weak var inObject: Tracked?
        weak var inValue: Tracked?
        weak var notKept: Tracked?
        let before = LeftAtExit.count
        do {
            let holder = Holder()
            inObject = holder.tracked
            LeftAtExit.keep(holder)
            let value = [Tracked()]
            inValue = value[0]
            LeftAtExit.keep(value: value)
            let other = Holder()
            notKept = other.tracked
        }
        #expect(inObject != nil, "the kept object's contents were freed")
        #expect(inValue != nil, "the kept value's object was freed")
        #expect(notKept == nil, "an object not kept was not freed: the checks above prove nothing")
        #expect(LeftAtExit.count == before + 2)
    }
}
