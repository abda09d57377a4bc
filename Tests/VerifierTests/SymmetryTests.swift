import Properties
import PropertyBased
import Scenarios
import Spec
import StateExplorer
import Testing
@testable import Verifier

/// Symmetry reduction of the kernel transition system (DESIGN §5,
/// `KernelSymmetry`): which tasks are interchangeable, that `step` and every
/// check commute with renaming them (equivariance, on random reachable
/// states), and that reduction changes no verdict and no counterexample length.
@Suite struct SymmetryTests {
    // MARK: - Scenarios with interchangeable tasks

    /// Two adversarial clients of one server, in one domain. The policy has no
    /// Clients → Server flow, so CAP-2 (at boot) and INFO-1/INFO-2 (a call)
    /// are violated; everything else holds.
    static let clientsYAML = """
        name: symmetric-clients
        description: Two adversarial clients of one server, in one policy domain.
        bounds: {slots: 4, pages: 1, cpus: 1, depth: 3, words: 0, word_values: [0], labels: [0]}
        tasks:
          - name: server
            caps:
              - {slot: 1, object: server, rights: RWS}
              - {slot: 3, object: server_main, rights: RWSD}
              - {slot: 2, object: service, rights: RWSD}
          - name: client1
            caps:
              - {slot: 1, object: client1, rights: RWSD}
              - {slot: 3, object: client1_main, rights: RWSD}
              - {slot: 2, object: service, rights: W, server: false}
            memory:
              - {page: 0, frame: 1, rights: RW}
          - name: client2
            caps:
              - {slot: 1, object: client2, rights: RWSD}
              - {slot: 3, object: client2_main, rights: RWSD}
              - {slot: 2, object: service, rights: W, server: false}
            memory:
              - {page: 0, frame: 2, rights: RW}
        threads:
          - name: server_main
            task: server
            priority: 20
            behaviour: script
            script:
              loop: true
              steps:
                - {op: ipc.wait}
                - {op: ipc.reply, words: [1]}
          - {name: client1_main, task: client1, priority: 10, behaviour: any}
          - {name: client2_main, task: client2, priority: 10, behaviour: any}
        gates:
          - {name: service, thread: server_main, label: 8}
        policy:
          domains:
            - {name: Server, tasks: [server]}
            - {name: Clients, tasks: [client1, client2]}
          flows:
            - {from: Server, to: Clients}
        """

    /// Two peers holding each other's task and thread capabilities (so slots
    /// name renamed objects), two threads each, a page derived from the
    /// server's (a renamed mapping-tree parent) and one of their own (renamed
    /// frames), and an Irq queuing at the server (sender encodings).
    static let peersYAML = """
        name: symmetric-peers
        description: Two peers with capabilities to each other, a server and an Irq.
        bounds: {slots: 6, pages: 2, cpus: 1, depth: 3, words: 1, word_values: [0, 1], labels: [0]}
        tasks:
          - name: server
            caps:
              - {slot: 1, object: server, rights: RWS}
              - {slot: 3, object: server_main, rights: RWSD}
              - {slot: 4, object: service, rights: RWSD}
              - {slot: 5, object: tick, rights: RWSD}
            memory:
              - {page: 0, frame: 0, rights: RW}
          - name: peer1
            caps:
              - {slot: 0, object: peer1_worker, rights: RWSD}
              - {slot: 1, object: peer1, rights: RWSD}
              - {slot: 2, object: peer2, rights: RWS}
              - {slot: 3, object: peer1_main, rights: RWSD}
              - {slot: 4, object: service, rights: W, server: false}
              - {slot: 5, object: peer2_main, rights: RWSD}
            memory:
              - {page: 0, frame: 0, rights: R, from: {task: server, page: 0}}
              - {page: 1, frame: 3, rights: RW}
          - name: peer2
            caps:
              - {slot: 0, object: peer2_worker, rights: RWSD}
              - {slot: 1, object: peer2, rights: RWSD}
              - {slot: 2, object: peer1, rights: RWS}
              - {slot: 3, object: peer2_main, rights: RWSD}
              - {slot: 4, object: service, rights: W, server: false}
              - {slot: 5, object: peer1_main, rights: RWSD}
            memory:
              - {page: 0, frame: 0, rights: R, from: {task: server, page: 0}}
              - {page: 1, frame: 4, rights: RW}
        threads:
          - name: server_main
            task: server
            priority: 20
            behaviour: script
            script:
              loop: true
              steps:
                - {op: ipc.wait}
                - {op: ipc.reply, words: [1]}
          - {name: peer1_main, task: peer1, priority: 10, pager: 5, behaviour: any}
          - {name: peer1_worker, task: peer1, priority: 5, pager: 4, behaviour: any}
          - {name: peer2_main, task: peer2, priority: 10, pager: 5, behaviour: any}
          - {name: peer2_worker, task: peer2, priority: 5, pager: 4, behaviour: any}
        gates:
          - {name: service, thread: server_main, label: 8}
        irqs:
          - {name: tick, thread: server_main, label: 4, line: 1}
        policy:
          domains:
            - {name: Server, tasks: [server]}
            - {name: Peers, tasks: [peer1, peer2]}
          flows:
            - {from: Server, to: Peers}
            - {from: Peers, to: Server}
        """

