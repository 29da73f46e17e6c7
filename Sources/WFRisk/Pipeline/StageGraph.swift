import Dispatch
import Foundation
import WFRiskCore

/// How a stage ended (`status` of a stage in manifest.json).
enum StageStatus: String, Sendable {
    case ok
    case failed
    /// A stage it depends on failed or was itself cancelled.
    case cancelled
    /// The graph stopped before reaching it.
    case notRun = "not run"
}

/// Timing and counts of one stage, for logs and the manifest.
package struct StageRecord: Sendable, Equatable {
    var name: String
    var status: StageStatus
    var startedAt: Date?
    var seconds: Double
    var counts: [String: Int]
    var error: String?
}

/// A stage added to a `StageGraph`: its name, and once it has run, the value it produced.
/// Dependants receive that value as a typed argument of their work, so a stage cannot read a
/// value it did not declare, nor read one as the wrong type.
final class Stage<Output: Sendable>: @unchecked Sendable {
    let name: String
    private var produced: Output?
    /// Applied to the value once every dependant has finished (`keepAfterUse`).
    private var afterUse: (@Sendable (Output) -> Output)?
    private let lock = NSLock()

    init(name: String) { self.name = name }

    /// Once every stage that depends on this one has finished, replace the value by `kept(value)`:
    /// what is still read after the run (warnings, counts), so the rest is freed while later
    /// stages run. Why: on the 100x workload the ingested dataset and the figure table were
    /// alive until the run ended, about 290 MB of the write stage's peak heap that no stage
    /// after `uncertainty` reads (heaptrack, docs/performance.md). A stage nothing depends on
    /// keeps its value whole.
    @discardableResult
    func keepAfterUse(_ kept: @escaping @Sendable (Output) -> Output) -> Stage<Output> {
        lock.withLock { afterUse = kept }
        return self
    }

    /// Called by the graph when the last dependant has finished.
    fileprivate func used() {
        lock.withLock {
            guard let afterUse, let value = produced else { return }
            produced = nil
            produced = afterUse(value)
        }
    }

    /// The value the stage produced. Only read by dependants (which run after it succeeded) or
    /// after `StageGraph.run()` returned without throwing.
    var value: Output {
        lock.withLock {
            guard let produced else { preconditionFailure("stage '\(name)' has not produced its value") }
            return produced
        }
    }

    fileprivate func store(_ value: Output) { lock.withLock { produced = value } }
}

/// Runs named stages on Dispatch as soon as their dependencies have finished: independent
/// stages overlap, dependants wait. A failing stage cancels everything that depends on it,
/// directly or not; the first failure (in declaration order) is rethrown.
final class StageGraph: @unchecked Sendable {
    /// What a stage's work returns: the value for its dependants and the counts it records.
    typealias Produced<Output> = (value: Output, counts: [String: Int])

    private struct Node: Sendable {
        let name: String
        let dependencies: [String]
        /// Runs the work with its inputs' values and stores the output; returns the counts.
        let run: @Sendable () throws -> [String: Int]
        /// Tells the stage its last dependant has finished.
        let used: @Sendable () -> Void
    }

    private var nodes: [Node] = []
    /// Dependencies each stage still waits for.
    private var pendingCounts: [String: Int] = [:]
    /// Dependants each stage still waits on before its value is used up.
    private var usersLeft: [String: Int] = [:]
    private var records: [String: StageRecord] = [:]
    private var failures: [String: Error] = [:]
    private let lock = NSLock()
    private let queue = DispatchQueue(label: "wfrisk.stages", attributes: .concurrent)
    private let group = DispatchGroup()
    var onEvent: (@Sendable (String, StageRecord) -> Void)?

    init() {}

    /// Adds a stage that runs after `inputs` and receives their values, in that order. The first
    /// input names the dependency a cancelled stage reports.
    @discardableResult
    func add<each Input: Sendable, Output: Sendable>(
        _ name: String, after inputs: repeat Stage<each Input>,
        work: @escaping @Sendable (repeat each Input) throws -> Produced<Output>
    ) -> Stage<Output> {
        var dependencies: [String] = []
        for input in repeat each inputs {
            precondition(nodes.contains { $0.name == input.name }, "stage '\(name)' added before its input '\(input.name)'")
            dependencies.append(input.name)
        }
        precondition(!nodes.contains { $0.name == name }, "two stages named '\(name)'")
        let stage = Stage<Output>(name: name)
        nodes.append(Node(name: name, dependencies: dependencies, run: { [inputs = (repeat each inputs)] in
            let produced = try work(repeat (each inputs).value)
            stage.store(produced.value)
            return produced.counts
        }, used: { stage.used() }))
        return stage
    }

    /// Runs every stage; returns the stage records in declaration order.
    func run() throws -> [StageRecord] {
        lock.withLock {
            for n in nodes {
                pendingCounts[n.name] = n.dependencies.count
                for d in n.dependencies { usersLeft[d, default: 0] += 1 }
            }
        }
        for n in nodes where n.dependencies.isEmpty { schedule(n) }
        group.wait()
        let ordered = nodes.map { records[$0.name] ?? StageRecord(name: $0.name, status: .notRun, startedAt: nil, seconds: 0, counts: [:], error: nil) }
        if let first = nodes.first(where: { failures[$0.name] != nil }) { throw StageFailure(stage: first.name, error: failures[first.name]!, records: ordered) }
        return ordered
    }

    private func schedule(_ node: Node) {
        group.enter()
        queue.async { [self] in
            let cancelledBy = lock.withLock { node.dependencies.first { failures[$0] != nil || records[$0]?.status == .cancelled } }
            let start = Date()
            var record = StageRecord(name: node.name, status: .ok, startedAt: start, seconds: 0, counts: [:], error: nil)
            if let cancelledBy {
                record.status = .cancelled
                record.error = "not run: stage '\(cancelledBy)' did not complete"
            } else {
                onEvent?("start", record)
                do {
                    record.counts = try node.run()
                } catch {
                    record.status = .failed
                    record.error = "\(error)"
                    lock.withLock { failures[node.name] = error }
                }
            }
            record.seconds = Date().timeIntervalSince(start)
            onEvent?("end", record)
            var ready: [Node] = []
            var usedUp: [Node] = []
            lock.withLock {
                records[node.name] = record
                for n in nodes where n.dependencies.contains(node.name) {
                    pendingCounts[n.name, default: 0] -= 1
                    if pendingCounts[n.name] == 0 { ready.append(n) }
                }
                for d in node.dependencies {
                    usersLeft[d, default: 0] -= 1
                    if usersLeft[d] == 0, let n = nodes.first(where: { $0.name == d }) { usedUp.append(n) }
                }
            }
            for n in ready { schedule(n) }
            // After the next stages are under way: freeing a large value takes a while.
            for n in usedUp { n.used() }
            // What the stage and the values used up freed, given back while the next stages
            // start, rather than kept resident beside the pages they take (`FreedMemory`).
            FreedMemory.release()
            group.leave()
        }
    }

}

/// A stage failed; carries which one and the records so far.
package struct StageFailure: Error, CustomStringConvertible {
    package let stage: String
    package let error: Error
    package let records: [StageRecord]
    package var description: String { "stage '\(stage)' failed: \(error)" }
}
