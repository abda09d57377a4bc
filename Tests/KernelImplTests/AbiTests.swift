import Testing
import KernelImpl

/// Encodings of the binary interface (kernel-api §1, §4.1–§4.3) and
/// robustness against arbitrary register and UTCB words.
@Suite struct AbiTests {
    @Test func msgTag_fields() {
        let t = MsgTag(label: -11, words: 5, items: 2, flags: MsgTag.schedule)
        #expect(t.words == 5 && t.items == 2 && t.flags == MsgTag.schedule && t.label == -11 && !t.hasError)
        #expect(t.raw == (UInt64(bitPattern: -11) << 16) | 0x2000 | 2 << 6 | 5)
        #expect(MsgTag(raw: 0x8000).hasError)
    }

    @Test func fpage_fields() {
        let m = Fpage.memory(address: 0x1234_5678, order: 14, rights: 5)
        #expect(m.kind == .memory && m.order == 14 && m.rights == 5 && m.raw & ~0xFFF == 0x1234_5000)
        let o = Fpage.object(index: 7, order: 3, rights: 0xF)
        #expect(o.kind == .object && o.raw >> 12 == 7 && o.order == 3)
        #expect(Fpage.allSpaces.isAllSpaces && Fpage(raw: 0).isNil)
    }

    @Test func sendItemAndBufferWords() {
        #expect(SendItem.control(sendBase: 0x7000, grant: true, attributes: SendItem.noRefCount, compound: true) == 0x7000 | 0x10 | 0x8 | 0x2 | 0x1)
        #expect(RcvItem.singleCap(index: 5, localId: true) == 0x5000 | 0x8 | 0x2 | 0x4)
        #expect(BufferDescriptor.make(memory: 1, io: 2, object: 3) == 1 | 2 << 5 | 3 << 10)
        #expect(Abi.selector(3) | Abi.send | Abi.recv == 0x3003)
        #expect(Abi.timeouts(send: 0x400, receive: 0) == 0x400_0000)
    }

    @Test func utcbLayout_andBoundsCheckedAccess() {
        var u = Utcb()
        u[mr: 0] = 1
        u[mr: 62] = 2
        u[mr: 63] = 9                     // beyond MR62: ignored
        u.bdr = 3
        u[br: 0] = 4
        u[br: 57] = 5
        u[br: -1] = 9
        u.error = 6
        u[user: 2] = 7
        #expect(u.words.count == 128)
        #expect(u.words[0] == 1 && u.words[62] == 2 && u.words[63] == 0)
        #expect(u.words[64] == 3 && u.words[65] == 4 && u.words[122] == 5 && u.words[123] == 6 && u.words[127] == 7)
        #expect(u[mr: 100] == 0 && u[br: 58] == 0)
        #expect(Utcb(words: [1, 2]).words.count == 128)
    }

    /// Bad register and UTCB words never trap: each event returns an exit,
    /// and the kernel's bookkeeping stays consistent. Many short random walks
    /// from a populated boot state, so that most events find a running thread.
    @Test func arbitraryWords_neverTrap() throws {
        var rng = SplitMix(state: 0x5EED)
        var outcomes = Set<KernelOutcome>()
        for _ in 0..<90 {
            var k = try Self.fuzzWorld()
            for _ in 0..<80 {
                _ = Self.randomEvent(&k, &rng).map { outcomes.insert($0) }
                try Self.checkConsistency(k)
            }
        }
        // The walks reach the interesting results, not only errors.
        for o: KernelOutcome in [.success, .blocked, .ipcError(.enotExistent), .error(.ebadproto), .error(.einval)] {
            #expect(outcomes.contains(o))
        }
    }

