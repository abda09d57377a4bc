import Properties
import Scenarios
import Spec
import Testing

@Suite("Catalogue")
struct CatalogueTests {
    /// The property IDs of the issue, in catalogue order.
    static let expectedIDs: [String] =
        (1...6).map { "CAP-\($0)" } + (1...5).map { "MAP-\($0)" } + (1...8).map { "IPC-\($0)" } + (1...6).map { "SCHED-\($0)" }
        + (1...5).map { "MEM-\($0)" } + ["IRQ-1", "IRQ-2", "INFO-1", "INFO-2"]

    @Test func idsAreUniqueCompleteAndInOrder() {
        let ids = Catalogue.all.map(\.id)
        #expect(Set(ids).count == ids.count, "duplicate IDs in \(ids)")
        #expect(ids == Self.expectedIDs)
    }

    @Test func lookupByID() {
        for e in Catalogue.all { #expect(Catalogue.entry(id: e.id)?.title == e.title) }
        #expect(Catalogue.entry(id: "CAP-99") == nil)
    }

    @Test func entriesAreDescribed() {
        for e in Catalogue.all {
            #expect(!e.title.isEmpty, "\(e.id) has no title")
            #expect(e.requirement.count > 80, "\(e.id) has a thin requirement")
            #expect(e.requirement.contains("§"), "\(e.id) cites no section")
            #expect(!e.assumptions.isEmpty, "\(e.id) states no assumptions")
        }
    }

    @Test func kindsMatchChecks() {
        for e in Catalogue.all {
            switch e.check {
            case .state: #expect(e.kind == .stateInvariant, "\(e.id)")
            case .transition: #expect(e.kind == .transition, "\(e.id)")
            case .liveness: #expect(e.kind == .liveness, "\(e.id)")
            }
        }
        #expect(Catalogue.all.filter { $0.kind == .liveness }.map(\.id) == ["IPC-8", "SCHED-5"])
    }

    /// Fails when an entry is added without a registered negative test (DESIGN §6:
    /// a checker that cannot fail is a defect).
    @Test func everyEntryHasANegativeTest() {
        let covered = Set(Registry.negative.map(\.id))
        for e in Catalogue.all { #expect(covered.contains(e.id), "\(e.id) has no negative test") }
        for id in covered { #expect(Catalogue.entry(id: id) != nil, "negative test for unknown \(id)") }
    }

    @Test func everyEntryHasAPositiveTest() {
        let covered = Set(Registry.positive.map(\.id))
        for e in Catalogue.all { #expect(covered.contains(e.id), "\(e.id) has no positive test") }
        for id in covered { #expect(Catalogue.entry(id: id) != nil, "positive test for unknown \(id)") }
    }

    @Test func livenessInstancesFollowTheScenarioThreads() {
        let ctx = World().context()
        for e in Catalogue.all {
            guard case .liveness(let live) = e.check else { continue }
            #expect(live.shape == .leadsTo)
            #expect(live.instances(ctx).map(\.name) == ["a", "b"], "\(e.id)")
        }
    }

    @Test func contextFollowsItsScenario() {
        var w = World()
        w.flows = []
        var ctx = w.context()
        #expect(!Check.state("CAP-2", w.state, ctx).isEmpty)
        w.flows = [Policy.Flow(from: "DA", to: "DB"), Policy.Flow(from: "DB", to: "DA")]
        ctx.scenario = w.scenario
        #expect(Check.state("CAP-2", w.state, ctx).isEmpty)
    }

    /// A session touching every family under a permissive policy: no property may complain.
    @Test func wholeCatalogueOnASession() {
        var w = World()
        w.cap(.task(w.B), in: w.A, at: 5, rights: [.w])
        w.cap(.scheduler, in: w.A, at: 6)
        let i = w.irq(thread: nil, line: 2)
        w.cap(.irq(i), in: w.A, at: 7)
        let ctx = w.context()
        let a = { (inv: Invocation) in Event.invoke(cpu: cpu0, inv) }
        let events: [Event] = [
            a(.taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)), item: SendItem(space: .memory, index: 0, rights: MemRights.all.rawValue),
                       order: 0, sndBase: 1)),
            a(.irqBind(irq: .slot(SlotIndex(7)), thread: SlotIndex(3), label: 4)),
            .irqLine(2),
            .tick(cpu: cpu0),
            a(.ipcWait(timeout: .never, buffer: .object(SlotIndex(6)))),                                     // b waits with a window
            a(.ipcCall(cap: .slot(SlotIndex(4)), Message(words: [1, 2], item: SendItem(space: .object, index: 3, rights: CapRights([.r, .w]).rawValue)),
                       send: .never, receive: .never, buffer: .none)),
            a(.ipcReply(Message(words: [9]))),                                                              // b answers
            .tick(cpu: cpu0),
            a(.irqReceive(irq: .slot(SlotIndex(7)), timeout: .never)),                                       // the queued Irq
            a(.factoryCreate(factory: .slot(SlotIndex(2)), kind: .thread, slot: SlotIndex(0))),
            a(.schedulerRunThread(scheduler: .slot(SlotIndex(6)), thread: SlotIndex(0), prio: 5, cpu: 0)),
            a(.threadExRegs(thread: .slot(SlotIndex(0)), cancel: false)),
            a(.taskUnmap(task: .slot(SlotIndex(1)), space: .memory, index: 0, order: 0, rights: MemRights.w.rawValue, scope: .otherSpaces, delete: false)),
            a(.taskUnmap(task: .slot(SlotIndex(1)), space: .memory, index: 0, order: 0, rights: MemRights.all.rawValue, scope: .otherSpaces, delete: false)),
            a(.factoryCreate(factory: .slot(SlotIndex(2)), kind: .factory(limit: 50), slot: SlotIndex(0))),
            a(.taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 0, order: 0, rights: CapRights.all.rawValue, scope: .allSpaces, delete: true)),
            .tick(cpu: cpu0),
            .tick(cpu: cpu0),
        ]
        let (end, results, violations) = Check.run(w.state, events, ctx)
        #expect(violations.isEmpty, "\(violations)")
        #expect(end.slot(w.B, SlotIndex(6)).ref == .thread(w.a))
        #expect(!end.page(w.B, PageIndex(1)).isMapped)
        #expect(results.contains { $0.outcome == .error(.enomem) })
    }

    /// A page fault through a pager gate, answered without a mapping: the fault is
    /// retried as the thread's next step — here on a tick, which then rotates nothing.
    @Test func wholeCatalogueOnAFaultRetry() {
        var w = World()
        w.state.threads[w.a.index].pager = 4          // A slot 4: gate g, bound to b
        let ctx = w.context()
        let events: [Event] = [
            .tick(cpu: cpu0),
            .invoke(cpu: cpu0, .ipcWait(timeout: .never, buffer: .none)),            // b waits
            .invoke(cpu: cpu0, .memAccess(page: PageIndex(1), write: true)),       // a faults to b
            .invoke(cpu: cpu0, .ipcReply(Message())),                               // b answers without a mapping
            .tick(cpu: cpu0),                                                        // a runs its retry and faults again
        ]
        let (end, results, violations) = Check.run(w.state, events, ctx)
        #expect(violations.isEmpty, "\(violations)")
        #expect(results.last?.outcome == .faultRetried)
        #expect(end.thread(w.a).state == .sending)
    }

    /// The same fault resolved by the pager with a mapping: the retry on the tick
    /// succeeds and the faulting thread keeps the CPU (no quantum rotation).
    @Test func wholeCatalogueOnAResolvedFault() {
        var w = World()
        w.state.threads[w.a.index].pager = 4
        let ctx = w.context()
        let events: [Event] = [
            .tick(cpu: cpu0),
            .invoke(cpu: cpu0, .ipcWait(timeout: .never, buffer: .none)),
            .invoke(cpu: cpu0, .memAccess(page: PageIndex(1), write: true)),
            .invoke(cpu: cpu0, .ipcReply(Message(item: SendItem(space: .memory, index: 0, rights: MemRights([.r, .w]).rawValue)))),
            .tick(cpu: cpu0),
        ]
        let (end, results, violations) = Check.run(w.state, events, ctx)
        #expect(violations.isEmpty, "\(violations)")
        #expect(results.last?.outcome == .faultRetried)
        #expect(end.page(w.A, PageIndex(1)).isMapped)
        #expect(end.current(on: cpu0) == w.a)
    }

    /// Every state invariant on the boot state of every built-in scenario. A boot
    /// state that violates a property is a spec bug or a scenario that is insecure on
    /// purpose, so this reports instead of asserting (the report lists them).
    @Test func builtInBootStates() throws {
        let names = ScenarioLoader.builtInNames
        #expect(!names.isEmpty)
        var report: [String] = []
        for name in names {
            let scenario = try ScenarioLoader.builtIn(name)
            let ctx = CheckContext(scenario: scenario)
            for e in Catalogue.all {
                guard case .state(let check) = e.check else { continue }
                for v in check(scenario.initial, ctx) { report.append("\(name): \(e.id): \(v)") }
            }
        }
        print("built-in boot states — \(report.isEmpty ? "no state invariant is violated" : "\(report.count) violation(s):")")
        for line in report { print("  " + line) }
    }
}
