import Foundation
import Scenarios
import StateExplorer

/// `l4spec bench explore` (issue "State explorer", point 6): exploration
/// throughput and memory per state on the capability forest and on the
/// kernel spec, with 1 and 2 (or N) workers. No properties are checked: this
/// measures the engine; `check` adds the catalogue on top.
public struct ExploreBenchmarkRow: Sendable {
    public var workload: String
    public var workers: Int
    public var states: Int
    public var transitions: Int
    public var depth: Int
    public var seconds: Double
    public var verdict: String
    /// Visited table bytes per state.
    public var tableBytesPerState: Double
    /// Table + trace records + frontier at the peak, per state.
    public var explorerBytesPerState: Double
    /// The whole process's peak resident set per state.
    public var processBytesPerState: Double
    public var statesPerSecond: Double { Double(states) / max(seconds, 1e-9) }
    public var transitionsPerSecond: Double { Double(transitions) / max(seconds, 1e-9) }
}

public enum ExploreBenchmark {
    /// The forest, explored once per worker count. (Concrete entry points, so
    /// the explorer is specialised for each system inside this module.)
    public static func run(_ name: String, _ system: CapabilityForest, workers: [Int], maxStates: Int,
                           memoryLimit: Int = ExplorerConfiguration.defaultMemoryLimit,
                           progress: (any ExplorationReporter)? = nil) throws -> [ExploreBenchmarkRow] {
        try measure(name, system, workers: workers, maxStates: maxStates, memoryLimit: memoryLimit, progress: progress)
    }

    /// The kernel spec, bounded by the scenario's depth.
    public static func run(_ name: String, _ system: KernelSystem, workers: [Int], maxStates: Int,
                           memoryLimit: Int = ExplorerConfiguration.defaultMemoryLimit,
                           progress: (any ExplorationReporter)? = nil) throws -> [ExploreBenchmarkRow] {
        try measure(name, system, workers: workers, maxStates: maxStates, maxDepth: system.scenario.bounds.depth,
                    memoryLimit: memoryLimit, progress: progress)
    }

    static func measure<S: TransitionSystem>(_ name: String, _ system: S, workers: [Int], maxStates: Int, maxDepth: Int = 100_000,
                                                memoryLimit: Int = ExplorerConfiguration.defaultMemoryLimit,
                                                progress: (any ExplorationReporter)? = nil) throws -> [ExploreBenchmarkRow] {
        try workers.map { w in
            ResidentMemory.resetPeak()
            let config = ExplorerConfiguration(workers: w, maxStates: maxStates, maxDepth: maxDepth, timeLimit: 3_600,
                                               memoryLimit: memoryLimit)
            let r = try Explorer(system: system, properties: [], configuration: config, reporter: progress).run()
            let s = r.statistics
            let n = Double(max(s.states, 1))
            return ExploreBenchmarkRow(workload: name, workers: w, states: s.states, transitions: s.transitions, depth: s.depth,
                                       seconds: s.seconds, verdict: r.limitHit.map { $0.hasPrefix("depth") ? "complete to depth \(maxDepth)" : "inconclusive: \($0)" } ?? "complete",
                                       tableBytesPerState: s.tableBytesPerState, explorerBytesPerState: s.bytesPerState,
                                       processBytesPerState: Double(s.peakResidentBytes) / n)
        }
    }

    public static func forest(tasks: Int, slots: Int, objects: Int, rights: Int) -> (String, CapabilityForest) {
        ("forest \(tasks)×\(slots) O=\(objects) R=\(rights)", CapabilityForest(tasks: tasks, slots: slots, objects: objects, rightsBits: rights))
    }

    public static func kernel(_ scenario: Scenario) -> (String, KernelSystem) {
        ("kernel \(scenario.name) (depth ≤ \(scenario.bounds.depth))", KernelSystem(scenario: scenario))
    }
}

