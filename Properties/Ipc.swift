import Scenarios
import Spec

/// IPC-1 … IPC-8 (properties.md §1.2, §1.5, §5, §8; kernel-api §3.3, §6, §7).
enum IpcProperties {
    static let all: [CatalogueEntry] = [ipc1, ipc2, ipc3, ipc4, ipc5, ipc6, ipc7, ipc8]

    /// Whether thread `x` has an authorised channel to thread `r`: its task holds
    /// a thread capability to r or a capability to a gate bound to r (before or
    /// after the step), or x holds the reply right to r.
    static func holdsChannel(_ x: Int, to r: Int, _ before: KernelState, _ after: KernelState) -> Bool {
        if x == r { return true }
        let rec = before.threads[x]
        if rec.replyTo == UInt8(r) { return true }
        let task = rec.task
        guard task != absent, Int(task) < Capacity.tasks, before.tasks[Int(task)].life == .live else { return false }
        for k in 0..<Capacity.slotsPerTask {
            guard let ref = before.rawSlot(Int(task), k).ref else { continue }
            if ref == .thread(ThreadID(r)) { return true }
            if ref.kind == .gate, Int(ref.index) < Capacity.gates,
               before.gates[Int(ref.index)].thread == UInt8(r) || after.gates[Int(ref.index)].thread == UInt8(r) { return true }
        }
        return false
    }

    static func isBlocked(_ r: ThreadRecord) -> Bool { r.state == .sending || r.state == .receiving || r.state == .onGate }

    // MARK: - IPC-1

    static let ipc1 = CatalogueEntry(
        id: "IPC-1",
        title: "Sender authority",
        requirement: """
            A thread receives a message (its received words, word count or label change, or it leaves a receive \
            with success) only from an authorised source: a thread whose task holds a thread capability to it or a \
            capability to a gate bound to it (this covers the pager/exception path, whose slots lie in the faulting \
            thread's own task), a thread holding its reply right, a sender queued at it or waiting on a gate now \
            bound to it (authorised when it queued), or an Irq bound to it; and a thread only becomes a queued \
            sender at r, or blocks on gate g, with such a capability (kernel-api §6.1–§6.4, §6.6, §7; l4v direct_send).
            """,
        kind: .transition,
        assumptions: [
            "Authorisation is checked when a sender queues; a queued message is delivered even if the capability was revoked meanwhile (kernel-api §6.2), so queued senders count as authorised.",
            "A second identical message from the same source to a thread that was not blocked is not detected as a receive (the state keeps no sequence number).",
            "The candidate sources are the acting thread and the threads blocked before the step (woken senders, callers, page-faulting threads).",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            if sameBytes(before.threads, after.threads) { return out }
            let act = event.acting(before: before, result: result)
            var candidates: [Int] = act.map { [$0.thread.index] } ?? []
            for x in 0..<Capacity.threads where before.threads[x].life != .free && isBlocked(before.threads[x]) && !candidates.contains(x) { candidates.append(x) }
            for r in 0..<Capacity.threads where before.received(r, after: after) {
                if candidates.contains(where: { $0 != r && holdsChannel($0, to: r, before, after) }) { continue }
                let queued = (0..<Capacity.threads).contains { x in
                    let b = before.threads[x], a = after.threads[x]
                    if b.state == .sending && b.partner == UInt8(r) { return !(a.state == .sending && a.partner == UInt8(r)) }
                    if b.state == .onGate, Int(b.partner) < Capacity.gates { return after.gates[Int(b.partner)].thread == UInt8(r) }
                    return false
                }
                if queued { continue }
                let irq = (0..<Capacity.irqs).contains { i in
                    before.irqs[i].life != .free && (before.irqs[i].thread == UInt8(r) || after.irqs[i].thread == UInt8(r))
                }
                if irq { continue }
                out.append("\(ctx.threadName(r)) received a message (label \(after.threads[r].rcvLabel), words \(after.receivedWords(ThreadID(r)))) from no authorised source")
            }
            for x in 0..<Capacity.threads where after.threads[x].life != .free {
                let b = before.threads[x], a = after.threads[x]
                if a.state == .sending && !(b.state == .sending && b.partner == a.partner) && Int(a.partner) < Capacity.threads {
                    let r = Int(a.partner)
                    let viaGate = b.state == .onGate && Int(b.partner) < Capacity.gates && after.gates[Int(b.partner)].thread == a.partner
                    if !viaGate && !holdsChannel(x, to: r, before, after) {
                        out.append("\(ctx.threadName(x)) became a queued sender at \(ctx.threadName(r)) without a capability to it")
                    }
                }
                if a.state == .onGate && !(b.state == .onGate && b.partner == a.partner) {
                    let task = b.task
                    let holds = task != absent && Int(task) < Capacity.tasks
                        && (0..<Capacity.slotsPerTask).contains { before.rawSlot(Int(task), $0).ref == .gate(GateID(Int(a.partner))) }
                    if !holds { out.append("\(ctx.threadName(x)) blocked on \(ctx.name(.gate(GateID(Int(a.partner))))) without a capability to it") }
                }
            }
            return out
        })

