import Scenarios
import Spec

/// INFO-1, INFO-2 (properties.md §2.2, §2.3, §8).
enum InformationFlowProperties {
    static let all: [CatalogueEntry] = [info1, info2]

    /// A thread record without the fields that belong to other objects: the link
    /// to the next sender in someone else's queue, and the reference counter (the
    /// holders' data; the deletion-finality channel is INFO-6, not modelled here).
    static func view(_ r: ThreadRecord) -> ThreadRecord {
        var v = r
        v.queueNext = 0
        v.counted = 0
        return v
    }

    static func threadChanged(_ b: KernelState, _ a: KernelState, _ x: Int) -> Bool {
        if sameBytes(b.threads[x], a.threads[x]) { return false }
        return (b.threads[x].life != .free || a.threads[x].life != .free) && view(b.threads[x]) != view(a.threads[x])
    }

    /// Whether anything of task `t` changed (no allocation: the common case is "nothing").
    static func taskTouched(_ b: KernelState, _ a: KernelState, _ t: Int) -> Bool {
        if b.tasks[t].life != a.tasks[t].life || b.tasks[t].quota != a.tasks[t].quota { return true }
        for k in 0..<Capacity.slotsPerTask where b.rawSlot(t, k) != a.rawSlot(t, k) { return true }
        for p in 0..<Capacity.pagesPerTask where b.pages[pagePosition(t, p)] != a.pages[pagePosition(t, p)] { return true }
        return false
    }

    /// The threads (other than the actor) and tasks (other than the actor's) that changed in a step.
    static func foreignChanges(_ b: KernelState, _ a: KernelState, _ act: Acting) -> (threads: [Int], tasks: [Int]) {
        var threads: [Int] = [], tasks: [Int] = []
        for x in 0..<Capacity.threads where x != act.thread.index && threadChanged(b, a, x) { threads.append(x) }
        if sameBytes(b.tasks, a.tasks) && sameBytes(b.slots, a.slots) && sameBytes(b.pages, a.pages) { return (threads, tasks) }
        for t in 0..<Capacity.tasks where t != act.task?.index && taskTouched(b, a, t) { tasks.append(t) }
        return (threads, tasks)
    }

    /// What of a task changed: its record (life, account), slots, pages.
    static func taskChanges(_ b: KernelState, _ a: KernelState, _ t: Int) -> (record: Bool, slots: [Int], pages: [Int]) {
        let record = b.tasks[t].life != a.tasks[t].life || b.tasks[t].quota != a.tasks[t].quota
        let slots = (0..<Capacity.slotsPerTask).filter { b.rawSlot(t, $0) != a.rawSlot(t, $0) }
        let pages = (0..<Capacity.pagesPerTask).filter { b.pages[pagePosition(t, $0)] != a.pages[pagePosition(t, $0)] }
        return (record, slots, pages)
    }

    /// The acting domain of an invoke event (nil: an actor no domain is attributed to).
    static func actingDomain(_ act: Acting, _ s: KernelState, _ f: BootFacts) -> Int? {
        Attribution.threadDomain(act.thread.index, s, f) ?? act.task.flatMap { Attribution.taskDomain($0.index, s, f) }
    }

    // MARK: - INFO-1

