import Testing
@testable import Spec

/// A small system assembled through the public boot API (KernelState+Boot.swift).
/// Every builder call must succeed; a failure is a mistake in the test itself.
struct SystemBuilder {
    var state: KernelState
    /// The root factory (unlimited quota).
    let root: FactoryID

    init(slots: Int = 8, pages: Int = 4, cpus: Int = 1) {
        state = KernelState(config: Config(slotBound: slots, pageBound: pages, cpuCount: cpus))
        guard let f = state.bootFactory(limit: nil, parent: nil) else { preconditionFailure("root factory") }
        root = f
    }

    mutating func factory(limit: UInt16, parent: FactoryID? = nil) -> FactoryID {
        guard let f = state.bootFactory(limit: limit, parent: parent ?? root) else { preconditionFailure("factory") }
        return f
    }

    mutating func task(quota: FactoryID? = nil) -> TaskID {
        guard let t = state.bootTask(quota: quota ?? root) else { preconditionFailure("task") }
        return t
    }

    /// A thread bound to `task`; started threads are ready on `cpu`.
    mutating func thread(in task: TaskID?, prio: UInt8 = 1, cpu: Int? = 0, pager: Int? = nil, started: Bool = true, quota: FactoryID? = nil) -> ThreadID {
        guard let t = state.bootThread(quota: quota ?? root, task: task, prio: prio, cpu: cpu.map(CPU.init), pager: pager.map(SlotIndex.init), started: started) else {
            preconditionFailure("thread")
        }
        return t
    }

    mutating func gate(thread: ThreadID? = nil, label: UInt16 = 0, quota: FactoryID? = nil) -> GateID {
        guard let g = state.bootGate(quota: quota ?? root, thread: thread, label: label) else { preconditionFailure("gate") }
        return g
    }

    mutating func irq(thread: ThreadID? = nil, label: UInt16 = 0, line: UInt8? = nil, quota: FactoryID? = nil) -> IrqID {
        guard let i = state.bootIrq(quota: quota ?? root, thread: thread, label: label, line: line) else { preconditionFailure("irq") }
        return i
    }

    /// Puts a capability into an empty slot.
    mutating func cap(_ ref: ObjectRef, in task: TaskID, at slot: Int, rights: CapRights = .all, server: Bool = false, weak: Bool = false) {
        guard state.bootCap(ref, task: task, slot: SlotIndex(slot), rights: rights, server: server, weak: weak) else { preconditionFailure("cap \(ref) at \(task):\(slot)") }
    }

    /// Maps a page from sigma0 (`from == nil`) or derived from another mapping.
    mutating func page(_ task: TaskID, _ page: Int, frame: Int, rights: MemRights = .all, from: (TaskID, Int)? = nil) {
        guard state.bootPage(task: task, page: PageIndex(page), frame: FrameID(frame), rights: rights, from: from.map { ($0.0, PageIndex($0.1)) }) else {
            preconditionFailure("page \(task):\(page)")
        }
    }
}

// MARK: - Running invocations

extension KernelState {
    /// Runs `inv` as the current thread of `cpu` and returns what it got back.
    @discardableResult
    mutating func invoke(_ inv: Invocation, cpu: Int = 0) -> Outcome {
        apply(.invoke(cpu: CPU(cpu), inv)).outcome
    }

    /// Runs `inv` as `thread`, which must be the current thread of `cpu`.
    @discardableResult
    mutating func invoke(as thread: ThreadID, _ inv: Invocation, cpu: Int = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        #expect(current(on: CPU(cpu)) == thread, "expected \(thread) to run on cpu\(cpu), but \(current(on: CPU(cpu)).map(String.init(describing:)) ?? "nobody") does", sourceLocation: sourceLocation)
        let r = apply(.invoke(cpu: CPU(cpu), inv))
        #expect(r.actor == thread, sourceLocation: sourceLocation)
        return r.outcome
    }

    @discardableResult
    mutating func tick(cpu: Int = 0) -> Outcome { apply(.tick(cpu: CPU(cpu))).outcome }

