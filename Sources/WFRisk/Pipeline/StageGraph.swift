import Dispatch
import Foundation

/// Timing and counts of one stage, for logs and the manifest.
public struct StageRecord: Sendable, Equatable {
    public var name: String
    public var status: String
    public var startedAt: Date?
    public var seconds: Double
    public var counts: [String: Int]
    public var error: String?
}

/// Runs named stages on Dispatch as soon as their dependencies have finished: independent
/// stages overlap, dependants wait. A failing stage cancels everything that depends on it,
/// directly or not; the first failure (in declaration order) is rethrown.
public final class StageGraph: @unchecked Sendable {
    public typealias Work = @Sendable (StageGraph) throws -> [String: Int]

    struct Stage {
        let name: String
        let dependencies: [String]
        let work: Work
    }

    private var stages: [Stage] = []
    /// Dependencies each stage still waits for.
    private var pendingCounts: [String: Int] = [:]
    private var records: [String: StageRecord] = [:]
    private var outputs: [String: Any] = [:]
    private var failures: [String: Error] = [:]
    private let lock = NSLock()
    private let queue = DispatchQueue(label: "wfrisk.stages", attributes: .concurrent)
    private let group = DispatchGroup()
    public var onEvent: (@Sendable (String, StageRecord) -> Void)?

    public init() {}

    public func add(_ name: String, after dependencies: [String] = [], work: @escaping Work) {
        precondition(dependencies.allSatisfy { d in stages.contains { $0.name == d } }, "stages must be added after their dependencies")
        stages.append(Stage(name: name, dependencies: dependencies, work: work))
    }

    /// A value a stage stored for its dependants.
    public func output<T>(_ name: String, as type: T.Type = T.self) -> T {
        lock.lock(); defer { lock.unlock() }
        return outputs[name] as! T
    }

    public func store(_ name: String, _ value: Any) {
        lock.lock(); outputs[name] = value; lock.unlock()
    }

    /// Runs every stage; returns the stage records in declaration order.
    public func run() throws -> [StageRecord] {
        lock.withLock { for s in stages { pendingCounts[s.name] = s.dependencies.count } }
        for s in stages where s.dependencies.isEmpty { schedule(s) }
        group.wait()
        let ordered = stages.map { records[$0.name] ?? StageRecord(name: $0.name, status: "not run", startedAt: nil, seconds: 0, counts: [:], error: nil) }
        if let first = stages.first(where: { failures[$0.name] != nil }) { throw StageFailure(stage: first.name, error: failures[first.name]!, records: ordered) }
        return ordered
    }

    private func schedule(_ stage: Stage) {
        group.enter()
        queue.async { [self] in
            let cancelledBy = lock.withLock { stage.dependencies.first { failures[$0] != nil || records[$0]?.status == "cancelled" } }
            let start = Date()
            var record = StageRecord(name: stage.name, status: "ok", startedAt: start, seconds: 0, counts: [:], error: nil)
            if let cancelledBy {
                record.status = "cancelled"
                record.error = "not run: stage '\(cancelledBy)' did not complete"
            } else {
                onEvent?("start", record)
                do {
                    record.counts = try stage.work(self)
                } catch {
                    record.status = "failed"
                    record.error = "\(error)"
                    lock.withLock { failures[stage.name] = error }
                }
            }
            record.seconds = Date().timeIntervalSince(start)
            onEvent?("end", record)
            var ready: [Stage] = []
            lock.withLock {
                records[stage.name] = record
                for s in stages where s.dependencies.contains(stage.name) {
                    pendingCounts[s.name, default: 0] -= 1
                    if pendingCounts[s.name] == 0 { ready.append(s) }
                }
            }
            for s in ready { schedule(s) }
            group.leave()
        }
    }

}

/// A stage failed; carries which one and the records so far.
public struct StageFailure: Error, CustomStringConvertible {
    public let stage: String
    public let error: Error
    public let records: [StageRecord]
    public var description: String { "stage '\(stage)' failed: \(error)" }
}
