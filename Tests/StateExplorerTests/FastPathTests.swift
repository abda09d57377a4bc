import Testing
@testable import StateExplorer

/// The optional fast path (`TransitionSystem.successorBound`): successors as
/// plain states, coverage per state, actions rebuilt only for traces. It must
/// change nothing the explorer reports.
@Suite struct FastPathTests {
    /// The forest's batch successors are exactly `actions(in:)` followed by
    /// `successor(of:via:)`, in order, for every reachable state (bounded).
    @Test(arguments: [(2, 2, 1, 1, false), (2, 3, 2, 2, false), (3, 2, 2, 3, false), (3, 2, 1, 2, true)])
    func forestSuccessors_matchActionByAction(_ t: Int, _ s: Int, _ o: Int, _ r: Int, _ symmetric: Bool) {
        let sys = CapabilityForest(tasks: t, slots: s, objects: o, rightsBits: r, symmetric: symmetric)
        let buffer = UnsafeMutablePointer<CapabilityForest.State>.allocate(capacity: sys.successorBound)
        defer { buffer.deallocate() }
        var seen = Set(sys.initialStates()), queue = sys.initialStates(), actions: [CapabilityForest.Action] = []
        var checked = 0
        while checked < queue.count && checked < 2_000 {
            let state = queue[checked]
            checked += 1
            actions.removeAll()
            sys.actions(in: state, into: &actions)
            let expected = actions.compactMap { sys.successor(of: state, via: $0) }
            #expect(expected.count == actions.count, "every listed action is enabled")
            let n = sys.successors(of: state, into: buffer)
            let batch = Array(UnsafeBufferPointer(start: buffer, count: n))
            #expect(batch == expected)
            var counts = [0, 0], items: [Int] = []
            counts.withUnsafeMutableBufferPointer { sys.coverage(from: state, successors: UnsafeBufferPointer(start: buffer, count: n), into: $0) }
            for (a, next) in zip(actions, expected) { sys.coverage(from: state, via: a, to: next, into: &items) }
            #expect(counts == [items.filter { $0 == 0 }.count, items.filter { $0 == 1 }.count])
            for next in expected.map(sys.canonicalize) where seen.insert(next).inserted { queue.append(next) }
        }
        #expect(checked > 25)
    }

    /// The same search with and without the fast path: equal counts,
    /// coverage and deadlocks, and the very same traces (action indices
    /// recorded on the fast path replay through the actions). One worker,
    /// so that the traces are comparable; `capabilityForest_exactStateCounts`
    /// runs the fast path with two.
    @Test func explorer_reportsTheSame_withAndWithoutTheFastPath() throws {
        let forest = CapabilityForest(tasks: 2, slots: 3, objects: 2, rightsBits: 2)
        let slow = ActionByAction(forest)
        let cfg = ExplorerConfiguration(workers: 1, maxStates: 500_000, checkDeadlocks: true)
        @Sendable func full(_ s: CapabilityForest.State) -> Bool { (0..<6).allSatisfy { s[$0] & 0x7 != 0 } }
        // "held-or-empty" holds, so the whole space is explored.
        @Sendable func wellFormed(_ s: CapabilityForest.State) -> Bool { (0..<6).allSatisfy { s[$0] & 0x7 != 0 || s[$0] == 0 } }
        let fastResult = try Explorer(system: forest, properties: [.always("not-all-full") { !full($0) }, .sometimes("all-full", full),
                                                                   .always("held-or-empty", wellFormed)], configuration: cfg).run()
        let slowResult = try Explorer(system: slow, properties: [.always("not-all-full") { !full($0) }, .sometimes("all-full", full),
                                                                 .always("held-or-empty", wellFormed)], configuration: cfg).run()
        #expect(fastResult.statistics.states == 111_902)
        #expect(fastResult.statistics.states == slowResult.statistics.states)
        #expect(fastResult.statistics.transitions == slowResult.statistics.transitions)
        #expect(fastResult.statistics.depth == slowResult.statistics.depth)
        #expect(fastResult.statistics.deadlocks == slowResult.statistics.deadlocks)
        #expect(fastResult.coverage.map(\.count) == slowResult.coverage.map(\.count))
        #expect(fastResult.coverage.map(\.count).reduce(0, +) == fastResult.statistics.transitions)
        for (f, s) in zip(fastResult.verdicts, slowResult.verdicts) {
            switch (f.verdict, s.verdict) {
            case (.violated(let x), .violated(let y)), (.example(let x), .example(let y)):
                #expect(x.count == y.count)
                #expect(x.steps.last.map { full($0.state) } == true)
                #expect(x.steps.map(\.action) == y.steps.map(\.action))
                #expect(x.steps.map(\.state) == y.steps.map(\.state))
            case (.holds, .holds): #expect(f.name == "held-or-empty")
            default: Issue.record("\(f.name): \(f.verdict.name) with the fast path, \(s.verdict.name) without")
            }
        }
    }