    static let info1 = CatalogueEntry(
        id: "INFO-1",
        title: "Integrity",
        requirement: """
            Every task (record, slots, pages) and thread whose state changes in a step performed by a thread of \
            domain A belongs to A or to a domain A may flow to, or changes in one of the ways properties.md §2.2 \
            permits regardless of the policy: it is a thread that consented by sending to, calling or waiting on the \
            acting thread (or blocked on a gate the actor now serves) and is woken, or a thread released because the \
            object it was blocked on was deleted, or a slot cleared because its object was deleted, or a page below a \
            mapping of A's domain revoked, or an item landing in (or granted out of) a consenting thread's task, or an \
            object already deleted being cleaned up (kernel-api §4, §5, §6; l4v integrity_subjects).
            """,
        kind: .transition,
        assumptions: [
            "Rule list (properties.md §2.2, L4Re phrasing): (1) A's own tasks and threads; (2) any item of a domain A may flow to; (3) a thread that was sending to, calling, or in closed wait on the acting thread, or blocked on a gate now bound to it (it consented to the rendezvous); (4) a thread released from a wait on an object deleted in the step (deletion cascades through D rights); (5) a slot emptied because the object it named was deleted; (6) a page unmapped, downgraded or re-parented because a mapping of A's domain above it was revoked or granted away; (7) a slot or page inside the receive window of a consenting thread of that task, or the grant source of its staged item; (8) cleanup of a task or thread deleted before the step.",
            "Only invoke events are judged: a timer tick is the scheduler acting (it flows to every domain), an IRQ line is the hardware (device interrupts are outside the result, as seL4's domain_sep_inv).",
            "Ready-list positions, queue links inside other queues and reference counters are not part of a thread's or task's state here; gates, Irqs and factories are covered by IPC-2, IRQ-2 and MEM-4.",
            "Domains as in CAP-2; actors and items no domain is attributed to are not judged.",
        ],
        check: .transition { before, event, result, after, ctx in
            guard let act = event.acting(before: before, result: result) else { return [] }
            let f = ctx.facts
            guard let A = actingDomain(act, before, f), !Attribution.flowsEverywhere(A, f) else { return [] }
            let changed = foreignChanges(before, after, act)
            guard !changed.threads.isEmpty || !changed.tasks.isEmpty else { return [] }
            let ab = Attribution(before, f), aa = Attribution(after, f)
            let a = act.thread.index
            func allowed(_ d: Int?) -> Bool { d.map { f.allows(A, $0) } ?? true }
            func consents(_ x: Int) -> Bool {
                let b = before.threads[x]
                if (b.state == .sending || b.state == .receiving) && b.partner == UInt8(a) { return true }
                if b.state == .onGate, Int(b.partner) < Capacity.gates, after.gates[Int(b.partner)].thread == UInt8(a) { return true }
                return false
            }
            func released(_ x: Int) -> Bool {
                let b = before.threads[x]
                func gone(_ ref: ObjectRef) -> Bool {
                    after.life(of: ref) != .live || (ref.kind == .thread && after.threads[Int(ref.index)].isDying)
                }
                switch b.state {
                case .sending: return Int(b.partner) < Capacity.threads && gone(.thread(ThreadID(Int(b.partner))))
                case .onGate: return Int(b.partner) < Capacity.gates && gone(.gate(GateID(Int(b.partner))))
                case .receiving:
                    guard b.partner != absent else { return false }
                    if b.partner & 0x80 != 0 { return Int(b.partner & 0x7F) < Capacity.irqs && gone(.irq(IrqID(Int(b.partner & 0x7F)))) }
                    return Int(b.partner) < Capacity.threads && gone(.thread(ThreadID(Int(b.partner))))
                default: return false
                }
            }
            func consentingThreads(of t: Int) -> [Int] {
                (0..<Capacity.threads).filter { before.threads[$0].life != .free && Int(before.threads[$0].task) == t && consents($0) }
            }
            var out: [String] = []
            let who = "\(ctx.threadName(a)) (\(ctx.domainName(A)))"
            for x in changed.threads {
                let d = ab.thread[x] ?? aa.thread[x]
                if allowed(d) || before.threads[x].life == .zombie || consents(x) || released(x) { continue }
                out.append("the step of \(who) changed \(ctx.threadName(x)) of \(ctx.domainName(d))")
            }
            for t in changed.tasks {
                let d = ab.task[t] ?? aa.task[t]
                if allowed(d) || before.tasks[t].life == .zombie { continue }
                let ch = taskChanges(before, after, t)
                let consenting = consentingThreads(of: t)
                if ch.record { out.append("the step of \(who) changed the record of \(ctx.taskName(t)) of \(ctx.domainName(d))") }
                for k in ch.slots {
                    let b = before.rawSlot(t, k)
                    if let ref = b.ref, after.rawSlot(t, k).isEmpty, after.life(of: ref) != .live { continue }
                    let inWindow = consenting.contains { x in
                        let r = before.threads[x]
                        if decodeBuffer(r.rcvBuf) == .object(SlotIndex(k)) { return true }
                        return r.sendItemKind == SendItem.Space.object.rawValue && Int(r.sendItemIndex) == k && r.sendItemFlags & itemGrantFlag != 0
                    }
                    if inWindow { continue }
                    out.append("the step of \(who) changed \(ctx.slotName(t, k)) of \(ctx.domainName(d))")
                }
                for p in ch.pages {
                    let n = pagePosition(t, p)
                    let b = before.pages[n], aft = after.pages[n]
                    let shrank = b.isMapped && (!aft.isMapped || (aft.frame == b.frame && aft.rights.isSubset(of: b.rights)))
                    if shrank && before.ancestors(ofNode: n).contains(where: { ab.task[nodeOwner($0).task] == A }) { continue }
                    // Re-parented below a node that a grant moved (the old parent left its place in the step).
                    if b.isMapped && aft.isMapped && b.frame == aft.frame && b.rights == aft.rights && b.parent != aft.parent
                        && b.parent != absent && Int(b.parent) < after.pages.count && !after.pages[Int(b.parent)].isMapped { continue }
                    let inWindow = consenting.contains { x in
                        let r = before.threads[x]
                        if decodeBuffer(r.rcvBuf) == .memory(PageIndex(p)) { return true }
                        return r.sendItemKind == SendItem.Space.memory.rawValue && Int(r.sendItemIndex) == p && r.sendItemFlags & itemGrantFlag != 0
                    }
                    if inWindow { continue }
                    out.append("the step of \(who) changed \(ctx.taskName(t)) page \(p) of \(ctx.domainName(d))")
                }
            }
            return out
        })