    // MARK: - IPC-2

    static let ipc2 = CatalogueEntry(
        id: "IPC-2",
        title: "Gate label integrity",
        requirement: """
            A message sent through a gate reaches the bound thread with label = gate label | the W/S bits of the \
            invoked capability (the sender's own label is ignored), also when it queues or is re-sent after a bind; \
            and a live gate's label and binding change only through a bind_thread invocation on a gate capability \
            with S (kernel-api §3.3, §6.7; l4v valid_badges).
            """,
        kind: .transition,
        assumptions: [
            "Documented exception (kernel-api §3.3): messages already queued at the thread when the gate is rebound or deleted keep their old label; they are not re-checked.",
            "Through a thread capability the label is chosen by the sender and not authenticated.",
            "Gate creation (with an optional bind) and deletion are not label changes of a live gate.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            let act = event.acting(before: before, result: result)
            if let act, act.invocation.message != nil {
                switch act.invocation {
                case .ipcSend(let cap, _, _), .ipcCall(let cap, _, _, _, _):
                    guard let c = before.resolve(cap, by: act.thread), c.ref.kind == .gate, Int(c.ref.index) < Capacity.gates else { break }
                    let g = before.gates[Int(c.ref.index)]
                    guard g.thread != absent, Int(g.thread) < Capacity.threads else { break }
                    let r = Int(g.thread), a = act.thread.index
                    let expected = g.label | UInt16(c.rights.invocationBits.rawValue)
                    if r != a && before.received(r, after: after) && after.threads[r].rcvLabel != expected {
                        out.append("\(ctx.threadName(r)) received label \(after.threads[r].rcvLabel) through \(ctx.name(c.ref)), expected \(expected)")
                    }
                    let s = after.threads[a]
                    if s.state == .sending && Int(s.partner) == r && s.sendLabel != expected {
                        out.append("\(ctx.threadName(a)) is queued through \(ctx.name(c.ref)) with label \(s.sendLabel), expected \(expected)")
                    }
                default:
                    break
                }
            }
            for x in 0..<Capacity.threads where before.threads[x].state == .onGate && Int(before.threads[x].partner) < Capacity.gates {
                let g = Int(before.threads[x].partner), s = after.threads[x]
                guard after.gates[g].life != .free, s.state == .sending, s.partner == after.gates[g].thread else { continue }
                let expected = after.gates[g].label | UInt16(before.threads[x].sendRights & 0x3)
                if s.sendLabel != expected { out.append("\(ctx.threadName(x)) was re-sent through \(ctx.name(.gate(GateID(g)))) with label \(s.sendLabel), expected \(expected)") }
            }
            for g in 0..<Capacity.gates where before.gates[g].life == .live && after.gates[g].life == .live {
                let b = before.gates[g], a = after.gates[g]
                guard b.label != a.label || b.thread != a.thread else { continue }
                var permitted = false
                if let act, result.outcome == .success {
                    switch act.invocation {
                    case .gateBindThread(let cap, _, _), .irqBind(let cap, _, _):
                        if let c = before.resolve(cap, by: act.thread), c.ref == .gate(GateID(g)), c.rights.contains(.s), c.server { permitted = true }
                    default: break
                    }
                }
                if !permitted { out.append("\(ctx.name(.gate(GateID(g)))) changed label \(b.label)→\(a.label) or binding without a bind_thread with S on it") }
            }
            return out
        })