    /// Three clients (a group of three: five renamings) sharing a frame of the server.
    static let trioYAML = """
        name: symmetric-trio
        description: Three adversarial clients of one server.
        bounds: {slots: 4, pages: 1, cpus: 1, depth: 3, words: 0, word_values: [0], labels: [0]}
        tasks:
          - name: server
            caps:
              - {slot: 1, object: server, rights: RWS}
              - {slot: 3, object: server_main, rights: RWSD}
              - {slot: 2, object: service, rights: RWSD}
            memory:
              - {page: 0, frame: 5, rights: RW}
          - name: c1
            caps:
              - {slot: 1, object: c1, rights: RWSD}
              - {slot: 3, object: c1_main, rights: RWSD}
              - {slot: 2, object: service, rights: W, server: false}
            memory:
              - {page: 0, frame: 5, rights: RW, from: {task: server, page: 0}}
          - name: c2
            caps:
              - {slot: 1, object: c2, rights: RWSD}
              - {slot: 3, object: c2_main, rights: RWSD}
              - {slot: 2, object: service, rights: W, server: false}
            memory:
              - {page: 0, frame: 5, rights: RW, from: {task: server, page: 0}}
          - name: c3
            caps:
              - {slot: 1, object: c3, rights: RWSD}
              - {slot: 3, object: c3_main, rights: RWSD}
              - {slot: 2, object: service, rights: W, server: false}
            memory:
              - {page: 0, frame: 5, rights: RW, from: {task: server, page: 0}}
        threads:
          - name: server_main
            task: server
            priority: 20
            behaviour: script
            script:
              loop: true
              steps:
                - {op: ipc.wait}
                - {op: ipc.reply}
          - {name: c1_main, task: c1, priority: 10, behaviour: any}
          - {name: c2_main, task: c2, priority: 10, behaviour: any}
          - {name: c3_main, task: c3, priority: 10, behaviour: any}
        gates:
          - {name: service, thread: server_main, label: 8}
        policy:
          domains:
            - {name: Server, tasks: [server]}
            - {name: Clients, tasks: [c1, c2, c3]}
          flows:
            - {from: Server, to: Clients}
            - {from: Clients, to: Server}
        """

    static func load(_ yaml: String) throws -> Scenario { try ScenarioLoader.load(yaml: yaml, file: "symmetry-test.yaml") }

    static func taskNames(_ scenario: Scenario, _ sym: KernelSymmetry) -> [[String]] {
        sym.groups.map { $0.map { scenario.names.name(.task($0)) } }
    }

    // MARK: - Groups

    @Test func groups_areFoundInTheTestScenarios() throws {
        let clients = try Self.load(Self.clientsYAML), peers = try Self.load(Self.peersYAML), trio = try Self.load(Self.trioYAML)
        #expect(Self.taskNames(clients, KernelSymmetry(scenario: clients)) == [["client1", "client2"]])
        #expect(Self.taskNames(peers, KernelSymmetry(scenario: peers)) == [["peer1", "peer2"]])
        #expect(Self.taskNames(trio, KernelSymmetry(scenario: trio)) == [["c1", "c2", "c3"]])
        #expect(KernelSymmetry(scenario: trio).renamings.count == 5)
        #expect(KernelSystem(scenario: clients).symmetry.renamings.isEmpty, "symmetry is opt-in")
    }

