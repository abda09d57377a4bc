import Spec

/// Random events over a scenario's bounded argument domain (DESIGN §3 `any`):
/// every invocation kind with small arguments, timer ticks and IRQ lines.
/// Used by `bench step`, the random-walk tests and, later, refinement walks.
public struct RandomEvents: Sendable {
    public var slots: Int
    public var pages: Int
    public var cpus: Int
    public var words: [UInt16]
    public var labels: [UInt16]

    public init(slots: Int, pages: Int, cpus: Int, words: [UInt16] = [0, 1, 7], labels: [UInt16] = [0, 4, 8]) {
        self.slots = max(slots, 1)
        self.pages = max(pages, 1)
        self.cpus = max(cpus, 1)
        self.words = words.isEmpty ? [0] : words
        self.labels = labels.isEmpty ? [0] : labels
    }

    /// A guided event: capabilities are drawn from the slots the acting
    /// thread's task actually holds, so most events reach a rule's body instead
    /// of failing the lookup.
    public func next<G: RandomNumberGenerator>(in state: KernelState, using g: inout G) -> Event {
        let event = next(using: &g)
        guard case .invoke(let cpu, _) = event, let t = state.current(on: cpu) else { return event }
        let task = state.thread(t).task
        guard task != 0xFF else { return event }
        let held = (0..<slots).filter { !state.slot(TaskID(Int(task)), SlotIndex($0)).isEmpty }
        guard !held.isEmpty else { return event }
        var guided = self
        guided.heldSlots = held
        return .invoke(cpu: cpu, guided.invocation(using: &g))
    }

    /// When set, slot arguments are drawn from these (see `next(in:using:)`).
    var heldSlots: [Int] = []

    public func next<G: RandomNumberGenerator>(using g: inout G) -> Event {
        let cpu = CPU(Int.random(in: 0..<cpus, using: &g))
        switch Int.random(in: 0..<20, using: &g) {
        case 0: return .tick(cpu: cpu)
        case 1: return .irqLine(UInt8.random(in: 0...3, using: &g))
        default: return .invoke(cpu: cpu, invocation(using: &g))
        }
    }

    func invocation<G: RandomNumberGenerator>(using g: inout G) -> Invocation {
        let cap = capName(using: &g)
        switch Int.random(in: 0..<24, using: &g) {
        case 0, 1: return .ipcSend(cap: cap, message(using: &g), timeout: timeout(using: &g))
        case 2, 3: return .ipcCall(cap: cap, message(using: &g), send: timeout(using: &g), receive: timeout(using: &g), buffer: buffer(using: &g))
        case 4: return .ipcReceive(cap: cap, timeout: timeout(using: &g), buffer: buffer(using: &g))
        case 5, 6: return .ipcWait(timeout: timeout(using: &g), buffer: buffer(using: &g))
        case 7: return .ipcReply(message(using: &g))
        case 8: return .ipcReplyAndWait(message(using: &g), timeout: timeout(using: &g), buffer: buffer(using: &g))
        case 9: return .ipcSleep(timeout: .zero)
        case 10: return .taskMap(dst: cap, src: capName(using: &g), item: item(using: &g), order: 0, sndBase: UInt8(slot(using: &g).raw))
        case 11:
            let space: SendItem.Space = Bool.random(using: &g) ? .object : .memory
            return .taskUnmap(task: cap, space: space, index: UInt8(slot(using: &g).raw), order: 0,
                              rights: UInt8.random(in: 1...15, using: &g), scope: Bool.random(using: &g) ? .allSpaces : .otherSpaces,
                              delete: Bool.random(using: &g))
        case 12: return .taskCapValid(task: cap, cap: capName(using: &g))
        case 13: return .taskCapEqual(task: cap, a: capName(using: &g), b: capName(using: &g))
        case 14: return .factoryCreate(factory: cap, kind: createKind(using: &g), slot: slot(using: &g))
        case 15: return .threadControl(thread: cap, pager: optionalSlot(using: &g), excHandler: nil, bindTask: optionalSlot(using: &g))
        case 16: return .threadExRegs(thread: cap, cancel: Bool.random(using: &g))
        case 17: return .schedulerRunThread(scheduler: cap, thread: slot(using: &g), prio: UInt8.random(in: 0...3, using: &g), cpu: UInt8.random(in: 0..<UInt8(cpus + 1), using: &g))
        case 18: return .gateBindThread(gate: cap, thread: slot(using: &g), label: labels.randomElement(using: &g) ?? 0)
        case 19: return .irqBind(irq: cap, thread: slot(using: &g), label: labels.randomElement(using: &g) ?? 0)
        case 20: return Bool.random(using: &g) ? .irqTrigger(irq: cap) : .irqDetach(irq: cap)
        case 21: return Bool.random(using: &g) ? .irqUnmask(irq: cap) : .irqReceive(irq: cap, timeout: timeout(using: &g))
        default: return .memAccess(page: PageIndex(Int.random(in: 0..<pages, using: &g)), write: Bool.random(using: &g))
        }
    }

    func slot<G: RandomNumberGenerator>(using g: inout G) -> SlotIndex {
        if let s = heldSlots.randomElement(using: &g), Int.random(in: 0..<8, using: &g) != 0 { return SlotIndex(s) }
        return SlotIndex(Int.random(in: 0..<slots, using: &g))
    }
    func optionalSlot<G: RandomNumberGenerator>(using g: inout G) -> SlotIndex? { Bool.random(using: &g) ? slot(using: &g) : nil }
    func capName<G: RandomNumberGenerator>(using g: inout G) -> CapName { Int.random(in: 0..<8, using: &g) == 0 ? .this : .slot(slot(using: &g)) }
    func timeout<G: RandomNumberGenerator>(using g: inout G) -> Timeout { Int.random(in: 0..<4, using: &g) == 0 ? .zero : .never }

    func message<G: RandomNumberGenerator>(using g: inout G) -> Message {
        let n = Int.random(in: 0...Capacity.words, using: &g)
        let w = (0..<n).map { _ in words.randomElement(using: &g) ?? 0 }
        return Message(words: w, label: labels.randomElement(using: &g) ?? 0, item: Int.random(in: 0..<3, using: &g) == 0 ? item(using: &g) : nil)
    }

    func item<G: RandomNumberGenerator>(using g: inout G) -> SendItem {
        if Bool.random(using: &g) {
            return SendItem(space: .object, index: slot(using: &g).index, rights: UInt8.random(in: 1...15, using: &g),
                            grant: Int.random(in: 0..<4, using: &g) == 0, server: Bool.random(using: &g), weak: Int.random(in: 0..<4, using: &g) == 0)
        }
        return SendItem(space: .memory, index: Int.random(in: 0..<pages, using: &g), rights: UInt8.random(in: 1...7, using: &g), grant: Int.random(in: 0..<4, using: &g) == 0)
    }

    func buffer<G: RandomNumberGenerator>(using g: inout G) -> ReceiveBuffer {
        switch Int.random(in: 0..<3, using: &g) {
        case 0: .none
        case 1: .object(slot(using: &g))
        default: .memory(PageIndex(Int.random(in: 0..<pages, using: &g)))
        }
    }

    func createKind<G: RandomNumberGenerator>(using g: inout G) -> CreateKind {
        switch Int.random(in: 0..<5, using: &g) {
        case 0: .task
        case 1: .thread
        case 2: .gate(label: labels.randomElement(using: &g) ?? 0, thread: Bool.random(using: &g) ? slot(using: &g) : nil)
        case 3: .irq
        default: .factory(limit: UInt16.random(in: 0...8, using: &g))
        }
    }
}