    /// The slot of a task as seen by the rules.
    func slot(_ task: TaskID, _ s: Int) -> Slot { slot(task, SlotIndex(s)) }
    func page(_ task: TaskID, _ p: Int) -> PageEntry { page(task, PageIndex(p)) }
    func ready(_ cpu: Int = 0) -> [ThreadID] { readyThreads(CPU(cpu)) }
}

/// Asserts that the state satisfies every well-formedness clause.
func expectWellFormed(_ state: KernelState, sourceLocation: SourceLocation = #_sourceLocation) {
    let v = state.wellFormed()
    #expect(v.isEmpty, "\(v)", sourceLocation: sourceLocation)
}

// MARK: - Argument shorthands

extension CapName {
    static func s(_ i: Int) -> CapName { .slot(SlotIndex(i)) }
}

extension SendItem {
    /// An object flexpage of one slot with `rights` (R is added unless `noR`).
    static func obj(_ slot: Int, _ rights: CapRights = .all, grant: Bool = false, server: Bool = false, weak: Bool = false) -> SendItem {
        SendItem(space: .object, index: slot, rights: rights.rawValue, grant: grant, server: server, weak: weak)
    }
    static func mem(_ page: Int, _ rights: MemRights = .all, grant: Bool = false) -> SendItem {
        SendItem(space: .memory, index: page, rights: rights.rawValue, grant: grant)
    }
}

extension Invocation {
    static func send(_ cap: CapName, _ words: [UInt16] = [], label: UInt16 = 0, item: SendItem? = nil, timeout: Timeout = .never) -> Invocation {
        .ipcSend(cap: cap, Message(words: words, label: label, item: item), timeout: timeout)
    }
    static func call(_ cap: CapName, _ words: [UInt16] = [], label: UInt16 = 0, item: SendItem? = nil, send: Timeout = .never, receive: Timeout = .never, buffer: ReceiveBuffer = .none) -> Invocation {
        .ipcCall(cap: cap, Message(words: words, label: label, item: item), send: send, receive: receive, buffer: buffer)
    }
    static func wait(_ timeout: Timeout = .never, buffer: ReceiveBuffer = .none) -> Invocation {
        .ipcWait(timeout: timeout, buffer: buffer)
    }
    static func reply(_ words: [UInt16] = [], label: UInt16 = 0, item: SendItem? = nil) -> Invocation {
        .ipcReply(Message(words: words, label: label, item: item))
    }
    /// `l4_task_map(dst, src, fpage)` with order 0 and the destination index as send base.
    static func map(dst: Int, src: Int, _ item: SendItem, to base: Int) -> Invocation {
        .taskMap(dst: .s(dst), src: .s(src), item: item, order: 0, sndBase: UInt8(base))
    }
    static func unmapObj(task: Int, _ slot: Int, rights: CapRights = .all, scope: UnmapScope = .allSpaces, delete: Bool = false) -> Invocation {
        .taskUnmap(task: .s(task), space: .object, index: UInt8(slot), order: 0, rights: rights.rawValue, scope: scope, delete: delete)
    }
    static func unmapMem(task: Int, _ page: Int, rights: MemRights = .all, scope: UnmapScope = .otherSpaces) -> Invocation {
        .taskUnmap(task: .s(task), space: .memory, index: UInt8(page), order: 0, rights: rights.rawValue, scope: scope, delete: false)
    }
    static func create(_ kind: CreateKind, factory: Int, into slot: Int?) -> Invocation {
        .factoryCreate(factory: .s(factory), kind: kind, slot: slot.map(SlotIndex.init))
    }
}

/// Element-wise equality of two fixed-size tables.
func equalTables<let n: Int, T: Equatable>(_ a: InlineArray<n, T>, _ b: InlineArray<n, T>) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}

extension KernelState {
    /// Adds a capability to a live state (as at boot); the slot must be empty.
    mutating func give(_ ref: ObjectRef, to task: TaskID, at slot: Int, rights: CapRights = .all, server: Bool = false, weak: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let placed = bootCap(ref, task: task, slot: SlotIndex(slot), rights: rights, server: server, weak: weak)
        #expect(placed, "could not place \(ref) at \(task):\(slot)", sourceLocation: sourceLocation)
    }
}
