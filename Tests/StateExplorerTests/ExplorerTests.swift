import Testing
@testable import StateExplorer

@Suite struct ExplorerTests {
    func explore<S: TransitionSystem>(_ system: S, _ properties: [Property<S>] = [], workers: Int = 1,
                                      configure: (inout ExplorerConfiguration) -> Void = { _ in }) throws -> ExplorationResult<S> {
        var cfg = ExplorerConfiguration(workers: workers, maxStates: 500_000)
        configure(&cfg)
        return try Explorer(system: system, properties: properties, configuration: cfg).run()
    }

    @Test(arguments: [(2, 2, 1, 1, 30), (2, 2, 2, 2, 506), (2, 3, 2, 2, 111_902)])
    func capabilityForest_exactStateCounts(_ t: Int, _ s: Int, _ o: Int, _ r: Int, _ expected: Int) throws {
        let sys = CapabilityForest(tasks: t, slots: s, objects: o, rightsBits: r)
        let one = try explore(sys, workers: 1)
        let two = try explore(sys, workers: 2)
        #expect(one.statistics.states == expected)
        #expect(two.statistics.states == expected)
        #expect(one.statistics.transitions == two.statistics.transitions)
        #expect(one.complete && two.complete)
    }

    @Test func invariantViolation_givesAShortestTrace_forAnyWorkerCount() throws {
        let sys = CapabilityForest(tasks: 2, slots: 3, objects: 2, rightsBits: 2)
        // "object 0 never reaches slot 5 without GRANT": needs a chain of maps.
        let prop = Property<CapabilityForest>.always("no-weak-copy-in-5") { s in
            !(s[5] & 0x7 != 0 && s[5] & 0x8 == 0 && s[5] & 0x1 == 0)
        }
        var lengths: [Int] = []
        for w in [1, 2] {
            let result = try explore(sys, [prop], workers: w)
            guard case .violated(let trace) = result.verdicts[0].verdict else {
                Issue.record("expected a violation with \(w) workers")
                return
            }
            lengths.append(trace.count)
            #expect(!prop.holds(trace.steps.last?.state ?? trace.initial))
        }
        #expect(lengths == [1, 1])
    }

    /// A violation four levels deep, its trace rebuilt from the 8-byte records
    /// equally long for any worker count; and the whole 111,902-state space,
    /// for which the table grows mid-level and the frontier spans and
    /// recycles many blocks, still counted exactly within 16 B/state.
    @Test func deepViolation_acrossTableGrowthAndFrontierBlocks() throws {
        let sys = CapabilityForest(tasks: 2, slots: 3, objects: 2, rightsBits: 2)
        let prop = Property<CapabilityForest>.always("not-all-six-full") { s in !(0..<6).allSatisfy { s[$0] & 0x7 != 0 } }
        var lengths: [Int] = []
        for w in [1, 2] {
            let result = try explore(sys, [prop], workers: w)
            guard case .violated(let trace) = result.verdicts[0].verdict else { Issue.record("expected a violation"); return }
            #expect(!(0..<6).contains { (trace.steps.last?.state ?? trace.initial)[$0] & 0x7 == 0 })
            lengths.append(trace.count)
        }
        #expect(lengths == [4, 4])
        let full = try explore(sys, workers: 2)
        #expect(full.statistics.states == 111_902)
        #expect(full.statistics.growths >= 1)
        #expect(full.statistics.tableBytesPerState <= 16)
    }

    @Test func transitionProperty_reportsTheViolatingEdge() throws {
        let sys = CapabilityForest(tasks: 2, slots: 2, objects: 1, rightsBits: 1)
        let prop = Property<CapabilityForest>.transition("never-unmap-root") { from, action, _ in
            if case .unmap(0) = action { return false }
            return true
        }
        let result = try explore(sys, [prop])
        guard case .violated(let trace) = result.verdicts[0].verdict else { Issue.record("expected a violation"); return }
        #expect(trace.count == 1)
        #expect(trace.steps[0].action == .unmap(0))
    }

    @Test func holds_whenNothingViolates() throws {
        let sys = CapabilityForest(tasks: 2, slots: 2, objects: 2, rightsBits: 2)
        let prop = Property<CapabilityForest>.always("rights-nonzero-or-empty") { s in (0..<4).allSatisfy { s[$0] & 0x7 != 0 || s[$0] == 0 } }
        let result = try explore(sys, [prop])
        #expect(result.verdicts[0].verdict.name == "holds")
    }

