import Testing
import KernelImpl

/// Page-fault IPC to the pager (kernel-api §6.6).
@Suite struct PageFaultTests {
    /// Pager p (prio 3, task A with page 2 → frame 42) and faulter f (prio 2,
    /// task B, pager index 7). B slot 7 holds `pagerCap` (default: p).
    struct World {
        var s: TestSystem
        let A: Int, B: Int, p: Int, f: Int
        var k: Kernel {
            get { s.k }
            set { s.k = newValue }
        }
    }

    static func world(pagerIsGate: Bool = false, pagerStarted: Bool = true) throws -> World {
        var s = try TestSystem()
        let A = try s.task(), B = try s.task()
        let p = try s.thread(in: A, prio: 3, started: pagerStarted)
        let f = try s.thread(in: B, prio: 2, pager: 7)
        try s.k.bootPage(task: A, page: 2, frame: 42, rights: Rights.memAll)
        if pagerIsGate {
            let g = try s.k.bootGate(quota: s.root, thread: p, label: 0x80)
            try s.cap(ObjectID(.gate, g), in: B, at: 7, rights: Rights.r | Rights.w, server: false)
        } else {
            try s.cap(ObjectID(.thread, p), in: B, at: 7)
        }
        try s.cap(ObjectID(.thread, f), in: A, at: 3)
        return World(s: s, A: A, B: B, p: p, f: f)
    }

    static let mapPage2At5 = (SendItem.control(sendBase: 0x5000), Fpage.memory(address: 2 << 12, order: 12, rights: 7).raw)

    /// p waits; f writes MR0/MR1 = 111/222 (a zero-timeout sleep), then faults on 0x5000.
    static func fault(_ w: inout World, write: Bool = true) {
        if w.k.currentThread(cpu: 0) == w.p { _ = w.k.wait() }
        _ = w.k.sys(Abi.invalidCap, Abi.recv, Msg(words: [111, 222], receive: Timeouts.zero))
        _ = w.k.memoryAccess(cpu: 0, address: 0x5000, write: write)
    }

    @Test func mappedAccess_needsNoIpc() throws {
        var w = try Self.world()
        _ = w.k.sleep(Timeouts.never)                                  // p
        try w.k.bootPage(task: w.B, page: 1, frame: 9, rights: Rights.memR)
        #expect(w.k.memoryAccess(cpu: 0, address: 0x1000, write: false) == Exit(.success, thread: w.f))
        #expect(w.k.thread(w.f).lastOutcome == .success)
    }

    @Test func fault_callsThePager_withAddressAndAccessBits() throws {
        var w = try Self.world()
        Self.fault(&w)
        #expect(w.k.state(w.f) == .receiving(from: .thread(w.p)))
        #expect(w.k.thread(w.f).pending == .pageFault)
        #expect(w.k.tag(w.p) == MsgTag(label: Proto.pageFault, words: 2))
        #expect(w.k.mr(w.p, 0) == 0x5000 | Kernel.pageFaultWriteBit)
        #expect(w.k.mr(w.p, 1) == 0)                                     // the faulting IP
        #expect(w.k.regs(w.p).label == 0)                                 // through a thread cap: label 0
        #expect(w.k.thread(w.p).replyTo == w.f)
    }

    @Test func pagerReply_mapsAtTheHotSpot_restoresTheUtcb_andTheAccessIsRetried() throws {
        var w = try Self.world()
        Self.fault(&w)
        let userTag = w.k.regs(w.f).tag
        #expect(w.k.replyAndWait(Msg(items: [Self.mapPage2At5])).outcome == .blocked)
        #expect(w.k.mapping(task: w.B, page: 5)?.frame == 42)
        let v = w.k.thread(w.f)
        #expect(v.state == .ready && v.retry == FaultView(address: 0x5000, write: true))
        #expect(v.utcb[mr: 0] == 111 && v.utcb[mr: 1] == 222 && v.utcb[br: 1] == 0)
        #expect(v.registers.tag == userTag)                               // the fault IPC has its own frame
        #expect(w.k.tick(cpu: 0) == Exit(.faultRetried, thread: w.f))
        #expect(w.k.thread(w.f).retry == nil)
        #expect(w.k.thread(w.f).lastOutcome == .success)
    }

    @Test func fault_throughAGatePager_carriesTheGateLabel() throws {
        var w = try Self.world(pagerIsGate: true)
        Self.fault(&w, write: false)
        #expect(w.k.regs(w.p).label == 0x81)
        #expect(w.k.mr(w.p, 0) == 0x5000)
    }

    @Test func noPager_killsTheThread() throws {
        var s = try TestSystem()
        let T = try s.task()
        let t = try s.thread(in: T, prio: 1)
        #expect(s.k.memoryAccess(cpu: 0, address: 0x3000, write: false) == Exit(.killed, thread: t))
        #expect(s.k.state(t) == .dead && s.k.thread(t).task == nil)
        #expect(s.k.thread(t).lastOutcome == .killed)
    }

    @Test func deadPager_leavesTheFaultUnresolved_threadBlocksOnItself() throws {
        var w = try Self.world(pagerStarted: false)
        Self.fault(&w)
        #expect(w.k.state(w.f) == .receiving(from: .thread(w.f)))
        #expect(w.k.thread(w.f).utcb[mr: 0] == 111)
        #expect(w.k.thread(w.f).retry == nil)
    }

    @Test func pagerRejectingWithMinusOne_leavesTheFaultUnresolved() throws {
        var w = try Self.world()
        Self.fault(&w)
        _ = w.k.replyAndWait(Msg(words: [UInt64.max]))
        #expect(w.k.state(w.f) == .receiving(from: .thread(w.f)))
        #expect(w.k.thread(w.f).retry == nil)
    }

    @Test func canceledFaultIpc_countsAsHandled_andFaultsAgain() throws {
        var w = try Self.world()
        _ = w.k.sleep(Timeouts.never)                                    // p sleeps: the fault IPC queues
        _ = w.k.memoryAccess(cpu: 0, address: 0x5000, write: false)
        #expect(w.k.state(w.f) == .sending(to: w.p))
        _ = try w.s.thread(in: w.A, prio: 1)                             // c cancels f
        #expect(w.k.exRegs(3, flags: Kernel.ExRegs.cancel).outcome == .success)
        #expect(w.k.thread(w.f).lastOutcome == .ipcError(.secanceled))
        #expect(w.k.thread(w.f).retry == FaultView(address: 0x5000, write: false))
        #expect(w.k.tick(cpu: 0).outcome == .faultRetried)              // f runs: faults again
        #expect(w.k.state(w.f) == .sending(to: w.p))
    }
}
