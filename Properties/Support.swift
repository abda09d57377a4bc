import Scenarios
import Spec

/// The byte every id field of the flat state uses for "none" (Spec's `noID`).
let absent: UInt8 = 0xFF

/// Flags of a staged send item (`ThreadRecord.sendItemFlags`, Spec's `stage`).
let itemGrantFlag: UInt8 = 0x1

// MARK: - Well-formedness clauses of the spec, reused by name

enum Clause {
    /// The named clause of `KernelState.wellFormedClauses`. A clause that was
    /// renamed or removed reports itself, so the property cannot pass silently.
    static func named(_ name: String) -> @Sendable (KernelState) -> [String] {
        guard let found = KernelState.wellFormedClauses.first(where: { $0.0 == name })?.1 else {
            return { _ in ["the spec no longer has the well-formedness clause '\(name)'"] }
        }
        return found
    }

    static func run(_ names: [String], on state: KernelState) -> [String] {
        names.flatMap { n in named(n)(state).map { "\(n): \($0)" } }
    }
}

// MARK: - Raw positions (the state's tables are flat; Spec keeps its position helpers internal)

@inline(__always) func slotPosition(_ task: Int, _ slot: Int) -> Int { task * Capacity.slotsPerTask + slot }
@inline(__always) func pagePosition(_ task: Int, _ page: Int) -> Int { task * Capacity.pagesPerTask + page }
/// The (task, page) a mapping-tree node index denotes.
@inline(__always) func nodeOwner(_ n: Int) -> (task: Int, page: Int) { (n / Capacity.pagesPerTask, n % Capacity.pagesPerTask) }


/// Every object reference of the model's tables (the scheduler excluded).
let allObjectRefs: [ObjectRef] = ObjectKind.allCases.filter { $0 != .scheduler }.flatMap { k in (0..<k.capacity).map { ObjectRef(k, $0) } }

extension KernelState {
    /// Whether an index is a valid id of `kind` whose entry is in use.
    func exists(_ kind: ObjectKind, _ raw: UInt8) -> Bool {
        raw != absent && Int(raw) < kind.capacity && life(of: ObjectRef(kind, Int(raw))) != .free
    }

    /// The slot at a raw position (no bound check beyond the table).
    func rawSlot(_ task: Int, _ slot: Int) -> Slot { slots[slotPosition(task, slot)] }

    /// Every listed thread of a CPU with its position.
    func listPosition(_ t: ThreadID) -> (cpu: Int, index: Int)? {
        for c in 0..<Capacity.cpus {
            let list = readyThreads(CPU(c))
            if let i = list.firstIndex(of: t) { return (c, i) }
        }
        return nil
    }

    /// Whether a thread id sits in some ready list.
    func isListed(_ t: ThreadID) -> Bool { listPosition(t) != nil }

    /// The members of an unbound gate's wait queue, in order (thread ids).
    func gateWaiters(_ g: GateID) -> [ThreadID] {
        var out: [ThreadID] = []
        var cur = gates[g.index].waitHead
        while cur != absent, Int(cur) < Capacity.threads, out.count <= Capacity.threads {
            out.append(ThreadID(Int(cur)))
            cur = threads[Int(cur)].queueNext
        }
        return out
    }

    /// Strict descendants of mapping node `n` (walks the parent chains; cycles are cut).
    func descendants(ofNode n: Int) -> [Int] {
        var out: [Int] = []
        for m in 0..<pages.count where m != n && pages[m].isMapped && isAncestor(n, of: m) { out.append(m) }
        return out
    }

    /// Whether node `a` lies strictly above node `n` on `n`'s parent chain.
    func isAncestor(_ a: Int, of n: Int) -> Bool {
        var p = pages[n].parent
        var steps = 0
        while p != absent && Int(p) < pages.count && steps < pages.count {
            if Int(p) == a { return true }
            p = pages[Int(p)].parent
            steps += 1
        }
        return false
    }

    /// The strict ancestors of node `n`, nearest first (cycles cut).
    func ancestors(ofNode n: Int) -> [Int] {
        var out: [Int] = []
        var p = pages[n].parent
        while p != absent && Int(p) < pages.count && out.count < pages.count {
            out.append(Int(p))
            p = pages[Int(p)].parent
        }
        return out
    }