    // MARK: - INFO-2

    static let info2 = CatalogueEntry(
        id: "INFO-2",
        title: "Local respect",
        requirement: """
            If the acting thread's domain may not flow to domain u, the step leaves every task of u (record, slots, \
            pages) and every thread of u unchanged (properties.md §2.3 integrity_u; Serval check-local-respect).
            """,
        kind: .transition,
        assumptions: [
            "u's view is its tasks and threads (before or after the step), without ready-list positions, queue links inside other threads' queues and reference counters: Fiasco has no domain scheduler, so scheduling state cannot be in a purge-style view (properties.md §2.3 option (a) with the scheduler outside the view), and the deletion-finality channel (INFO-6) is excluded by not viewing counters.",
            "Unlike INFO-1 there are no consent or cleanup exceptions: a reply, a woken sender or a slot cleared by a deletion is a flow to u and needs a policy flow.",
            "Only invoke events are judged (ticks are the scheduler, IRQ lines the hardware); domains as in CAP-2.",
        ],
        check: .transition { before, event, result, after, ctx in
            guard let act = event.acting(before: before, result: result) else { return [] }
            let f = ctx.facts
            guard let A = actingDomain(act, before, f), !Attribution.flowsEverywhere(A, f) else { return [] }
            let changed = foreignChanges(before, after, act)
            guard !changed.threads.isEmpty || !changed.tasks.isEmpty else { return [] }
            let ab = Attribution(before, f), aa = Attribution(after, f)
            var out: [String] = []
            let who = "\(ctx.threadName(act.thread.index)) (\(ctx.domainName(A)))"
            for u in 0..<f.domainNames.count where u != A && !f.allows(A, u) {
                for t in changed.tasks where ab.task[t] == u || aa.task[t] == u {
                    let ch = taskChanges(before, after, t)
                    if ch.record { out.append("the step of \(who) changed the record of \(ctx.taskName(t)) of \(ctx.domainName(u))") }
                    for k in ch.slots { out.append("the step of \(who) changed \(ctx.slotName(t, k)) of \(ctx.domainName(u))") }
                    for p in ch.pages { out.append("the step of \(who) changed \(ctx.taskName(t)) page \(p) of \(ctx.domainName(u))") }
                }
                for x in changed.threads where ab.thread[x] == u || aa.thread[x] == u {
                    out.append("the step of \(who) changed \(ctx.threadName(x)) of \(ctx.domainName(u))")
                }
            }
            return out
        })
}
