import Testing
import KernelImpl

/// Timeouts (kernel-api §1 encoding, §6.2/§6.3 expiry): zero, never,
/// relative and absolute; expiry on the home CPU's timer tick.
@Suite struct TimeoutTests {
    static let ms2: UInt16 = Timeouts.relative(mantissa: 1, exponent: 11)     // 2048 µs

    @Test func relativeReceiveTimeout_expiresOnATick() throws {
        var w = try TwoTasks()
        #expect(w.k.wait(Msg(receive: Self.ms2)).outcome == .blocked)       // b
        #expect(w.k.thread(w.b).deadline == 2048)
        _ = w.k.tick(cpu: 0)
        _ = w.k.tick(cpu: 0)
        #expect(w.k.state(w.b) == .receiving(from: nil))
        _ = w.k.tick(cpu: 0)                                                 // clock 3000
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.retimeout))
        #expect(w.k.state(w.b) == .ready)
        #expect(w.k.clockMicros == 3000)
    }

    @Test func relativeSendTimeout_dequeuesTheSender() throws {
        var w = try TwoTasks()
        _ = w.k.sleep(Timeouts.never)                                         // b: not receiving
        #expect(w.k.send(Slot.b, Msg(send: Self.ms2)).outcome == .blocked)   // a queues
        for _ in 0..<3 { _ = w.k.tick(cpu: 0) }
        #expect(w.k.thread(w.a).lastOutcome == .ipcError(.setimeout))
        #expect(w.k.thread(w.b).senders == [])
    }

    @Test func absoluteTimeout_readsTheDeadlineFromABufferRegister() throws {
        var w = try TwoTasks()
        var buffers = [UInt64](repeating: 0, count: 4)
        buffers[3] = 1500
        #expect(w.k.wait(Msg(receive: 0x8003, buffers: buffers)).outcome == .blocked)
        #expect(w.k.thread(w.b).deadline == 1500)
        _ = w.k.tick(cpu: 0)
        #expect(w.k.state(w.b) == .receiving(from: nil))
        _ = w.k.tick(cpu: 0)
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.retimeout))
    }

    @Test func anyMantissaZeroEncoding_isAnExpiredTimeout() throws {
        var w = try TwoTasks()
        #expect(w.k.wait(Msg(receive: 0x0800)).outcome == .ipcError(.retimeout))
        #expect(w.k.wait(Msg(receive: 0x8000 | 2)).outcome == .ipcError(.retimeout))   // absolute deadline 0: past
    }

    @Test func gateWait_timesOutWithTheSendTimeout() throws {
        var w = try TwoTasks()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.B, at: 9)
        #expect(w.k.call(9, Msg(send: Self.ms2)).outcome == .blocked)
        for _ in 0..<3 { _ = w.k.tick(cpu: 0) }
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.setimeout))
        #expect(w.k.gateView(g)?.waiters == [])
    }

    @Test func callReceiveTimeout_clearsTheCalleesReplySlot() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        try w.s.cap(ObjectID(.thread, w.a), in: w.B, at: 9)
        _ = w.k.wait()                                                        // a
        #expect(w.k.call(9, Msg(receive: Self.ms2)).outcome == .blocked)     // b, delivered; a runs
        #expect(w.k.thread(w.a).replyTo == w.b)
        _ = w.k.sleep(Timeouts.never)                                         // a
        for _ in 0..<3 { _ = w.k.tick(cpu: 0) }
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.retimeout))
        #expect(w.k.thread(w.a).replyTo == nil)
    }

    @Test func timeoutsFireOnlyOnTheHomeCpu() throws {
        var w = try TwoTasks(cpus: 2)
        _ = w.k.wait(Msg(receive: Self.ms2))                                  // b on CPU 0
        for _ in 0..<3 { _ = w.k.tick(cpu: 1) }
        #expect(w.k.state(w.b) == .receiving(from: nil))
        _ = w.k.tick(cpu: 0)
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.retimeout))
    }
}