    /// Threads that are ready and homed on `cpu` (listed or not).
    func readyHomedOn(_ cpu: Int) -> [ThreadID] {
        (0..<Capacity.threads).compactMap { i in
            let r = threads[i]
            return r.life != .free && r.state == .ready && Int(r.cpu) == cpu ? ThreadID(i) : nil
        }
    }

    /// Whether the state of thread `t` counts as "received a message" between `self` (before) and `after`.
    func received(_ t: Int, after: KernelState) -> Bool {
        let b = threads[t], a = after.threads[t]
        guard b.life != .free, a.life != .free else { return false }
        if !sameWords(b.mr, a.mr) || b.mrCount != a.mrCount || b.rcvLabel != a.rcvLabel { return true }
        return b.state == .receiving && a.state == .ready && !a.isDying && a.resultKind == 1
    }
}

/// Word-wise equality of two message-register blocks.
func sameWords(_ a: Words, _ b: Words) -> Bool {
    for i in 0..<Capacity.words where a[i] != b[i] { return false }
    return true
}

// MARK: - Events

/// The thread that acted on an `invoke` event, with its task and invocation.
struct Acting {
    var thread: ThreadID
    var task: TaskID?
    var invocation: Invocation
}

extension Event {
    /// The thread that acted and what it did: the invocation of an invoke event;
    /// for a step that re-ran a resolved page fault instead (outcome
    /// `faultRetried`, on an invoke or a tick, kernel-api §6.6) the retried memory
    /// access. Nil for teardowns, idle CPUs, plain ticks and IRQ lines.
    func acting(before: KernelState, result: StepResult) -> Acting? {
        guard let t = result.actor, t.index < Capacity.threads, result.outcome != .tornDown, result.outcome != .idle else { return nil }
        let raw = before.threads[t.index].task
        let task = raw != absent && Int(raw) < Capacity.tasks && before.tasks[Int(raw)].life == .live ? TaskID(Int(raw)) : nil
        if result.outcome == .faultRetried {
            let r = before.threads[t.index]
            guard case .memory(let page) = decodeBuffer(r.rcvBuf) else { return nil }
            return Acting(thread: t, task: task, invocation: .memAccess(page: page, write: r.faultAccess == 4))
        }
        guard case .invoke(_, let inv) = self else { return nil }
        return Acting(thread: t, task: task, invocation: inv)
    }

    var isTick: Bool { if case .tick = self { return true } else { return false } }

    /// A tick that ended the running thread's quantum (not a teardown or a fault retry, which run instead).
    func isQuantumTick(_ result: StepResult) -> Bool {
        isTick && result.outcome != .faultRetried && result.outcome != .tornDown
    }
}

/// A capability as the kernel resolves it for an invocation (Spec's `lookup`).
struct ResolvedCap {
    var ref: ObjectRef
    var rights: CapRights
    var server: Bool
}

extension KernelState {
    /// Resolves a capability name the way an invocation by `thread` does.
    func resolve(_ name: CapName, by thread: ThreadID) -> ResolvedCap? {
        switch name {
        case .this:
            return ResolvedCap(ref: .thread(thread), rights: [.w, .s], server: false)
        case .slot(let s):
            let t = threads[thread.index].task
            guard t != absent, Int(t) < Capacity.tasks, tasks[Int(t)].life == .live else { return nil }
            let sl = slot(TaskID(Int(t)), s)
            guard let ref = sl.ref else { return nil }
            return ResolvedCap(ref: ref, rights: sl.rights, server: sl.server)
        }
    }

    /// A slot index argument (object argument) resolved in the caller's space.
    func resolveArgument(_ s: SlotIndex?, by thread: ThreadID) -> ResolvedCap? {
        guard let s else { return nil }
        return resolve(.slot(s), by: thread)
    }
}

extension Invocation {
    /// The message an IPC invocation sends, if any.
    var message: Message? {
        switch self {
        case .ipcSend(_, let m, _), .ipcCall(_, let m, _, _, _), .ipcReply(let m), .ipcReplyAndWait(let m, _, _): m
        default: nil
        }
    }