    // MARK: - IPC-3

    static let ipc3 = CatalogueEntry(
        id: "IPC-3",
        title: "Queue/state symmetry",
        requirement: """
            A thread is in a receiver's sender queue exactly when it is sending to that receiver, and in a gate's wait \
            queue exactly when it is blocked on that gate; every queue is duplicate-free, names only existing threads \
            and Irqs, and a thread sits in at most one queue (kernel-api §6.2, §3.3; l4v sym_refs, valid_ep).
            """,
        kind: .stateInvariant,
        assumptions: ["Reuses the spec's clauses threadInAtMostOneQueue and queuesMatchThreadStates; Irq entries are checked by IRQ-1."],
        check: .state { s, ctx in
            var out = Clause.run(["threadInAtMostOneQueue", "queuesMatchThreadStates"], on: s)
            for r in 0..<Capacity.threads where s.threads[r].life != .free {
                let chain = s.senderChain(at: r)
                if chain.broken { out.append("\(ctx.threadName(r))'s sender queue is broken (dangling link or cycle)") }
                if Set(chain.entries).count != chain.entries.count { out.append("\(ctx.threadName(r))'s sender queue holds an entry twice") }
            }
            for g in 0..<Capacity.gates where s.gates[g].life != .free {
                let w = s.gateWaiters(GateID(g))
                if w.count > Capacity.threads || Set(w).count != w.count { out.append("\(ctx.name(.gate(GateID(g))))'s wait queue is broken (cycle or duplicate)") }
            }
            return out
        })

    // MARK: - IPC-4

