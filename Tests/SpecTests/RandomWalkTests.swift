import PropertyBased
import Testing
@testable import Spec

/// Long seeded random walks over small systems: `step` never traps and the
/// state stays well formed after every event (DESIGN §2 "step is total").
@Suite struct RandomWalkTests {
    // MARK: - Systems

    struct System: Sendable, CustomTestStringConvertible {
        let name: String
        let initial: KernelState
        /// Hardware lines worth firing.
        let lines: [UInt8]
        var testDescription: String { name }
    }

    /// Two tasks on two CPUs: threads with pagers, a gate, an Irq on line 1, a
    /// child factory, shared memory derived across tasks.
    static let twoTasks: System = {
        var sb = SystemBuilder(slots: 8, pages: 3, cpus: 2)
        let A = sb.task(), B = sb.task()
        let f = sb.factory(limit: 12)
        let a1 = sb.thread(in: A, prio: 2, cpu: 0)
        let a2 = sb.thread(in: A, prio: 1, cpu: 0, pager: 5)
        let b1 = sb.thread(in: B, prio: 1, cpu: 1, pager: 3)
        let g = sb.gate(thread: b1, label: 0x40)
        let i = sb.irq(thread: a2, label: 7, line: 1)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.task(B), in: A, at: 1)
        sb.cap(.gate(g), in: A, at: 2, server: true)
        sb.cap(.irq(i), in: A, at: 3)
        sb.cap(.factory(f), in: A, at: 4)
        sb.cap(.thread(b1), in: A, at: 5)
        sb.cap(.scheduler, in: A, at: 6)
        sb.cap(.thread(a2), in: A, at: 7)
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.task(A), in: B, at: 1, rights: [.r, .w])
        sb.cap(.gate(g), in: B, at: 2, rights: [.r, .w])
        sb.cap(.thread(a1), in: B, at: 3)
        sb.cap(.factory(f), in: B, at: 4, rights: [.r, .s])
        sb.cap(.scheduler, in: B, at: 6)
        sb.page(A, 0, frame: 0)
        sb.page(A, 1, frame: 1, rights: [.r, .w])
        sb.page(B, 0, frame: 0, rights: [.r, .x], from: (A, 0))
        return System(name: "twoTasks", initial: sb.state, lines: [0, 1, 2])
    }()

    /// One CPU: a server behind an unbound gate, two clients of different
    /// priority, a driver with two Irqs, a root-factory cap.
    static let clientServer: System = {
        var sb = SystemBuilder(slots: 7, pages: 2, cpus: 1)
        let S = sb.task(), C = sb.task(), D = sb.task()
        let server = sb.thread(in: S, prio: 3, pager: 4)
        let c1 = sb.thread(in: C, prio: 2, pager: 1)
        let c2 = sb.thread(in: C, prio: 2)
        let driver = sb.thread(in: D, prio: 4)
        let g = sb.gate()
        let i1 = sb.irq(thread: driver, label: 1, line: 3)
        let i2 = sb.irq(line: 3)
        sb.cap(.task(S), in: S, at: 0)
        sb.cap(.gate(g), in: S, at: 1, server: true)
        sb.cap(.thread(server), in: S, at: 2)
        sb.cap(.factory(sb.root), in: S, at: 3)
        sb.cap(.thread(driver), in: S, at: 4, rights: [.r, .w])
        sb.cap(.task(C), in: S, at: 5)
        sb.cap(.task(C), in: C, at: 0)
        sb.cap(.gate(g), in: C, at: 1, rights: [.r, .w])
        sb.cap(.thread(c2), in: C, at: 2)
        sb.cap(.thread(c1), in: C, at: 3, weak: true)
        sb.cap(.thread(c1), in: C, at: 4)
        sb.cap(.task(D), in: D, at: 0)
        sb.cap(.irq(i1), in: D, at: 1)
        sb.cap(.irq(i2), in: D, at: 2)
        sb.cap(.thread(driver), in: D, at: 3)
        sb.cap(.gate(g), in: D, at: 4)
        sb.cap(.scheduler, in: D, at: 5)
        sb.page(S, 0, frame: 4)
        sb.page(C, 1, frame: 5)
        return System(name: "clientServer", initial: sb.state, lines: [3, 4])
    }()

    /// Tight quotas: a child and a grandchild factory, objects charged to both.
    static let quotas: System = {
        var sb = SystemBuilder(slots: 6, pages: 2, cpus: 1)
        let child = sb.factory(limit: 14)
        let grand = sb.factory(limit: 5, parent: child)
        let A = sb.task(quota: child)
        let B = sb.task(quota: child)
        let a = sb.thread(in: A, prio: 1, pager: 2, quota: child)
        let b = sb.thread(in: B, prio: 1)
        let g = sb.gate(thread: a, label: 0x10, quota: grand)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.factory(child), in: A, at: 1)
        sb.cap(.thread(b), in: A, at: 2)
        sb.cap(.factory(grand), in: A, at: 3)
        sb.cap(.task(B), in: A, at: 4)
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.gate(g), in: B, at: 1)
        sb.cap(.factory(grand), in: B, at: 2, rights: [.r, .s])
        sb.cap(.thread(a), in: B, at: 3)
        sb.page(A, 0, frame: 9)
        return System(name: "quotas", initial: sb.state, lines: [0])
    }()

    static let systems = [twoTasks, clientServer, quotas]

    // MARK: - The event generator

    /// Events over the argument domain of a system: every `Invocation` case with
    /// small arguments (including one slot/page past the bounds), ticks and lines.
    static func events(for sys: System) -> Generator<Event, Shrink.None<Event>> {
        let slots = Int(sys.initial.config.slotBound) + 1
        let pages = Int(sys.initial.config.pageBound) + 1
        let cpus = Int(sys.initial.config.cpuCount)
        let lines = sys.lines
        return Generator { rng in
            var r = Pick(rng: rng)
            defer { rng = r.rng }
            switch r.int(20) {
            case 0: return .tick(cpu: CPU(r.int(cpus)))
            case 1: return .irqLine(r.chance(1, 4) ? UInt8(r.int(8)) : lines[r.int(lines.count)])
            default: return .invoke(cpu: CPU(r.int(cpus)), r.invocation(slots: slots, pages: pages, cpus: cpus))
            }
        }
    }

    /// A thin helper over the property checker's random source.
    struct Pick {
        var rng: any SeededRandomNumberGenerator
        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func chance(_ k: Int, _ n: Int) -> Bool { int(n) < k }
        mutating func cap(_ slots: Int) -> CapName { chance(1, 8) ? .this : .slot(SlotIndex(int(slots))) }
        mutating func slot(_ slots: Int) -> SlotIndex { SlotIndex(int(slots)) }
        mutating func optSlot(_ slots: Int) -> SlotIndex? { chance(1, 8) ? nil : slot(slots) }
        mutating func timeout() -> Timeout { chance(3, 5) ? .zero : .never }
        mutating func label() -> UInt16 { [0, 1, 2, 3, 4, 0x40, 0x41, 0x100][int(8)] }
        mutating func item(_ slots: Int, _ pages: Int) -> SendItem {
            let object = chance(1, 2)
            return SendItem(space: object ? .object : .memory, index: object ? int(slots) : int(pages), rights: UInt8(int(16)),
                            grant: chance(1, 5), server: chance(1, 3), weak: chance(1, 5))
        }
        mutating func message(_ slots: Int, _ pages: Int) -> Message {
            let words = (0..<int(3)).map { _ in UInt16(int(4)) }
            return Message(words: words, label: label(), item: chance(1, 3) ? item(slots, pages) : nil)
        }
        mutating func buffer(_ slots: Int, _ pages: Int) -> ReceiveBuffer {
            switch int(3) {
            case 0: .none
            case 1: .object(slot(slots))
            default: .memory(PageIndex(int(pages)))
            }
        }
        mutating func kind(_ slots: Int) -> CreateKind {
            switch int(5) {
            case 0: .task
            case 1: .thread
            case 2: .gate(label: label(), thread: chance(1, 2) ? slot(slots) : nil)
            case 3: .irq
            default: .factory(limit: UInt16(int(7)))
            }
        }

        mutating func invocation(slots: Int, pages: Int, cpus: Int) -> Invocation {
            switch int(22) {
            case 0: .ipcSend(cap: cap(slots), message(slots, pages), timeout: timeout())
            case 1: .ipcCall(cap: cap(slots), message(slots, pages), send: timeout(), receive: timeout(), buffer: buffer(slots, pages))
            case 2: .ipcReceive(cap: cap(slots), timeout: timeout(), buffer: buffer(slots, pages))
            case 3: .ipcWait(timeout: timeout(), buffer: buffer(slots, pages))
            case 4: .ipcReply(message(slots, pages))
            case 5: .ipcReplyAndWait(message(slots, pages), timeout: timeout(), buffer: buffer(slots, pages))
            case 6: .ipcSleep(timeout: chance(4, 5) ? .zero : .never)
            case 7: .taskMap(dst: cap(slots), src: cap(slots), item: item(slots, pages), order: UInt8(chance(3, 4) ? 0 : int(3)), sndBase: UInt8(int(8)))
            case 8: .taskUnmap(task: cap(slots), space: chance(1, 2) ? .object : .memory, index: UInt8(int(max(slots, pages))),
                               order: UInt8(chance(3, 4) ? 0 : int(3)), rights: UInt8(int(16)),
                               scope: chance(1, 2) ? .allSpaces : .otherSpaces, delete: chance(1, 3))
            case 9: .taskCapValid(task: cap(slots), cap: cap(slots))
            case 10: .taskCapEqual(task: cap(slots), a: cap(slots), b: cap(slots))
            case 11: .factoryCreate(factory: cap(slots), kind: kind(slots), slot: chance(1, 10) ? nil : SlotIndex(int(slots + 1)))
            case 12: .threadControl(thread: cap(slots), pager: optSlot(slots), excHandler: optSlot(slots), bindTask: chance(1, 2) ? slot(slots) : nil)
            case 13: .threadExRegs(thread: cap(slots), cancel: chance(2, 3))
            case 14: .schedulerRunThread(scheduler: cap(slots), thread: optSlot(slots), prio: UInt8(int(5)), cpu: UInt8(int(cpus + 1)))
            case 15: .gateBindThread(gate: cap(slots), thread: optSlot(slots), label: label())
            case 16: .irqBind(irq: cap(slots), thread: optSlot(slots), label: label())
            case 17: .irqDetach(irq: cap(slots))
            case 18: .irqTrigger(irq: cap(slots))
            case 19: .irqUnmask(irq: cap(slots))
            case 20: .irqReceive(irq: cap(slots), timeout: timeout())
            default: .memAccess(page: PageIndex(int(pages)), write: chance(1, 2))
            }
        }
    }

    // MARK: - Walks

    static let stepsPerWalk = 3_000
    static let walksPerSystem = 16

    @Test(arguments: systems)
    func randomWalk_neverTraps_staysWellFormed(_ sys: System) async {
        expectWellFormed(sys.initial)
        let gen = Self.events(for: sys)
        var outcomes: Set<String> = []
        var steps = 0
        await propertyCheck(count: Self.walksPerSystem, input: Gen.uint64()) { seed in
            var rng = Xoshiro(seed: (seed | 1, seed &* 0x9E37_79B9_7F4A_7C15, ~seed, 0x2545_F491_4F6C_DD1D))
            var state = sys.initial
            for index in 0..<Self.stepsPerWalk {
                let event = gen.run(using: &rng)
                steps += 1
                let (next, result) = step(state, event)
                outcomes.insert(result.outcome.description)
                let broken = next.wellFormed()
                if !broken.isEmpty {
                    Issue.record("""
                        \(sys.name) seed \(seed): event #\(index) \(event) (actor \(result.actor.map(String.init(describing:)) ?? "none"), \
                        outcome \(result.outcome)) broke \(broken.map(\.description))
                        changes: \(next.changes(since: state) { "\($0)" }.map(\.description))
                        """)
                    return
                }
                state = next
                // Once every thread is blocked for good, start over.
                if (0..<Int(state.config.cpuCount)).allSatisfy({ state.current(on: CPU($0)) == nil }) {
                    state = sys.initial
                }
            }
        }
        // The walks must do something: a property that holds because nothing happens is no evidence.
        for o in ["ok", "blocked", "EINVAL", "ENOT_EXISTENT", "RETIMEOUT", "SETIMEOUT"] {
            #expect(outcomes.contains(o), "\(sys.name): no step ended with \(o) (saw \(outcomes.sorted()))")
        }
        #expect(outcomes.count >= 12, "\(sys.name): only \(outcomes.sorted())")
        #expect(steps == Self.walksPerSystem * Self.stepsPerWalk)
    }

    @Test func eventGenerator_isDeterministicPerSeed() {
        let gen = Self.events(for: Self.twoTasks)
        var a = Xoshiro(seed: (1, 2, 3, 4)), b = Xoshiro(seed: (1, 2, 3, 4)), c = Xoshiro(seed: (1, 2, 3, 5))
        let x = (0..<300).map { _ in gen.run(using: &a) }
        let y = (0..<300).map { _ in gen.run(using: &b) }
        let z = (0..<300).map { _ in gen.run(using: &c) }
        #expect(x == y)
        #expect(x != z)
    }

    @Test func eventGenerator_coversEveryInvocationCase() {
        let gen = Self.events(for: Self.twoTasks)
        var rng = Xoshiro(seed: (7, 7, 7, 7))
        var seen: Set<String> = []
        for _ in 0..<5_000 {
            switch gen.run(using: &rng) {
            case .tick: seen.insert("tick")
            case .irqLine: seen.insert("irqLine")
            case .invoke(_, let inv): seen.insert(String(String(describing: inv).prefix { $0 != "(" }))
            }
        }
        #expect(seen.count == 22 + 2, "\(seen.sorted())")
    }
}