    /// Symmetry reduction on the fast path: successors are canonicalised
    /// after coverage has seen them, as on the per-edge path.
    @Test func symmetricForest_sameSpaceOnBothPaths() throws {
        let forest = CapabilityForest(tasks: 3, slots: 2, objects: 1, rightsBits: 2, symmetric: true)
        let cfg = ExplorerConfiguration(workers: 2, maxStates: 500_000)
        let fast = try Explorer(system: forest, properties: [], configuration: cfg).run()
        let slow = try Explorer(system: ActionByAction(forest), properties: [], configuration: cfg).run()
        let plain = try Explorer(system: CapabilityForest(tasks: 3, slots: 2, objects: 1, rightsBits: 2), properties: [], configuration: cfg).run()
        #expect(fast.complete && slow.complete)
        #expect(fast.statistics.states == slow.statistics.states)
        #expect(fast.statistics.states < plain.statistics.states)
        #expect(fast.statistics.transitions == slow.statistics.transitions)
        #expect(fast.coverage.map(\.count) == slow.coverage.map(\.count))
    }

    /// A state bound stops both paths at the same count with one worker:
    /// pending successors are probed before the bound is judged.
    @Test func stateBound_isJudgedOnTheSameCount() throws {
        let forest = CapabilityForest(tasks: 2, slots: 3, objects: 2, rightsBits: 2)
        let cfg = ExplorerConfiguration(workers: 1, maxStates: 5_000)
        let fast = try Explorer(system: forest, properties: [], configuration: cfg).run()
        let slow = try Explorer(system: ActionByAction(forest), properties: [], configuration: cfg).run()
        #expect(fast.limitHit?.hasPrefix("states") == true)
        #expect(fast.statistics.states == slow.statistics.states)
        #expect(fast.statistics.transitions == slow.statistics.transitions)
    }
}

/// A system without the fast path: the forest seen only through actions.
struct ActionByAction: TransitionSystem {
    let base: CapabilityForest
    init(_ base: CapabilityForest) { self.base = base }
    func initialStates() -> [CapabilityForest.State] { base.initialStates() }
    func actions(in state: CapabilityForest.State, into buffer: inout [CapabilityForest.Action]) { base.actions(in: state, into: &buffer) }
    func successor(of state: CapabilityForest.State, via action: CapabilityForest.Action) -> CapabilityForest.State? {
        base.successor(of: state, via: action)
    }
    func fingerprint(_ state: CapabilityForest.State) -> UInt64 { base.fingerprint(state) }
    func canonicalize(_ state: CapabilityForest.State) -> CapabilityForest.State { base.canonicalize(state) }
    var coverageNames: [String] { base.coverageNames }
    func coverage(from: CapabilityForest.State, via action: CapabilityForest.Action, to: CapabilityForest.State, into items: inout [Int]) {
        base.coverage(from: from, via: action, to: to, into: &items)
    }
    var stateCodec: StateCodec<CapabilityForest.State>? { base.stateCodec }
}