    static let ipc4 = CatalogueEntry(
        id: "IPC-4",
        title: "Reply rights are once-only",
        requirement: """
            A thread's implicit reply slot names caller c only while c is in closed wait on that thread in a call (or \
            page-fault IPC), and at most one reply slot names a given caller (kernel-api §6.4, §12; l4v \
            valid_reply_caps, unique_reply_caps).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Precondition from properties.md §8 (second refinement): no teardown pending for either party — a pair in which the caller or the callee is dying is not checked.",
            "Consumption before the send (the slot is emptied even if the reply fails) is a transition fact exercised by the spec's own tests and by IPC-1 (a used reply right cannot authorise a second message).",
        ],
        check: .state { s, ctx in
            var out: [String] = []
            var holder = [Int?](repeating: nil, count: Capacity.threads)
            for i in 0..<Capacity.threads where s.threads[i].life != .free && s.threads[i].replyTo != absent {
                let c = s.threads[i].replyTo
                guard s.exists(.thread, c) else {
                    out.append("\(ctx.threadName(i)) holds a reply right to a thread that does not exist")
                    continue
                }
                if let other = holder[Int(c)] { out.append("\(ctx.threadName(Int(c))) is named by the reply slots of \(ctx.threadName(other)) and \(ctx.threadName(i))") }
                holder[Int(c)] = i
                let caller = s.threads[Int(c)]
                if caller.isDying || s.threads[i].isDying { continue }
                if caller.state != .receiving || caller.partner != UInt8(i) || (caller.pending != .call && caller.pending != .pageFault) {
                    out.append("\(ctx.threadName(i)) holds a reply right to \(ctx.threadName(Int(c))), which is \(caller.state) and not waiting for its reply")
                }
            }
            return out
        })

    // MARK: - IPC-5

    static let ipc5 = CatalogueEntry(
        id: "IPC-5",
        title: "No lost wakeup",
        requirement: """
            Never a receiver in open wait with queued senders, a receiver in closed wait on p while p is queued at it, \
            a bound Irq pending while its thread waits to receive from it (open wait or closed on the Irq), or a \
            thread blocked on a gate that is bound (kernel-api §6.2, §6.3, §7, §3.3; l4v valid_ep).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Threads marked dying are excluded (they are only waiting for their teardown).",
            "properties.md §8 third refinement: an Irq bound to a thread that cannot receive becomes pending and stays bound; if that thread later waits again, the pending Irq is not delivered until it is re-bound or unmasked. This check reports that situation rather than hiding it.",
        ],
        check: .state { s, ctx in
            var out: [String] = []
            for r in 0..<Capacity.threads where s.threads[r].life != .free && !s.threads[r].isDying && s.threads[r].state == .receiving {
                let rec = s.threads[r]
                if rec.partner == absent && rec.queueHead != absent {
                    out.append("\(ctx.threadName(r)) waits openly while senders are queued at it")
                } else if rec.partner != absent && rec.partner != UInt8(r) && s.senderChain(at: r).entries.contains(rec.partner) {
                    out.append("\(ctx.threadName(r)) waits for a partner that is queued at it")
                }
            }
            for i in 0..<Capacity.irqs where s.irqs[i].life != .free && s.irqs[i].delivery == .pending && s.exists(.thread, s.irqs[i].thread) {
                let r = Int(s.irqs[i].thread), rec = s.threads[r]
                if rec.state == .receiving && !rec.isDying && (rec.partner == absent || rec.partner == 0x80 | UInt8(i)) {
                    out.append("\(ctx.name(.irq(IrqID(i)))) is pending while its bound thread \(ctx.threadName(r)) waits to receive")
                }
            }
            for x in 0..<Capacity.threads where s.threads[x].life != .free && s.threads[x].state == .onGate && s.exists(.gate, s.threads[x].partner) {
                let g = Int(s.threads[x].partner)
                if s.gates[g].thread != absent { out.append("\(ctx.threadName(x)) is blocked on \(ctx.name(.gate(GateID(g)))), which is bound") }
            }
            return out
        })

    // MARK: - IPC-6

    static let ipc6 = CatalogueEntry(
        id: "IPC-6",
        title: "Message integrity and confinement",
        requirement: """
            When the acting thread sends a message to a thread that accepts it, the receiver's message registers hold \
            exactly the sent words (up to the transferred count) afterwards; and outside task.map and factory.create, \
            a slot or page gains content only inside a receive window its task's thread opened (kernel-api §4.3–§4.4, \
            §6.2; l4v integrity_mem IPC-buffer rule).
            """,
        kind: .transition,
        assumptions: [
            "Rights of transferred items (≤ source ∧ mask) are checked by CAP-3.",
            "Messages of queued senders delivered on the receiver's side are covered by the window part only (their words were staged when they queued).",
            "The model carries at most Capacity.words words; longer messages are truncated by the kernel's copy.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            let act = event.acting(before: before, result: result)
            if let act, let msg = act.invocation.message {
                let a = act.thread.index
                var target: Int?
                var isReply = false
                switch act.invocation {
                case .ipcSend(let cap, _, _), .ipcCall(let cap, _, _, _, _):
                    if let c = before.resolve(cap, by: act.thread) {
                        if c.ref.kind == .thread { target = Int(c.ref.index) }
                        if c.ref.kind == .gate, Int(c.ref.index) < Capacity.gates, before.gates[Int(c.ref.index)].thread != absent {
                            target = Int(before.gates[Int(c.ref.index)].thread)
                        }
                    }
                case .ipcReply, .ipcReplyAndWait:
                    if before.threads[a].replyTo != absent { target = Int(before.threads[a].replyTo) }
                    isReply = true
                default:
                    break
                }
                if let r = target, r != a, r < Capacity.threads {
                    let rb = before.threads[r]
                    let accepts = rb.life == .live && !rb.isDying && rb.state == .receiving
                        && (rb.partner == UInt8(a) || (!isReply && rb.partner == absent && (rb.queueHead == absent || rb.queueHead == UInt8(a))))
                    if accepts {
                        let n = min(msg.words.count, Capacity.words)
                        let got = after.receivedWords(ThreadID(r))
                        if got != Array(msg.words.prefix(n)) {
                            out.append("\(ctx.threadName(r)) received words \(got), but \(ctx.threadName(a)) sent \(Array(msg.words.prefix(n)))")
                        }
                    }
                }
            }
            if let act {
                switch act.invocation {
                case .taskMap, .factoryCreate: return out
                default: break
                }
            }
            if sameBytes(before.slots, after.slots) && sameBytes(before.pages, after.pages) { return out }
            func window(_ t: Int, _ b: ReceiveBuffer) -> Bool {
                if let act, act.task?.index == t, act.invocation.buffer == b { return true }
                return (0..<Capacity.threads).contains { x in
                    before.threads[x].life != .free && Int(before.threads[x].task) == t && decodeBuffer(before.threads[x].rcvBuf) == b
                }
            }
            for t in 0..<Capacity.tasks {
                for k in 0..<Capacity.slotsPerTask {
                    let b = before.rawSlot(t, k), a = after.rawSlot(t, k)
                    guard let ref = a.ref, b.ref != ref || !a.rights.isSubset(of: b.rights) else { continue }
                    if !window(t, .object(SlotIndex(k))) { out.append("\(ctx.slotName(t, k)) gained \(ctx.name(ref)) outside any receive window") }
                }
                for p in 0..<Capacity.pagesPerTask {
                    let b = before.pages[pagePosition(t, p)], a = after.pages[pagePosition(t, p)]
                    guard a.isMapped, !b.isMapped || b.frame != a.frame || !a.rights.isSubset(of: b.rights) else { continue }
                    if !window(t, .memory(PageIndex(p))) { out.append("\(ctx.taskName(t)) page \(p) gained frame \(a.frame) outside any receive window") }
                }
            }
            return out
        })

    // MARK: - IPC-7

    static let ipc7 = CatalogueEntry(
        id: "IPC-7",
        title: "Cleanup on deletion and cancel",
        requirement: """
            When a gate is deleted its blocked senders are released with ENOT_EXISTENT; when a deleted thread's \
            teardown runs, thread senders queued at it are released with SECANCELED and queued Irqs become unbound, \
            pending and masked; an ex_regs cancel releases a blocked thread with SECANCELED (send phase) or \
            RECANCELED (receive phase) and leaves no queue entry or reply slot naming it; and afterwards no thread is \
            blocked on a deleted gate or queued at a torn-down or freed thread, no Irq is queued at a dead thread and \
            no reply slot names a freed thread (kernel-api §3.2, §3.3, §5.3, §5.4, §7; l4v cancel_all_ipc, \
            blocked_cancel_ipc).
            """,
        kind: .transition,
        assumptions: [
            "Documented exceptions (kernel-api §5.4): a caller whose callee died stays in closed wait; messages queued through a deleted gate are still delivered; gate and Irq bindings to a dead thread persist.",
            "Thread teardown is deferred until the dying thread next runs (kernel-api §5.3): senders queued at a dying thread are released at its teardown, not at its deletion.",
            "A released thread that was in a page-fault IPC retries the access at once (kernel-api §6.6), so its recorded result may be that of the retry; such threads are checked for release only.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            func settled(_ x: Int) -> Bool {
                after.threads[x].life != .free && !after.threads[x].isDying && before.threads[x].pending != .pageFault
            }
            func expect(_ x: Int, _ e: IpcError, _ why: String) {
                guard settled(x) else { return }
                let got = after.lastResult(ThreadID(x))
                if got != .ipc(e) { out.append("\(ctx.threadName(x)) was released by \(why) with \(got?.description ?? "no result"), expected \(e)") }
            }
            for g in 0..<Capacity.gates where before.gates[g].life == .live && after.gates[g].life != .live {
                for w in before.gateWaiters(GateID(g)) {
                    let x = w.index
                    if after.threads[x].state == .onGate && after.threads[x].partner == UInt8(g) && after.gates[g].life == .free {
                        out.append("\(ctx.threadName(x)) is still blocked on deleted \(ctx.name(.gate(GateID(g))))")
                    } else {
                        expect(x, .enotExistent, "the deletion of \(ctx.name(.gate(GateID(g))))")
                    }
                }
            }
            for r in 0..<Capacity.threads where before.threads[r].isDying && (after.threads[r].life == .free || !after.threads[r].isDying) {
                for e in before.senderChain(at: r).entries {
                    if e & 0x80 != 0 {
                        let i = Int(e & 0x7F)
                        guard i < Capacity.irqs, after.irqs[i].life != .free else { continue }
                        let q = after.irqs[i]
                        if q.thread != absent || q.delivery != .pending || q.masked == 0 {
                            out.append("\(ctx.name(.irq(IrqID(i)))) was queued at \(ctx.threadName(r)) when it was torn down but is not unbound, pending and masked")
                        }
                    } else if Int(e) < Capacity.threads {
                        let x = Int(e)
                        if after.threads[x].state == .sending && after.threads[x].partner == UInt8(r) {
                            out.append("\(ctx.threadName(x)) is still queued at torn-down \(ctx.threadName(r))")
                        } else {
                            expect(x, .secanceled, "the teardown of \(ctx.threadName(r))")
                        }
                    }
                }
            }
            if let act = event.acting(before: before, result: result), result.outcome == .success,
               case .threadExRegs(let cap, true) = act.invocation,
               let c = before.resolve(cap, by: act.thread), c.ref.kind == .thread, Int(c.ref.index) < Capacity.threads {
                let t = Int(c.ref.index), b = before.threads[t]
                if b.life == .live && !b.isDying && isBlocked(b) && b.pending != .pageFault {
                    if isBlocked(after.threads[t]) { out.append("\(ctx.threadName(t)) is still blocked after an ex_regs cancel") }
                    expect(t, b.state == .receiving ? .recanceled : .secanceled, "an ex_regs cancel")
                    for y in 0..<Capacity.threads where after.threads[y].life != .free && after.threads[y].replyTo == UInt8(t) {
                        out.append("\(ctx.threadName(y))'s reply slot still names cancelled \(ctx.threadName(t))")
                    }
                    for y in 0..<Capacity.threads where after.threads[y].life != .free && after.senderChain(at: y).entries.contains(UInt8(t)) {
                        out.append("cancelled \(ctx.threadName(t)) is still queued at \(ctx.threadName(y))")
                    }
                }
            }
            for x in 0..<Capacity.threads where after.threads[x].life != .free {
                let rec = after.threads[x]
                if rec.state == .onGate && Int(rec.partner) < Capacity.gates && after.gates[Int(rec.partner)].life != .live {
                    out.append("\(ctx.threadName(x)) is blocked on deleted \(ctx.name(.gate(GateID(Int(rec.partner)))))")
                }
                if rec.state == .sending && Int(rec.partner) < Capacity.threads {
                    let r = after.threads[Int(rec.partner)]
                    if r.life == .free || (r.life == .zombie && !r.isDying) { out.append("\(ctx.threadName(x)) is queued at torn-down or freed \(ctx.threadName(Int(rec.partner)))") }
                }
                if rec.replyTo != absent && !after.exists(.thread, rec.replyTo) { out.append("\(ctx.threadName(x))'s reply slot names a freed thread") }
            }
            for i in 0..<Capacity.irqs where after.irqs[i].life != .free && after.irqs[i].delivery == .queued && after.exists(.thread, after.irqs[i].thread) {
                let r = Int(after.irqs[i].thread)
                if after.threads[r].state == .dead { out.append("\(ctx.name(.irq(IrqID(i)))) is queued at dead \(ctx.threadName(r))") }
            }
            return out
        })

    // MARK: - IPC-8

    static let ipc8 = CatalogueEntry(
        id: "IPC-8",
        title: "No caller waits forever on a blocked or starved partner",
        requirement: """
            A scenario thread blocked on a live partner thread — queued as a sender at it, or in the receive phase of \
            a call (or page-fault IPC) to it — eventually stops waiting (it is delivered, answered or cancelled), or \
            its partner dies (the documented orphaned closed wait), or its partner runs — on every run that is fair \
            to timer ticks and to each CPU's running thread. A violation is a wait-for cycle, a partner blocked \
            forever (e.g. a server whose script ended) or a partner starved by higher priorities \
            (kernel-api §6.4, §5.4, §9; properties.md §5 IPC-8).
            """,
        kind: .liveness,
        assumptions: [
            "Leads-to per scenario thread t: from 't queued as a sender at, or receiving in a call on, a live, not dying partner thread p' to 't no longer so, or p not live or dying, or p is the current thread of its CPU'. Threads created at run time are not instantiated; waits on unbound gates and Irqs are not included (no partner thread to run).",
            "A state in which every thread is blocked has no successor in the explorer (no thread runs, so no tick happens); the liveness checker reports such a deadlock state as a violation (a lasso with an empty cycle: the maximal run ends without reaching the goal).",
            "Weak fairness of timer ticks and of each CPU's running thread (a thread that keeps its CPU eventually makes its next system call; an adversarial `any` thread may spin on calls that fail). A thread that holds the CPU is still not obliged to reply, so 'the call is answered' cannot be required: the check asks that the partner eventually runs; a server that runs but never replies needs fairness of individual operations, which the explorer does not assume (properties.md §8: 'WF of servers').",
            "Equivalently, under these fairness assumptions this flags the user-level deadlocks properties.md §5 asks for: cycles of threads blocked on each other with infinite timeouts, and partners that never get the CPU again.",
        ],
        check: .liveness(.init(shape: .leadsTo) { ctx in
            ctx.scenario.threads.map { beh in
                let t = beh.id.index
                /// The partner thread t waits on in a call, if t is in that situation.
                @Sendable func waitedOn(_ s: KernelState) -> Int? {
                    guard t < Capacity.threads else { return nil }
                    let r = s.threads[t]
                    let inCall = r.state == .receiving && (r.pending == .call || r.pending == .pageFault)
                    guard r.life == .live, !r.isDying, inCall || r.state == .sending,
                          r.partner != absent, r.partner & 0x80 == 0, Int(r.partner) < Capacity.threads, Int(r.partner) != t else { return nil }
                    let p = s.threads[Int(r.partner)]
                    return p.life == .live && !p.isDying ? Int(r.partner) : nil
                }
                let when: @Sendable (KernelState) -> Bool = { waitedOn($0) != nil }
                let goal: @Sendable (KernelState) -> Bool = { s in
                    guard let p = waitedOn(s) else { return true }
                    let cpu = s.threads[p].cpu
                    return cpu < s.config.cpuCount && s.current(on: CPU(Int(cpu))) == ThreadID(p)
                }
                return (name: beh.name, when: when, goal: goal)
            }
        }))
}