    /// Two tasks, four started threads on two CPUs, a gate, an Irq, pages.
    static func fuzzWorld() throws -> Kernel {
        var w = try TwoTasks(cpus: 2)
        let c = try w.s.thread(in: w.A, prio: 3, cpu: 1, pager: Slot.b)
        let d = try w.s.thread(in: w.B, prio: 2, cpu: 1, pager: Slot.a)
        let g = try w.k.bootGate(quota: w.s.root, thread: w.b, label: 0x40)
        let i = try w.k.bootIrq(quota: w.s.root, thread: w.a, label: 1, line: 1)
        for task in [w.A, w.B] {
            try w.s.cap(ObjectID(.gate, g), in: task, at: 7)
            try w.s.cap(ObjectID(.irq, i), in: task, at: 8)
            try w.s.cap(ObjectID(.thread, c), in: task, at: 9)
            try w.s.cap(ObjectID(.thread, d), in: task, at: 10)
        }
        try w.s.cap(ObjectID(.factory, w.s.root), in: w.B, at: Slot.factory)
        try w.s.cap(.scheduler, in: w.B, at: Slot.scheduler)
        try w.s.cap(ObjectID(.task, w.A), in: w.B, at: Slot.other)
        try w.k.bootPage(task: w.A, page: 2, frame: 42, rights: Rights.memAll)
        try w.k.bootPage(task: w.B, page: 3, frame: 43, rights: Rights.memAll)
        return w.k
    }

    /// One random event; mostly invocations of small slots with plausible words.
    static func randomEvent(_ k: inout Kernel, _ rng: inout SplitMix) -> KernelOutcome? {
        let cpu = Int(rng.below(2))
        switch rng.below(12) {
        case 0: return k.tick(cpu: cpu).outcome
        case 1: return k.irqLine(Int(rng.below(3))).outcome
        case 2: return k.memoryAccess(cpu: cpu, address: rng.below(0x8000), write: rng.below(2) == 0).outcome
        default: break
        }
        let labels: [Int64] = [0, 1, Proto.task, Proto.thread, Proto.factory, Proto.kobject, Proto.irq, Proto.irqSender, Proto.scheduler]
        func small() -> UInt64 { rng.below(4) == 0 ? rng.next() : rng.below(12) << (rng.below(2) == 0 ? 12 : 0) | rng.below(0x40) }
        var u = Utcb()
        for r in 0..<8 { u[mr: r] = small() }
        for r in 0..<4 { u[br: r] = rng.below(3) == 0 ? small() : (rng.below(12) << 12) | 0x8 | rng.below(8) }
        u.bdr = rng.below(4) == 0 ? small() : 0
        let label = rng.below(8) == 0 ? Int64(bitPattern: rng.next()) >> 16 : labels[Int(rng.below(UInt64(labels.count)))]
        let tag = rng.below(8) == 0 ? rng.next() : MsgTag(label: label, words: Int(rng.below(8)), items: Int(rng.below(3))).raw
        let flags = [Abi.send, Abi.send | Abi.recv, Abi.recv, Abi.recv | Abi.openWait, Abi.reply | Abi.send, 0, rng.below(16)][Int(rng.below(7))]
        let target = rng.below(6) == 0 ? Abi.invalidCap | (rng.below(2) << 10) : rng.below(12) << 12
        let dest = rng.below(10) == 0 ? rng.next() : target | flags
        let timeouts = [0x0400_0400, 0x0400_0400, 0, rng.next() & 0xFFFF_FFFF][Int(rng.below(4))]
        return k.invoke(cpu: cpu, registers: Registers(destination: dest, tag: tag, label: rng.next(), timeouts: timeouts), utcb: u).outcome
    }

    /// Every capability names a live object; ready order lists only ready threads;
    /// a queued sender is in the state that says so.
    static func checkConsistency(_ k: Kernel) throws {
        for t in k.objects(.task) {
            for c in k.capTable(task: t) { #expect(k.lifetime(of: c.object) == .live) }
        }
        for cpu in 0..<k.config.cpus {
            for t in k.readyQueue(cpu: cpu).order { #expect(k.thread(t).state == .ready) }
        }
        for t in k.objects(.thread) {
            for s in k.thread(t).senders {
                if case .thread(let x) = s { #expect(k.thread(x).state == .sending(to: t)) }
            }
        }
        for m in k.mappings() {
            if let p = m.parent { #expect(k.mappings().contains { $0.node == p }) }
        }
    }
}
