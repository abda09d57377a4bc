/// Limits and options of one exploration. Hitting a limit ends the run with an
/// explicit `inconclusive` verdict, never a silent truncation (DESIGN §5).
public struct ExplorerConfiguration: Sendable {
    /// Worker threads (default: all cores). Verdicts and counts do not depend on it.
    public var workers: Int
    public var maxStates: Int
    public var maxDepth: Int
    /// Wall-clock limit in seconds.
    public var timeLimit: Double
    /// Memory budget for the visited table, trace records and frontier, in bytes.
    public var memoryLimit: Int
    /// Report states without enabled actions as deadlocks.
    public var checkDeadlocks: Bool

    public init(workers: Int = ExplorerConfiguration.defaultWorkers, maxStates: Int = 10_000_000, maxDepth: Int = 1_000,
                timeLimit: Double = 600, memoryLimit: Int = ExplorerConfiguration.defaultMemoryLimit, checkDeadlocks: Bool = false) {
        self.workers = max(1, workers)
        self.maxStates = max(1, maxStates)
        self.maxDepth = max(0, maxDepth)
        self.timeLimit = timeLimit
        self.memoryLimit = memoryLimit
        self.checkDeadlocks = checkDeadlocks
    }

    public static var defaultWorkers: Int { max(1, ProcessorCount.online) }

    /// 60 % of physical memory for the table, trace records and frontier: the
    /// rest is headroom for the process, so a large run ends "inconclusive:
    /// memory" instead of being killed.
    public static var defaultMemoryLimit: Int {
        let physical = ResidentMemory.physicalBytes
        return physical > 0 ? physical / 10 * 6 : 8 << 30
    }
}

/// Receives progress while a search runs; StateExplorer itself never prints.
public protocol ExplorationReporter: Sendable {
    func progress(states: Int, transitions: Int, depth: Int, seconds: Double)
}