    /// No built-in has two `any`-only tasks in one domain, so none has a group
    /// and `--symmetry` is a no-op on every built-in (verify's counts stay).
    @Test(arguments: ScenarioLoader.builtInNames)
    func builtIns_haveNoGroups(_ name: String) throws {
        let sym = KernelSymmetry(scenario: try ScenarioLoader.builtIn(name))
        #expect(sym.groups.isEmpty && sym.renamings.isEmpty)
        #expect(sym.reason != nil)
    }

    /// Conservative: another domain, a script, a factory capability, or an
    /// asymmetric boot state (one client's extra capability) each break the group.
    @Test func groups_needSameDomain_anyThreads_noFactory_symmetricBoot() throws {
        func groups(_ yaml: String) throws -> [[TaskID]] { KernelSymmetry(scenario: try Self.load(yaml)).groups }
        let otherDomain = Self.clientsYAML.replacingOccurrences(of: "- {name: Clients, tasks: [client1, client2]}",
                                                                with: "- {name: Clients, tasks: [client1]}\n    - {name: Other, tasks: [client2]}")
        #expect(try groups(otherDomain).isEmpty)
        let scripted = Self.clientsYAML.replacingOccurrences(
            of: "- {name: client2_main, task: client2, priority: 10, behaviour: any}",
            with: "- {name: client2_main, task: client2, priority: 10, behaviour: script, script: {steps: [{op: ipc.wait}]}}")
        #expect(try groups(scripted).isEmpty)
        let withFactory = Self.clientsYAML.replacingOccurrences(of: "      - {slot: 3, object: server_main, rights: RWSD}",
                                                                with: "      - {slot: 3, object: server_main, rights: RWSD}\n      - {slot: 0, object: root, rights: RWS}")
        let factorySym = KernelSymmetry(scenario: try Self.load(withFactory))
        #expect(factorySym.groups.isEmpty)
        #expect(factorySym.reason?.contains("factory") == true)
        let asymmetric = Self.clientsYAML.replacingOccurrences(of: "      - {slot: 3, object: client2_main, rights: RWSD}",
                                                               with: "      - {slot: 3, object: client2_main, rights: RWSD}\n      - {slot: 0, object: client1, rights: W}")
        #expect(try groups(asymmetric).isEmpty)
    }

    // MARK: - Equivariance

    /// A random reachable state of the system: a walk of guided random events
    /// and of the explorer's own actions, restarting when every CPU idles.
    static func walk(_ system: KernelSystem, seed: UInt64, length: Int, visit: (KernelSystem.State) -> Void) {
        let s0 = system.scenario
        let gen = RandomEvents(slots: s0.bounds.slots, pages: s0.bounds.pages, cpus: s0.bounds.cpus,
                               words: s0.bounds.wordValues, labels: s0.bounds.labels)
        var rng = SplitMix64(seed: seed)
        guard var state = system.initialStates().first else { return }
        var actions: [Event] = []
        for _ in 0..<length {
            actions.removeAll(keepingCapacity: true)
            system.actions(in: state, into: &actions)
            let event = actions.isEmpty || rng.next() % 2 == 0 ? gen.next(in: state.kernel, using: &rng)
                                                               : actions[Int(rng.next() % UInt64(actions.count))]
            if let next = system.successor(of: state, via: event) { state = next }
            if (0..<Capacity.cpus).allSatisfy({ state.kernel.current(on: CPU($0)) == nil }) {
                state = system.initialStates()[0]
            }
            visit(state)
        }
    }

    /// Every `stride`-th action of a state (all of them with stride 1).
    static func sample(_ actions: [Event], stride: Int, offset: UInt64) -> [Event] {
        actions.indices.filter { ($0 + Int(offset % UInt64(stride))) % stride == 0 }.map { actions[$0] }
    }