    /// The receive buffer the invocation opens for the acting thread.
    var buffer: ReceiveBuffer {
        switch self {
        case .ipcCall(_, _, _, _, let b), .ipcReceive(_, _, let b), .ipcWait(_, let b), .ipcReplyAndWait(_, _, let b): b
        case .memAccess(let p, _): .memory(p)
        default: .none
        }
    }
}

/// `ThreadRecord.rcvBuf` decoding (Spec's `ReceiveBuffer(encoded:)` is internal).
func decodeBuffer(_ raw: UInt8) -> ReceiveBuffer {
    if raw == absent { return .none }
    if raw & 0x40 != 0 { return .memory(PageIndex(Int(raw & 0x3F))) }
    return .object(SlotIndex(Int(raw)))
}

// MARK: - Text

extension CheckContext {
    func name(_ ref: ObjectRef) -> String { scenario.names.name(ref) }
    func taskName(_ t: Int) -> String { name(.task(TaskID(t))) }
    func threadName(_ t: Int) -> String { name(.thread(ThreadID(t))) }
    func domainName(_ d: Int?) -> String { d.map { facts.domainNames[$0] } ?? "(unattributed)" }
    /// A raw thread id field: the thread's name, or "none".
    func threadRef(_ raw: UInt8) -> String { raw == absent || Int(raw) >= Capacity.threads ? "none" : threadName(Int(raw)) }
    func slotName(_ task: Int, _ slot: Int) -> String { "\(taskName(task)) slot \(slot)" }
    func pageName(_ node: Int) -> String {
        let (t, p) = nodeOwner(node)
        return "\(taskName(t)) page \(p)"
    }
}

// MARK: - Queues

extension KernelState {
    /// The senders queued at thread `r` (raw sender encodings: thread id, or
    /// 0x80 | irq), walking the links with bound checks. `broken` reports a
    /// link to a non-existent entry or a chain longer than the model allows.
    func senderChain(at r: Int) -> (entries: [UInt8], broken: Bool) {
        var out: [UInt8] = []
        var cur = threads[r].queueHead
        while cur != absent {
            if out.count > Capacity.threads + Capacity.irqs { return (out, true) }
            if cur & 0x80 != 0 {
                let i = Int(cur & 0x7F)
                guard i < Capacity.irqs, irqs[i].life != .free else { return (out, true) }
                out.append(cur)
                cur = irqs[i].queueNext
            } else {
                let t = Int(cur)
                guard t < Capacity.threads, threads[t].life != .free else { return (out, true) }
                out.append(cur)
                cur = threads[t].queueNext
            }
        }
        return (out, false)
    }
}

// MARK: - Fast paths

/// Byte-wise equality of two values of a padding-free flat type (the state's
/// tables and records; Spec checks `size == stride` for every record).
@inline(__always) func sameBytes<T>(_ a: T, _ b: T) -> Bool {
    withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in x.elementsEqual(y) } }
}

extension KernelState {
    /// Whether some object went from free to in use or back between `self` and `after`.
    func lifecycleDiffers(from after: KernelState) -> Bool {
        for i in 0..<Capacity.tasks where (tasks[i].life == .free) != (after.tasks[i].life == .free) { return true }
        for i in 0..<Capacity.threads where (threads[i].life == .free) != (after.threads[i].life == .free) { return true }
        for i in 0..<Capacity.gates where (gates[i].life == .free) != (after.gates[i].life == .free) { return true }
        for i in 0..<Capacity.irqs where (irqs[i].life == .free) != (after.irqs[i].life == .free) { return true }
        for i in 0..<Capacity.factories where (factories[i].life == .free) != (after.factories[i].life == .free) { return true }
        return false
    }

    /// Whether a CPU's ready list and the priorities of its members are the same in `after`.
    func sameReadyList(_ c: Int, _ after: KernelState) -> Bool {
        guard ready[c] == after.ready[c] else { return false }
        for i in 0..<min(Int(ready[c].count), Capacity.threads) {
            let t = Int(ready[c].entries[i])
            if t < Capacity.threads && threads[t].prio != after.threads[t].prio { return false }
        }
        return true
    }
}