    @Test func sometimes_findsAShortestExample_orNotFound() throws {
        let sys = Counters(limit: 3, count: 2, symmetric: false)
        let found = try explore(sys, [.sometimes("both-two") { $0 == [2, 2] }])
        guard case .example(let trace) = found.verdicts[0].verdict else { Issue.record("expected an example"); return }
        #expect(trace.count == 4)
        let missing = try explore(sys, [.sometimes("five") { $0.contains(5) }])
        #expect(missing.verdicts[0].verdict.name == "not found")
    }

    @Test func deadlocks_areDetected() throws {
        let sys = Counters(limit: 2, count: 2, symmetric: false)
        let result = try explore(sys) { $0.checkDeadlocks = true }
        #expect(result.statistics.deadlocks == 1)
        #expect(result.deadlock?.count == 4)
        #expect(result.deadlock?.steps.last?.state == [2, 2])
    }

    @Test func limits_endInconclusive_neverSilently() throws {
        let sys = CapabilityForest(tasks: 2, slots: 3, objects: 2, rightsBits: 2)
        let prop = Property<CapabilityForest>.always("true") { _ in true }
        let byStates = try explore(sys, [prop]) { $0.maxStates = 1_000 }
        #expect(byStates.verdicts[0].verdict.name == "inconclusive")
        #expect(byStates.limitHit?.hasPrefix("states") == true)
        let byDepth = try explore(sys, [prop]) { $0.maxDepth = 2 }
        #expect(byDepth.verdicts[0].verdict.name == "inconclusive")
        #expect(byDepth.limitHit?.hasPrefix("depth") == true)
        let byMemory = try explore(sys, [prop]) { $0.memoryLimit = 1_000 }
        #expect(byMemory.limitHit?.hasPrefix("memory") == true)
        let byTime = try explore(sys, [prop]) { $0.timeLimit = 0 }
        #expect(byTime.limitHit?.hasPrefix("time") == true)
    }

    /// Tasks of one role (here: the tasks that start without an object) are
    /// interchangeable; canonicalising them must shrink the space and never
    /// change a verdict or a counterexample's length, for symmetric
    /// properties that hold, fail, or are sometimes true.
    @Test func forestTaskSymmetry_neverChangesAVerdict() throws {
        let plain = CapabilityForest(tasks: 3, slots: 2, objects: 1, rightsBits: 2)
        let reduced = CapabilityForest(tasks: 3, slots: 2, objects: 1, rightsBits: 2, symmetric: true)
        @Sendable func held(_ s: CapabilityForest.State) -> Int { (0..<6).filter { s[$0] & 0x7 != 0 }.count }
        let props: [Property<CapabilityForest>] = [
            .always("at-most-6-caps") { held($0) <= 6 },
            .always("at-most-3-caps") { held($0) <= 3 },
            .always("no-read-only-leaf") { s in !(0..<6).contains { s[$0] & 0x7 == 0x2 && s[$0] >> 4 != 0 } },
            .transition("unmap-keeps-the-root") { _, a, t in if case .unmap = a { return t[0] != 0 } else { return true } },
            .sometimes("every-task-holds-one") { s in (0..<3).allSatisfy { t in s[2 * t] & 0x7 != 0 || s[2 * t + 1] & 0x7 != 0 } },
        ]
        let a = try explore(plain, props)
        let b = try explore(reduced, props, workers: 2)
        #expect(a.verdicts.map(\.verdict.name) == b.verdicts.map(\.verdict.name))
        #expect(a.verdicts.map(\.verdict.name) == ["holds", "violated", "violated", "violated", "example"])
        #expect(b.statistics.states < a.statistics.states)
        for (va, vb) in zip(a.verdicts, b.verdicts) {
            switch (va.verdict, vb.verdict) {
            case (.violated(let x), .violated(let y)), (.example(let x), .example(let y)): #expect(x.count == y.count)
            default: break
            }
        }
    }

    @Test func symmetryReduction_keepsVerdicts_andShrinksTheSpace() throws {
        let plain = Counters(limit: 3, count: 3, symmetric: false)
        let reduced = Counters(limit: 3, count: 3, symmetric: true)
        let props: [Property<Counters>] = [
            .always("sum-below-9") { $0.reduce(0, +) < 9 },
            .always("sum-below-10") { $0.reduce(0, +) < 10 },
            .sometimes("has-a-three") { $0.contains(3) },
        ]
        let a = try explore(plain, props)
        let b = try explore(reduced, props)
        #expect(a.verdicts.map(\.verdict.name) == b.verdicts.map(\.verdict.name))
        #expect(b.statistics.states < a.statistics.states)
        #expect(a.statistics.states == 64)
        #expect(b.statistics.states == 20)
        if case .violated(let ta) = a.verdicts[0].verdict, case .violated(let tb) = b.verdicts[0].verdict {
            #expect(ta.count == tb.count)
        } else {
            Issue.record("sum-below-9 must be violated in both")
        }
    }

