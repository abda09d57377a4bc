import Testing
@testable import Spec

/// IPC gates (Gate.swift; kernel-api §3.3, §6.7).
@Suite struct GateTests {
    /// Server task B with thread `server` (booted first), client task A with
    /// thread `client`. Gate g (label 0x40) bound to the server unless `unbound`.
    /// A: 0 = A, 1 = g (`clientRights`, plain view). B: 0 = B, 1 = g (all, server
    /// view), 2 = server thread, 3 = client thread.
    struct World {
        var s: KernelState
        let A: TaskID, B: TaskID
        let client: ThreadID, server: ThreadID
        let g: GateID
    }

    static func world(unbound: Bool = false, clientRights: CapRights = .all, serverPrio: UInt8 = 1, clientPrio: UInt8 = 1) -> World {
        var sb = SystemBuilder()
        let A = sb.task(), B = sb.task()
        let server = sb.thread(in: B, prio: serverPrio)
        let client = sb.thread(in: A, prio: clientPrio)
        let g = sb.gate(thread: unbound ? nil : server, label: unbound ? 0 : 0x40)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.gate(g), in: A, at: 1, rights: clientRights)
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.gate(g), in: B, at: 1, server: true)
        sb.cap(.thread(server), in: B, at: 2)
        sb.cap(.thread(client), in: B, at: 3)
        return World(s: sb.state, A: A, B: B, client: client, server: server, g: g)
    }

    // MARK: - Forwarding (kernel-api §3.3, §6.7)

    @Test(arguments: [
        (CapRights.all, UInt16(0x43)),
        (CapRights([.r, .w]), UInt16(0x41)),
        (CapRights([.r, .s]), UInt16(0x42)),
        (CapRights([.r]), UInt16(0x40)),
    ])
    func gateSend_labelIsGateLabelOrWS(rights: CapRights, label: UInt16) {
        var w = Self.world(clientRights: rights)
        #expect(w.s.invoke(as: w.server, .wait()) == .blocked)
        // The sender's own label is ignored.
        #expect(w.s.invoke(as: w.client, .send(.s(1), [8], label: 0x1234)) == .success)
        #expect(w.s.thread(w.server).rcvLabel == label)
        #expect(w.s.receivedWords(w.server) == [8])
        expectWellFormed(w.s)
    }

    @Test func gateCall_createsReplyCap_replyCompletes() {
        var w = Self.world(clientRights: [.r, .w])
        _ = w.s.invoke(as: w.server, .wait())
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1])) == .blocked)
        #expect(w.s.thread(w.client).partner == w.server.raw)   // closed wait on the bound thread
        #expect(w.s.thread(w.server).replyTo == w.client.raw)
        #expect(w.s.thread(w.server).rcvLabel == 0x41)
        #expect(w.s.invoke(as: w.server, .reply([2])) == .success)
        #expect(w.s.lastResult(w.client) == .success)
        #expect(w.s.receivedWords(w.client) == [2])
        expectWellFormed(w.s)
    }

    @Test func gateItem_SIsMaskedByTheGateCap() {
        var w = Self.world(clientRights: [.r, .w])
        _ = w.s.invoke(as: w.server, .wait(buffer: .object(SlotIndex(5))))
        #expect(w.s.invoke(as: w.client, .send(.s(1), item: .obj(0, .all))) == .success)
        #expect(w.s.slot(w.B, 5).ref == .task(w.A))
        #expect(w.s.slot(w.B, 5).rights == [.r, .w, .d])
        expectWellFormed(w.s)
    }

    @Test func receiveThroughGate_isAClosedWaitOnTheBoundThread() {
        var w = Self.world(serverPrio: 1, clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .ipcReceive(cap: .s(1), timeout: .never, buffer: .none)) == .blocked)
        #expect(w.s.thread(w.client).state == .receiving)
        #expect(w.s.thread(w.client).partner == w.server.raw)
        #expect(w.s.invoke(as: w.server, .send(.s(3), [6], timeout: .zero)) == .success)
        #expect(w.s.receivedWords(w.client) == [6])
        expectWellFormed(w.s)
    }

    // MARK: - Unbound gates (kernel-api §3.3)

    @Test func sendToUnboundGate_blocks_completesAfterBindThread() {
        var w = Self.world(unbound: true, clientRights: [.r, .w], serverPrio: 1, clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .send(.s(1), [5])) == .blocked)
        #expect(w.s.thread(w.client).state == .onGate)
        #expect(w.s.thread(w.client).partner == w.g.raw)
        #expect(w.s.gate(w.g).waitHead == w.client.raw)
        expectWellFormed(w.s)
        // The server binds the gate: the client's IPC re-runs against it and queues there.
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(2), label: 0x80)) == .success)
        #expect(w.s.gate(w.g).thread == w.server.raw)
        #expect(w.s.gate(w.g).waitHead == 0xFF)
        #expect(w.s.thread(w.client).state == .sending)
        #expect(w.s.senderQueue(w.server) == [.thread(w.client)])
        expectWellFormed(w.s)
        #expect(w.s.invoke(as: w.server, .wait()) == .success)
        #expect(w.s.receivedWords(w.server) == [5])
        #expect(w.s.thread(w.server).rcvLabel == 0x81)              // the new label | W
        #expect(w.s.lastResult(w.client) == .success)
        expectWellFormed(w.s)
    }

    @Test func callToUnboundGate_deliveredAtOnceWhenTheBoundThreadWaits() {
        // A third thread binds the gate while the server is in open wait.
        var w = Self.world(unbound: true, serverPrio: 3, clientPrio: 2)
        let binder = w.s.bootThread(quota: FactoryID(0), task: w.B, prio: 1, cpu: CPU(0), pager: nil, started: true)!
        #expect(w.s.invoke(as: w.server, .wait()) == .blocked)
        #expect(w.s.invoke(as: w.client, .call(.s(1), [3])) == .blocked)
        #expect(w.s.thread(w.client).state == .onGate)
        #expect(w.s.invoke(as: binder, .gateBindThread(gate: .s(1), thread: SlotIndex(2), label: 0x40)) == .success)
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.receivedWords(w.server) == [3])
        #expect(w.s.thread(w.server).rcvLabel == 0x43)
        #expect(w.s.thread(w.server).replyTo == w.client.raw)
        #expect(w.s.thread(w.client).state == .receiving)
        #expect(w.s.ready() == [w.server, binder])
        expectWellFormed(w.s)
    }

    @Test func zeroTimeout_onUnboundGate_isSETIMEOUT() {
        var w = Self.world(unbound: true, clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .send(.s(1), [5], timeout: .zero)) == .ipc(.setimeout))
        #expect(w.s.invoke(as: w.client, .call(.s(1), [5], send: .zero)) == .ipc(.setimeout))
        #expect(w.s.invoke(as: w.client, .ipcReceive(cap: .s(1), timeout: .zero, buffer: .none)) == .ipc(.setimeout))
        #expect(w.s.gate(w.g).waitHead == 0xFF)
        #expect(w.s.thread(w.client).state == .ready)
        expectWellFormed(w.s)
    }

    @Test func gateBoundToADeletedThread_isNotExistent() {
        var w = Self.world(clientPrio: 2)
        let used = w.s.factory(FactoryID(0)).used
        #expect(w.s.invoke(as: w.client, .ipcSleep(timeout: .never)) == .blocked)
        // B holds the only cap to the server, with D: the server deletes itself.
        #expect(w.s.invoke(as: w.server, .unmapObj(task: 0, 2, delete: true)) == .success)
        #expect(w.s.thread(w.server).isDying)
        #expect(w.s.apply(.tick(cpu: CPU(0))) == StepResult(.tornDown, actor: w.server))
        // The gate keeps the torn-down thread alive (and charged).
        #expect(w.s.thread(w.server).life == .zombie)
        #expect(w.s.thread(w.server).state == .dead)
        #expect(w.s.factory(FactoryID(0)).used == used)
        expectWellFormed(w.s)
        // The client sleeps for good; a fresh thread of A tries the gate.
        let other = w.s.bootThread(quota: FactoryID(0), task: w.A, prio: 1, cpu: CPU(0), pager: nil, started: true)!
        #expect(w.s.invoke(as: other, .send(.s(1), [1])) == .ipc(.enotExistent))
        #expect(w.s.invoke(as: other, .call(.s(1), [1])) == .ipc(.enotExistent))
        expectWellFormed(w.s)
        // Deleting the gate drops the last reference: the thread is freed and refunded.
        #expect(w.s.invoke(as: other, .unmapObj(task: 0, 1, delete: true)) == .success)
        #expect(w.s.gate(w.g).life == .free)
        #expect(w.s.thread(w.server).life == .free)
        expectWellFormed(w.s)
    }

    @Test func gateDeletion_releasesBlockedSendersWithNotExistent() {
        var w = Self.world(unbound: true, clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .call(.s(1), [5])) == .blocked)
        #expect(w.s.thread(w.client).state == .onGate)
        #expect(w.s.invoke(as: w.server, .unmapObj(task: 0, 1, delete: true)) == .success)
        #expect(w.s.gate(w.g).life == .free)
        #expect(w.s.lastResult(w.client) == .ipc(.enotExistent))
        #expect(w.s.thread(w.client).state == .ready)
        #expect(w.s.slot(w.A, 1).isEmpty)
        #expect(w.s.ready() == [w.client, w.server])
        expectWellFormed(w.s)
    }

    @Test func gateDeletion_keepsMessagesQueuedAtTheThread() {
        var w = Self.world(clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .send(.s(1), [5])) == .blocked)
        #expect(w.s.invoke(as: w.server, .unmapObj(task: 0, 1, delete: true)) == .success)
        #expect(w.s.senderQueue(w.server) == [.thread(w.client)])
        #expect(w.s.invoke(as: w.server, .wait()) == .success)
        #expect(w.s.thread(w.server).rcvLabel == 0x43)        // the old label
        expectWellFormed(w.s)
    }

    @Test func exRegsCancel_ofAThreadBlockedOnAGate_isSECANCELED() {
        var w = Self.world(unbound: true, clientPrio: 2)
        _ = w.s.invoke(as: w.client, .send(.s(1), [5]))
        #expect(w.s.invoke(as: w.server, .threadExRegs(thread: .s(3), cancel: true)) == .success)
        #expect(w.s.lastResult(w.client) == .ipc(.secanceled))
        #expect(w.s.gate(w.g).waitHead == 0xFF)
        expectWellFormed(w.s)
    }

    // MARK: - bind_thread (kernel-api §3.3 op 0x10)

    @Test func bindThread_errors() {
        var w = Self.world()
        w.s.give(.gate(w.g), to: w.B, at: 4, rights: [.r, .w], server: true)     // server view without S
        w.s.give(.thread(w.server), to: w.B, at: 5, rights: [.r, .w])             // thread without S
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(4), thread: SlotIndex(2), label: 0x40)) == .error(.eperm))
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(2), label: 0x41)) == .error(.einval))
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(0), label: 0x40)) == .error(.einval))
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(6), label: 0x40)) == .error(.einval))
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: nil, label: 0x40)) == .error(.einval))
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(5), label: 0x40)) == .error(.eperm))
        #expect(w.s.gate(w.g).label == 0x40)
        #expect(w.s.gate(w.g).thread == w.server.raw)
        expectWellFormed(w.s)
    }

    @Test func bindThread_rebindsToAnotherThread() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .gateBindThread(gate: .s(1), thread: SlotIndex(3), label: 0x100)) == .success)
        #expect(w.s.gate(w.g).thread == w.client.raw)
        #expect(w.s.gate(w.g).label == 0x100)
        expectWellFormed(w.s)
    }

    @Test func bindThread_throughThePlainView_isForwardedAsIpc() {
        // Without the server view a KOBJECT message is IPC to the bound thread.
        var w = Self.world(clientPrio: 2)
        w.s.give(.thread(w.client), to: w.A, at: 2)
        #expect(w.s.invoke(as: w.client, .gateBindThread(gate: .s(1), thread: SlotIndex(2), label: 0x80)) == .blocked)
        #expect(w.s.thread(w.client).state == .sending)
        #expect(w.s.gate(w.g).thread == w.server.raw)
        #expect(w.s.gate(w.g).label == 0x40)
        #expect(w.s.invoke(as: w.server, .wait()) == .success)
        #expect(w.s.thread(w.server).rcvLabel == 0x43)
        #expect(w.s.thread(w.server).replyTo == w.client.raw)    // it was a call
        expectWellFormed(w.s)
    }
}
