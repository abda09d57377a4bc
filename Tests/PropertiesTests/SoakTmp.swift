import Foundation
import Properties
import Scenarios
import Spec
import Testing


/// The bounded argument domain of an adversarial (`any`) thread (DESIGN §3).
/// Capability arguments range over the slots the acting task holds, plus one
/// empty slot as the representative of every "no object" error path; indices
/// inside another space (map sources and destinations, receive slots) range
/// over the whole bound. Pure queries (`cap_valid`, `cap_equal`) are left out:
/// they change nothing but the caller's result register.
struct SoakDomain: Sendable {
    var slots: Int
    var pages: Int
    var cpus: Int
    var messages: [[UInt16]]
    var labels: [UInt16]
    var priorities: [UInt8]

    init(scenario: Scenario) {
        let b = scenario.bounds
        slots = b.slots
        pages = b.pages
        cpus = b.cpus
        messages = b.words == 0 ? [[]] : b.wordValues.map { Array(repeating: $0, count: min(b.words, Capacity.words)) }
        labels = b.labels.isEmpty ? [0] : b.labels
        var prios: [UInt8] = []
        for t in scenario.threads {
            let p = scenario.initial.thread(t.id).prio
            if !prios.contains(p) { prios.append(p) }
        }
        priorities = prios.isEmpty ? [1] : prios.sorted()
    }

    /// Calls `emit` for every invocation thread `t` may make in `state`, in a fixed order.
    func invocations(for t: ThreadID, in state: KernelState, _ emit: (Invocation) -> Void) {
        let taskRaw = state.thread(t).task
        var held: [(SlotIndex, ObjectKind)] = []
        var empty: SlotIndex?
        if taskRaw != 0xFF {
            let task = TaskID(Int(taskRaw))
            for s in 0..<slots {
                if let ref = state.slot(task, SlotIndex(s)).ref { held.append((SlotIndex(s), ref.kind)) } else if empty == nil { empty = SlotIndex(s) }
            }
        }
        func caps(_ kinds: Set<ObjectKind>) -> [CapName] { held.filter { kinds.contains($0.1) }.map { .slot($0.0) } }
        let ipcTargets = caps([.thread, .gate]) + [.this] + (empty.map { [.slot($0)] } ?? [])
        let allSlots = (0..<slots).map { SlotIndex($0) }
        let lastSlot = SlotIndex(max(slots - 1, 0))
        let objBuffer = ReceiveBuffer.object(lastSlot)

        // IPC (kernel-api §6)
        for c in ipcTargets {
            for m in messages {
                for l in labels {
                    emit(.ipcSend(cap: c, Message(words: m, label: l), timeout: .never))
                    emit(.ipcSend(cap: c, Message(words: m, label: l), timeout: .zero))
                }
                emit(.ipcCall(cap: c, Message(words: m, label: labels[0]), send: .never, receive: .never, buffer: objBuffer))
            }
            for s in held.map(\.0) {
                emit(.ipcSend(cap: c, Message(words: [], label: labels[0], item: SendItem(space: .object, index: s.index, rights: CapRights.all.rawValue)), timeout: .never))
            }
            for p in 0..<pages {
                emit(.ipcSend(cap: c, Message(words: [], label: labels[0], item: SendItem(space: .memory, index: p, rights: MemRights.all.rawValue)), timeout: .never))
            }
            emit(.ipcReceive(cap: c, timeout: .never, buffer: objBuffer))
        }
        emit(.ipcWait(timeout: .never, buffer: objBuffer))
        if pages > 0 { emit(.ipcWait(timeout: .never, buffer: .memory(PageIndex(0)))) }
        for m in messages {
            emit(.ipcReply(Message(words: m, label: labels[0])))
            emit(.ipcReplyAndWait(Message(words: m, label: labels[0]), timeout: .never, buffer: objBuffer))
        }
        for s in held.map(\.0) {
            emit(.ipcReply(Message(words: [], label: labels[0], item: SendItem(space: .object, index: s.index, rights: CapRights.all.rawValue))))
        }

        // Task map / unmap (kernel-api §3.1, §4, §5)
        let tasks = caps([.task])
        for dst in tasks {
            for src in tasks {
                for b in allSlots {
                    for d in allSlots {
                        emit(.taskMap(dst: dst, src: src, item: SendItem(space: .object, index: b.index, rights: CapRights.all.rawValue), order: 0, sndBase: d.raw))
                    }
                    emit(.taskMap(dst: dst, src: src, item: SendItem(space: .object, index: b.index, rights: CapRights.r.rawValue), order: 0, sndBase: b.raw))
                }
                for p in 0..<pages {
                    for q in 0..<pages {
                        emit(.taskMap(dst: dst, src: src, item: SendItem(space: .memory, index: p, rights: MemRights.all.rawValue), order: 0, sndBase: UInt8(q)))
                        emit(.taskMap(dst: dst, src: src, item: SendItem(space: .memory, index: p, rights: MemRights.r.rawValue), order: 0, sndBase: UInt8(q)))
                    }
                }
            }
            for b in allSlots {
                emit(.taskUnmap(task: dst, space: .object, index: b.raw, order: 0, rights: CapRights.all.rawValue, scope: .allSpaces, delete: true))
                emit(.taskUnmap(task: dst, space: .object, index: b.raw, order: 0, rights: CapRights.all.rawValue, scope: .allSpaces, delete: false))
            }
            for p in 0..<pages {
                emit(.taskUnmap(task: dst, space: .memory, index: UInt8(p), order: 0, rights: MemRights.all.rawValue, scope: .otherSpaces, delete: false))
                emit(.taskUnmap(task: dst, space: .memory, index: UInt8(p), order: 0, rights: MemRights.all.rawValue, scope: .allSpaces, delete: false))
                emit(.taskUnmap(task: dst, space: .memory, index: UInt8(p), order: 0, rights: MemRights.w.rawValue, scope: .otherSpaces, delete: false))
            }
        }

        // Factories (kernel-api §3.4)
        for f in caps([.factory]) {
            for s in allSlots {
                emit(.factoryCreate(factory: f, kind: .thread, slot: s))
                emit(.factoryCreate(factory: f, kind: .gate(label: labels[0] & ~3, thread: nil), slot: s))
                emit(.factoryCreate(factory: f, kind: .task, slot: s))
                emit(.factoryCreate(factory: f, kind: .irq, slot: s))
                emit(.factoryCreate(factory: f, kind: .factory(limit: 1), slot: s))
            }
        }

        // Threads and scheduling (kernel-api §3.2, §3.5)
        let threadSlots = held.filter { $0.1 == .thread }.map(\.0)
        let ipcSlots = held.filter { $0.1 == .thread || $0.1 == .gate }.map(\.0)
        for th in caps([.thread]) {
            emit(.threadExRegs(thread: th, cancel: true))
            emit(.threadExRegs(thread: th, cancel: false))
            for k in held.filter({ $0.1 == .task }).map(\.0) { emit(.threadControl(thread: th, pager: nil, excHandler: nil, bindTask: k)) }
            for p in ipcSlots { emit(.threadControl(thread: th, pager: p, excHandler: nil, bindTask: nil)) }
        }
        for sched in caps([.scheduler]) {
            for th in threadSlots {
                for p in priorities {
                    for c in 0..<cpus { emit(.schedulerRunThread(scheduler: sched, thread: th, prio: p, cpu: UInt8(c))) }
                }
            }
        }

        // Gates and Irqs (kernel-api §3.3, §3.6, §7)
        for g in caps([.gate]) {
            for th in threadSlots {
                for l in labels { emit(.gateBindThread(gate: g, thread: th, label: l & ~3)) }
            }
        }
        for i in caps([.irq]) {
            for th in threadSlots { emit(.irqBind(irq: i, thread: th, label: labels[0])) }
            emit(.irqDetach(irq: i))
            emit(.irqTrigger(irq: i))
            emit(.irqUnmask(irq: i))
            emit(.irqReceive(irq: i, timeout: .never))
        }

        // Memory accesses and page faults (kernel-api §6.6)
        for p in 0..<pages {
            emit(.memAccess(page: PageIndex(p), write: false))
            emit(.memAccess(page: PageIndex(p), write: true))
        }
    }
}