    /// A transition property sees the successor before canonicalisation, so
    /// that `from` and `to` name things alike (here: the counter the action
    /// increments); the sorted representative would move it.
    @Test func transitionProperties_seeTheSuccessorBeforeCanonicalisation() throws {
        let prop = Property<Counters>.transition("the named counter goes up by one") { s, i, t in t[i] == s[i] + 1 }
        for symmetric in [false, true] {
            let result = try explore(Counters(limit: 3, count: 3, symmetric: symmetric), [prop])
            #expect(result.verdicts[0].verdict.name == "holds", "symmetric: \(symmetric)")
        }
    }

    @Test func coverage_countsOperations() throws {
        let result = try explore(CapabilityForest(tasks: 2, slots: 2, objects: 1, rightsBits: 1))
        let counts = Dictionary(uniqueKeysWithValues: result.coverage.map { ($0.name, $0.count) })
        #expect(counts["map"] ?? 0 > 0)
        #expect(counts["unmap"] ?? 0 > 0)
        #expect((counts["map"] ?? 0) + (counts["unmap"] ?? 0) == result.statistics.transitions)
    }
}

extension Property {
    func holds(_ s: System.State) -> Bool {
        if case .always(let p) = check { return p(s) }
        return true
    }
}

/// A two-state toggle with a "tick" that leads to a goal, and an idle self-loop.
struct Toggle: TransitionSystem {
    typealias State = Int
    enum Action: Hashable, Sendable { case idle, tick, stop }
    var goalReachable: Bool
    func initialStates() -> [Int] { [0] }
    func actions(in s: Int, into b: inout [Action]) { b += [.idle, .tick, .stop] }
    func successor(of s: Int, via a: Action) -> Int? {
        switch a {
        case .idle: s == 2 ? nil : s                       // spin in place
        case .tick: s == 0 ? (goalReachable ? 1 : 0) : (s == 1 ? 0 : nil)
        case .stop: s == 0 ? 2 : nil                       // 2: a dead end without the goal
        }
    }
    func fingerprint(_ s: Int) -> UInt64 { UInt64(s) &* 0x9E37_79B9_7F4A_7C15 }
}

@Suite struct LivenessTests {
    func prop(_ kind: LivenessProperty<Toggle>.Kind, fair: [String]) -> LivenessProperty<Toggle> {
        LivenessProperty(name: "reach-1", kind: kind, fairClasses: fair, fairnessClass: { $0 == .tick ? "tick" : nil }) { $0 == 1 }
    }

    @Test func eventually_violatedByADeadEnd() {
        let v = LivenessChecker(system: Toggle(goalReachable: true)).check(prop(.eventually, fair: ["tick"]))
        guard case .violated(let lasso) = v else { Issue.record("expected a violation"); return }
        #expect(lasso.cycle.isEmpty)                     // the ¬P deadlock at state 2
        #expect(lasso.prefix.last?.state == 2)
    }

    @Test func alwaysEventually_needsFairness() {
        // Without fairness the idle self-loop at 0 starves the goal forever.
        let unfair = LivenessChecker(system: Toggle(goalReachable: true)).check(prop(.alwaysEventually, fair: []))
        guard case .violated(let lasso) = unfair else { Issue.record("expected a violation"); return }
        #expect(!lasso.cycle.isEmpty)
        // With weak fairness of tick the idle loop is unfair: every fair cycle passes 1.
        let fair = LivenessChecker(system: Toggle(goalReachable: true)).check(prop(.alwaysEventually, fair: ["tick"]))
        #expect(fair.name == "holds")
    }

    @Test func alwaysEventually_violatedWhenTheGoalIsUnreachable() {
        let v = LivenessChecker(system: Toggle(goalReachable: false)).check(prop(.alwaysEventually, fair: ["tick"]))
        guard case .violated(let lasso) = v else { Issue.record("expected a violation"); return }
        #expect(lasso.cycle.contains { $0.action == .tick })   // the fair cycle takes tick
        #expect(lasso.cycle.last?.state == 0)
    }

    @Test func liveness_isInconclusiveBeyondTheBound() {
        let v = LivenessChecker(system: Toggle(goalReachable: true), maxStates: 1).check(prop(.eventually, fair: []))
        #expect(v.name == "inconclusive")
    }
}