    /// `step` commutes with every renaming: for random reachable s, every
    /// enabled event e (events name CPUs and caller-local slots, so the renaming
    /// leaves them as they are) and every renaming π, step(π s, e) = π step(s, e)
    /// once dead fields are cleared — hence canon(step(π s, e)) = canon(step(s, e)) —
    /// with the same outcome and the renamed actor; and π s offers the same events.
    @Test(arguments: ["peers", "trio", "clients"])
    func step_commutesWithRenaming(_ which: String) async throws {
        let yaml = ["peers": Self.peersYAML, "trio": Self.trioYAML, "clients": Self.clientsYAML][which] ?? ""
        let system = KernelSystem(scenario: try Self.load(yaml), symmetry: true)
        let renamings = system.symmetry.renamings
        try #require(!renamings.isEmpty)
        var checked = 0, deleted = 0, dead = 0
        var outcomes = Set<String>()
        await propertyCheck(count: 6, input: Gen.uint64()) { seed in
            var failures = 0
            Self.walk(system, seed: seed, length: 120) { s in
                if (0..<Capacity.threads).contains(where: { s.kernel.threads[$0].life == .zombie }) { deleted += 1 }
                var n = s.kernel
                KernelSymmetry.clearDeadFields(&n)
                if n != s.kernel { dead += 1 }
                var mine: [Event] = [], theirs: [Event] = []
                system.actions(in: s, into: &mine)
                for r in renamings where failures == 0 {
                    let ps = r.apply(to: s)
                    theirs.removeAll(keepingCapacity: true)
                    system.actions(in: ps, into: &theirs)
                    if theirs != mine { Issue.record("seed \(seed): the renamed state offers other events"); failures += 1 }
                    for e in Self.sample(mine, stride: 7, offset: seed) where failures == 0 {
                        let t = system.successor(of: s, via: e), pt = system.successor(of: ps, via: e)
                        checked += 1
                        guard var t, var pt else {
                            if (t == nil) != (pt == nil) { Issue.record("seed \(seed): \(e) enabled in only one of s, π s"); failures += 1 }
                            continue
                        }
                        outcomes.insert(t.last.map { "\($0.outcome)" } ?? "")
                        if pt.last?.outcome != t.last?.outcome || pt.last?.actor != r.apply(to: t).last?.actor {
                            Issue.record("seed \(seed): \(e): outcome or actor differs under renaming"); failures += 1
                        }
                        if !KernelSymmetry.same(system.canonicalize(pt), system.canonicalize(t)) {
                            Issue.record("seed \(seed): canon(step(π s, \(e))) ≠ canon(step(s, \(e)))"); failures += 1
                        }
                        KernelSymmetry.clearDeadFields(&t.kernel)
                        KernelSymmetry.clearDeadFields(&pt.kernel)
                        if !KernelSymmetry.same(pt, r.apply(to: t)) {
                            let diff = pt.kernel.changes(since: r.apply(to: t).kernel, name: system.scenario.names.name).map(\.description)
                            Issue.record("seed \(seed): step(π s, \(e)) ≠ π step(s, \(e)): \(diff)"); failures += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 1_000)
        // The walks must reach blocking, errors and deletion, not only trivial steps.
        #expect(outcomes.count >= 5, "\(outcomes.sorted())")
        #expect(deleted > 0, "no state with a deleted thread")
        // Peers kill each other's blocked threads, which leaves dead `partner` fields.
        #expect(which != "peers" || dead > 0, "no state with a dead partner field")
        print("step_commutesWithRenaming \(which): \(checked) steps, outcomes \(outcomes.sorted()), deleted \(deleted), dead fields \(dead)")
    }

    /// Every safety check gives the same verdict on s and π s (and on the
    /// transition from s and its renaming), and clearing dead fields changes
    /// no verdict: the properties are symmetric under the groups.
    @Test(arguments: ["peers", "trio"])
    func checks_areInvariantUnderRenaming(_ which: String) async throws {
        // Without the flow into the server the walks reach violations too (CAP-2
        // at boot, INFO-1/INFO-2 on calls), so invariance is tested both ways.
        let yaml = (["peers": Self.peersYAML, "trio": Self.trioYAML][which] ?? "")
            .replacingOccurrences(of: "\n    - {from: Peers, to: Server}", with: "")
            .replacingOccurrences(of: "\n    - {from: Clients, to: Server}", with: "")
        let scenario = try Self.load(yaml)
        let system = KernelSystem(scenario: scenario, symmetry: true)
        let context = CheckContext(scenario: scenario)
        let renamings = system.symmetry.renamings
        var judged = 0, violations = 0
        await propertyCheck(count: 3, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed ^ 0x5555)
            Self.walk(system, seed: seed, length: 60) { s in
                var actions: [Event] = []
                system.actions(in: s, into: &actions)
                guard !actions.isEmpty, let r = renamings.randomElement(using: &rng) else { return }
                let e = actions[Int(rng.next() % UInt64(actions.count))]
                guard let t = system.successor(of: s, via: e), let res = t.last else { return }
                var n = s
                KernelSymmetry.clearDeadFields(&n.kernel)
                let ps = r.apply(to: s), pt = r.apply(to: t)
                guard let pres = pt.last else { return }
                for entry in Catalogue.all {
                    let mine: Bool, renamed: Bool, cleared: Bool
                    switch entry.check {
                    case .state(let check):
                        mine = check(s.kernel, context).isEmpty
                        renamed = check(ps.kernel, context).isEmpty
                        cleared = check(n.kernel, context).isEmpty
                    case .transition(let check):
                        mine = check(s.kernel, e, res, t.kernel, context).isEmpty
                        renamed = check(ps.kernel, e, pres, pt.kernel, context).isEmpty
                        cleared = mine
                    case .liveness:
                        continue
                    }
                    judged += 1
                    if !mine { violations += 1 }
                    if mine != renamed || mine != cleared {
                        Issue.record("seed \(seed): \(entry.id) differs under renaming (\(mine), \(renamed), cleared \(cleared)) after \(e)")
                    }
                }
            }
        }
        #expect(judged > 1_000)
        #expect(violations > 0, "the walks should reach some violation, so that invariance is tested both ways")
        print("checks_areInvariantUnderRenaming \(which): \(judged) judgements, \(violations) violated")
    }

    // MARK: - Canonical form

    /// canonicalize is idempotent and constant on a class: canon(canon s) =
    /// canon s = canon(π s), and the canonical state is a renaming of s.
    @Test(arguments: ["peers", "trio"])
    func canonicalize_isIdempotent_andClassInvariant(_ which: String) async throws {
        let yaml = ["peers": Self.peersYAML, "trio": Self.trioYAML][which] ?? ""
        let system = KernelSystem(scenario: try Self.load(yaml), symmetry: true)
        var seen = 0
        await propertyCheck(count: 4, input: Gen.uint64()) { seed in
            Self.walk(system, seed: seed, length: 80) { s in
                let c = system.canonicalize(s)
                seen += 1
                #expect(KernelSymmetry.same(system.canonicalize(c), c))
                var n = s
                KernelSymmetry.clearDeadFields(&n.kernel)
                #expect(KernelSymmetry.same(c, n) || system.symmetry.renamings.contains { KernelSymmetry.same(c, $0.apply(to: n)) })
                for r in system.symmetry.renamings {
                    #expect(KernelSymmetry.same(system.canonicalize(r.apply(to: s)), c))
                }
            }
        }
        #expect(seen == 320)
    }

    @Test func renamings_areTheGroupAndFixTheBoot() throws {
        let trio = try Self.load(Self.trioYAML)
        let sym = KernelSymmetry(scenario: trio)
        // Closed under composition: π∘σ is the identity or another renaming.
        for a in sym.renamings {
            for b in sym.renamings {
                let ab = KernelSymmetry.Renaming(task: InlineArray { a.task[Int(b.task[$0])] }, thread: InlineArray { a.thread[Int(b.thread[$0])] },
                                                 frame: InlineArray { a.frame[Int(b.frame[$0])] })
                let isIdentity = (0..<Capacity.tasks).allSatisfy { ab.task[$0] == UInt8($0) }
                let known = sym.renamings.contains { r in (0..<Capacity.tasks).allSatisfy { r.task[$0] == ab.task[$0] } }
                #expect(isIdentity || known)
            }
            #expect(KernelSymmetry.fixesBoot(a, trio.initial))
        }
    }

    // MARK: - Verdicts, counterexamples, state counts

    /// Issue 4 point 2: with symmetry every verdict and counterexample length is
    /// the one of the full exploration, the reduced state count is smaller, and
    /// each counterexample replays on the spec (`l4spec run`) to its violation.
    @Test(arguments: [3, 4])
    func reduction_keepsVerdictsAndLengths_andShrinksTheSpace(_ depth: Int) throws {
        let scenario = try Self.load(Self.clientsYAML)
        let safety = Catalogue.all.filter { if case .liveness = $0.check { return false } else { return true } }
        var options = CheckOptions()
        options.workers = 2
        options.maxDepth = depth
        let plain = try CheckPipeline.run(scenario, entries: safety, options: options)
        options.symmetry = true
        let reduced = try CheckPipeline.run(scenario, entries: safety, options: options)
        #expect(plain.results.map(\.id) == reduced.results.map(\.id))
        #expect(plain.results.map(\.verdict) == reduced.results.map(\.verdict))
        #expect(plain.results.map { $0.counterexample?.events.count } == reduced.results.map { $0.counterexample?.events.count })
        #expect(Set(plain.results.filter { $0.verdict == "violated" }.map(\.id)) == ["CAP-2", "INFO-1", "INFO-2"])
        #expect(reduced.statistics.states < plain.statistics.states, "\(reduced.statistics.states) vs \(plain.statistics.states)")
        #expect(reduced.symmetry?.groups.count == 1 && plain.symmetry == nil)
        for r in reduced.results where r.verdict == "violated" {
            let trace = try #require(r.counterexample)
            let run = TraceRunner.run(trace, on: scenario)
            #expect(run.violations.isEmpty)
            if trace.events.isEmpty { continue }   // violated in the boot state
            #expect(run.propertyViolation?.step == trace.events.count - 1, "\(r.id) does not replay to its violation")
        }
    }

    /// The explorer's reduced trace (canonical states, rebuilt by replaying
    /// action indices) maps back onto a real trace of the full system that ends
    /// in the same violation, as long as the full exploration's shortest one;
    /// for a transition property the edge is judged before canonicalisation.
    @Test func reducedTraces_replayOnTheFullSystem() throws {
        let scenario = try Self.load(Self.peersYAML)
        // Both symmetric in the peers (tasks 1 and 2): a peer thread holds a
        // reply right; a step of one peer's thread changes the message
        // registers of a thread of the other peer.
        @Sendable func isPeer(_ task: UInt8) -> Bool { task == 1 || task == 2 }
        let props: [Property<KernelSystem>] = [
            .always("no peer holds a reply right") { s in
                !(0..<Capacity.threads).contains { isPeer(s.kernel.threads[$0].task) && s.kernel.threads[$0].replyTo != 0xFF }
            },
            .transition("no peer writes the other peer's registers") { s, _, t in
                guard let actor = t.last?.actor, t.last?.outcome != .tornDown else { return true }
                let mine = s.kernel.threads[actor.index].task
                return !(0..<Capacity.threads).contains { x in
                    let owner = s.kernel.threads[x].task
                    return isPeer(mine) && isPeer(owner) && owner != mine
                        && (s.kernel.threads[x].mr[0] != t.kernel.threads[x].mr[0] || s.kernel.threads[x].mrCount != t.kernel.threads[x].mrCount)
                }
            },
        ]
        var config = ExplorerConfiguration(workers: 2, maxStates: 500_000, maxDepth: 3, timeLimit: 300, memoryLimit: 1 << 30)
        config.checkDeadlocks = false
        let full = try Explorer(system: KernelSystem(scenario: scenario), properties: props, configuration: config).run()
        let system = KernelSystem(scenario: scenario, symmetry: true)
        let reduced = try Explorer(system: system, properties: props, configuration: config).run()
        #expect(reduced.statistics.states < full.statistics.states)
        for ((_, f), (name, r)) in zip(full.verdicts, reduced.verdicts) {
            guard case .violated(let a) = f, case .violated(let b) = r else {
                Issue.record("\(name): expected a violation with and without symmetry (\(f.name), \(r.name))")
                continue
            }
            #expect(a.count == b.count, "\(name)")
            let real = try CheckPipeline.replayUnreduced(b, system)
            #expect(real.count == b.count)
            let last = try #require(real.steps.last)
            let before = real.count >= 2 ? real.steps[real.count - 2].state : real.initial
            switch props.first(where: { $0.name == name })?.check {
            case .always(let ok)?: #expect(!ok(last.state), "\(name): the replayed trace must end in the violation")
            case .transition(let ok)?: #expect(!ok(before, last.action, last.state), "\(name): the replayed trace must end in the violation")
            default: Issue.record("unexpected property kind")
            }
        }
    }
}