struct SoakRNG { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E3779B97F4A7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) } }

@Test func soakTmp() throws {
    var scenarios = try ScenarioLoader.builtInNames.map { try ScenarioLoader.builtIn($0) }
    for p in ["/tmp/props-scen/stress.yaml", "/tmp/props-scen/stress2.yaml"] { scenarios.append(try ScenarioLoader.load(path: p)) }
    for sc in scenarios {
        let ctx = CheckContext(scenario: sc)
        let dom = SoakDomain(scenario: sc)
        var lines: [UInt8] = []
        for i in 0..<Capacity.irqs { let q = sc.initial.irq(IrqID(i)); if q.life == .live && q.line != 0xFF { lines.append(q.line) } }
        var first: [String: String] = [:]
        var rng = SoakRNG(s: 7)
        var steps = 0
        for _ in 0..<1000 {
            var s = sc.initial
            for _ in 0..<100 {
                var evs: [Event] = []
                for c in 0..<Int(s.config.cpuCount) {
                    guard let t = s.current(on: CPU(c)) else { continue }
                    evs.append(.tick(cpu: CPU(c)))
                    if s.thread(t).isDying { continue }
                    dom.invocations(for: t, in: s) { evs.append(.invoke(cpu: CPU(c), $0)) }
                }
                for l in lines { evs.append(.irqLine(l)) }
                if evs.isEmpty { break }
                let ev = evs[Int(rng.next() % UInt64(evs.count))]
                let before = s
                let r = s.apply(ev)
                steps += 1
                for e in Catalogue.all where first[e.id] == nil {
                    var v: [String] = []
                    switch e.check {
                    case .state(let c): v = c(s, ctx)
                    case .transition(let c): v = c(before, ev, r, s, ctx)
                    case .liveness: break
                    }
                    if let m = v.first { first[e.id] = m + " [at \(ev) -> \(r.outcome)]" }
                }
            }
        }
        print("SOAK \(sc.name): \(steps) steps")
        for (id, m) in first.sorted(by: { $0.key < $1.key }) { print("SOAK   \(id): \(m)") }
    }
}
