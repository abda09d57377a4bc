import Scenarios
import Spec

/// CAP-1 … CAP-6 (properties.md §1.1, §1.3, §2.1, §2.4, §8).
enum CapabilityProperties {
    static let all: [CatalogueEntry] = [cap1, cap2, cap3, cap4, cap5, cap6]

    // MARK: - CAP-1

    static let cap1 = CatalogueEntry(
        id: "CAP-1",
        title: "Capabilities and kernel references name live objects",
        requirement: """
            Every non-empty slot names an existing, live object of the kind the capability claims, carries R and has \
            the gate server view only on gate capabilities; every thread's bound task, home CPU, blocking partner, \
            reply slot and sender-queue entry, every gate/Irq binding and wait-queue entry, and every quota account \
            names an object that exists (kernel-api §2, §3, §12; l4v valid_objs, valid_cap).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's well-formedness clauses slotsNameLiveObjects and bindingsNameExistingObjects.",
            "A deleted thread may still be named by gate/Irq bindings and by an orphaned closed wait (kernel-api §5.4); such references must name an entry that is not free (the spec pins it). The same holds for a closed wait on a deleted Irq.",
            "The root factory (no parent) is the kernel's own account and has no account of its own.",
        ],
        check: .state { s, ctx in
            var out = Clause.run(["slotsNameLiveObjects", "bindingsNameExistingObjects"], on: s)
            for t in 0..<Capacity.tasks {
                for k in 0..<Capacity.slotsPerTask {
                    let sl = s.rawSlot(t, k)
                    guard !sl.isEmpty, let ref = sl.ref else { continue }
                    if Int(ref.index) >= ref.kind.capacity { out.append("\(ctx.slotName(t, k)) names \(ref.kind) index \(ref.index), beyond the model's table") }
                    if !sl.rights.contains(.r) { out.append("\(ctx.slotName(t, k)) holds a capability without R") }
                    if sl.server && ref.kind != .gate { out.append("\(ctx.slotName(t, k)) has the gate server view on \(ctx.name(ref))") }
                }
            }
            for x in 0..<Capacity.threads where s.threads[x].life != .free {
                let r = s.threads[x], n = ctx.threadName(x)
                if r.cpu != absent && r.cpu >= s.config.cpuCount { out.append("\(n) is homed on cpu\(r.cpu), which is not present") }
                switch r.state {
                case .sending where !s.exists(.thread, r.partner):
                    out.append("\(n) is sending to a thread that does not exist (\(r.partner))")
                case .onGate where !s.exists(.gate, r.partner):
                    out.append("\(n) is blocked on a gate that does not exist (\(r.partner))")
                case .receiving where r.partner != absent:
                    let ok = r.partner & 0x80 != 0 ? s.exists(.irq, r.partner & 0x7F) : s.exists(.thread, r.partner)
                    if !ok { out.append("\(n) waits for a partner that does not exist (\(r.partner))") }
                default: break
                }
                if r.replyTo != absent && !s.exists(.thread, r.replyTo) { out.append("\(n)'s reply slot names a thread that does not exist (\(r.replyTo))") }
                let chain = s.senderChain(at: x)
                if chain.broken { out.append("\(n)'s sender queue contains an entry that does not exist") }
                if !s.exists(.factory, r.quota) { out.append("\(n) is charged to a factory that does not exist") }
            }
            for g in 0..<Capacity.gates where s.gates[g].life != .free {
                let n = ctx.name(.gate(GateID(g)))
                if s.gates[g].label & 0x3 != 0 { out.append("\(n) has label \(s.gates[g].label) with its two low bits set") }
                for w in s.gateWaiters(GateID(g)) where s.threads[w.index].life == .free { out.append("\(n)'s wait queue holds a freed thread") }
                if !s.exists(.factory, s.gates[g].quota) { out.append("\(n) is charged to a factory that does not exist") }
            }
            for i in 0..<Capacity.irqs where s.irqs[i].life != .free {
                if !s.exists(.factory, s.irqs[i].quota) { out.append("\(ctx.name(.irq(IrqID(i)))) is charged to a factory that does not exist") }
            }
            for t in 0..<Capacity.tasks where s.tasks[t].life != .free {
                if !s.exists(.factory, s.tasks[t].quota) { out.append("\(ctx.taskName(t)) is charged to a factory that does not exist") }
            }
            for f in 0..<Capacity.factories where s.factories[f].life != .free {
                let p = s.factories[f].parent
                if p != absent && !s.exists(.factory, p) { out.append("\(ctx.name(.factory(FactoryID(f)))) has a parent account that does not exist") }
            }
            return out
        })

    // MARK: - CAP-2

    static let cap2 = CatalogueEntry(
        id: "CAP-2",
        title: "Authority confinement",
        requirement: """
            The authority graph computed from the state — every capability a task holds (holder → owner of the \
            object), every memory frame mapped writably in one domain and mapped in another (writer → other), every \
            mapping-tree edge (parent's domain → child's domain), every thread queued as a sender or blocked on a gate \
            (sender → receiver) and every reply right (replier → caller) — is contained in the scenario's policy \
            (properties.md §2.1 pas_refined; kernel-api §2, §5.1, §6).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Owner of an object: a task's domain is its policy domain (boot tasks) or the domain owning the factory it is charged to (tasks created at run time); a thread belongs to its bound task's domain; a gate or Irq to its bound thread's domain, or while unbound to the domains holding S on it (its potential binders), else to its factory's owner; a factory to the one domain holding S on it at boot (factories created at run time: their parent's owner).",
            "A table entry deleted and re-created from the same account is taken for the boot object (the state keeps no creation history).",
            "Objects with no owner (e.g. charged to a factory no domain holds) create no edge.",
            "The scheduler capability creates no edge by itself: run_thread also needs a thread capability, which is an edge of its own.",
            "Read-only sharing creates no edge from the reader; information leaving through reads is the subject of INFO-1/INFO-2.",
        ],
        check: .state { s, ctx in
            let f = ctx.facts
            let attr = Attribution(s, f)
            var out: [String] = []
            func edge(_ a: Int?, _ b: Int?, _ why: @autoclosure () -> String) {
                guard let a, let b, a != b, !f.allows(a, b) else { return }
                out.append("\(why()): \(ctx.domainName(a)) → \(ctx.domainName(b)) is not an allowed flow")
            }
            for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
                guard let a = attr.task[t] else { continue }
                for k in 0..<Int(s.config.slotBound) {
                    guard let ref = s.rawSlot(t, k).ref, Int(ref.index) < ref.kind.capacity else { continue }
                    for b in attr.owners(of: ref) { edge(a, b, "\(ctx.slotName(t, k)) holds a capability to \(ctx.name(ref))") }
                }
            }
            for n in 0..<s.pages.count where s.pages[n].isMapped {
                let owner = nodeOwner(n).task
                let a = attr.task[owner]
                if s.pages[n].rights.contains(.w) {
                    for m in 0..<s.pages.count where m != n && s.pages[m].isMapped && s.pages[m].frame == s.pages[n].frame {
                        edge(a, attr.task[nodeOwner(m).task], "\(ctx.pageName(n)) writes frame \(s.pages[n].frame), which \(ctx.pageName(m)) maps")
                    }
                }
                let p = s.pages[n].parent
                if p != absent && Int(p) < s.pages.count {
                    edge(attr.task[nodeOwner(Int(p)).task], a, "\(ctx.pageName(n)) derives from \(ctx.pageName(Int(p))), whose owner can revoke it")
                }
            }
            for x in 0..<Capacity.threads where s.threads[x].life != .free {
                let r = s.threads[x]
                let a = attr.thread[x]
                if r.state == .sending && s.exists(.thread, r.partner) {
                    edge(a, attr.thread[Int(r.partner)], "\(ctx.threadName(x)) is queued as a sender at \(ctx.threadName(Int(r.partner)))")
                }
                if r.state == .onGate && s.exists(.gate, r.partner) {
                    for b in attr.gate(Int(r.partner)) { edge(a, b, "\(ctx.threadName(x)) is blocked sending on \(ctx.name(.gate(GateID(Int(r.partner)))))") }
                }
                if r.replyTo != absent && s.exists(.thread, r.replyTo) {
                    edge(a, attr.thread[Int(r.replyTo)], "\(ctx.threadName(x)) holds the reply right to \(ctx.threadName(Int(r.replyTo)))")
                }
            }
            return out
        })

    // MARK: - CAP-3

    static let cap3 = CatalogueEntry(
        id: "CAP-3",
        title: "Capabilities and mappings are derived with monotone rights",
        requirement: """
            In every step, a slot that gains a capability (a new object, or rights it did not have) gets it from a \
            permitted source: a factory.create by the acting thread into its own task (a new object, all rights); a \
            task.map by the acting thread from the corresponding slot of the source task, with rights ⊆ source ∩ mask \
            (R always); or an IPC transfer into a receive window from the sending thread's item, with rights ⊆ source \
            ∩ mask. The rights a page gains (a new mapping, or rights it did not have) are ⊆ those its parent (or the \
            granted source node) had before the step (kernel-api §4.5–§4.7, §3.4; NOVA ctrl_pd).
            """,
        kind: .transition,
        assumptions: [
            "Re-mapping from the direct parent ORs rights into the child (kernel-api §4.6 rule 1); the check bounds the rights the child gains by the parent's. properties.md §8 (first refinement) bounds the whole result, which fails below a grant with a narrower mask: there the child keeps rights its new parent lacks (kernel-api §4.7, Conformance/map/mem-grant-narrowing-keeps-children.json).",
            "The memory check does not re-derive the send mask of the map operation; it bounds new rights by the source node.",
            "The S right is further masked by the addressing capability (kernel-api §4.5); the check only requires ⊆ source ∩ mask.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            let act = event.acting(before: before, result: result)
            let slotsSame = sameBytes(before.slots, after.slots)
            for t in 0..<Capacity.tasks where !slotsSame {
                for k in 0..<Capacity.slotsPerTask {
                    let b = before.rawSlot(t, k), a = after.rawSlot(t, k)
                    guard let aref = a.ref else { continue }
                    guard b.ref != aref || !a.rights.isSubset(of: b.rights) else { continue }
                    if slotGainPermitted(task: t, slot: k, ref: aref, rights: a.rights, act: act, before: before, result: result) { continue }
                    out.append("\(ctx.slotName(t, k)) gained a capability to \(ctx.name(aref)) with rights \(a.rights) from no permitted source")
                }
            }
            let pagesSame = sameBytes(before.pages, after.pages)
            for n in 0..<after.pages.count where !pagesSame && pageGained(n, before, after) {
                if !pageDerivationPermitted(n, before, after, depth: 0) {
                    let a = after.pages[n]
                    out.append("\(ctx.pageName(n)) gained frame \(a.frame) with rights \(a.rights), more than its source had")
                }
            }
            return out
        })

    /// A node that is new, maps another frame, or has rights it did not have.
    static func pageGained(_ n: Int, _ before: KernelState, _ after: KernelState) -> Bool {
        let b = before.pages[n], a = after.pages[n]
        return a.isMapped && (!b.isMapped || b.frame != a.frame || !a.rights.isSubset(of: b.rights))
    }

    /// CAP-3 for memory: the rights the node gained are bounded by its parent or
    /// by the source of a grant (a node of the same frame that left its place in
    /// the step), as they were before the step — or, for a parent that was itself
    /// mapped in the same step (a multi-page flexpage), by that parent's rights
    /// if the parent is permitted in turn. Only the gain is bounded: rights the
    /// node kept from before are its own (rule 1 ORs; kernel-api §4.6, §4.7).
    static func pageDerivationPermitted(_ n: Int, _ before: KernelState, _ after: KernelState, depth: Int) -> Bool {
        let a = after.pages[n], b = before.pages[n]
        let kept: MemRights = b.isMapped && b.frame == a.frame ? b.rights : []
        let gained = a.rights.subtracting(kept)
        var candidates: [Int] = []
        if a.parent != absent && Int(a.parent) < before.pages.count { candidates.append(Int(a.parent)) }
        for m in 0..<before.pages.count where m != n && before.pages[m].isMapped && before.pages[m].frame == a.frame && !after.pages[m].isMapped {
            candidates.append(m)
        }
        return candidates.contains { c in
            if before.pages[c].isMapped && before.pages[c].frame == a.frame && gained.isSubset(of: before.pages[c].rights) { return true }
            let p = after.pages[c]
            return depth < Capacity.pagesPerTask && p.isMapped && p.frame == a.frame && gained.isSubset(of: p.rights)
                && pageGained(c, before, after) && pageDerivationPermitted(c, before, after, depth: depth + 1)
        }
    }

    /// CAP-3's permitted sources of a slot's new content.
    static func slotGainPermitted(task t: Int, slot k: Int, ref: ObjectRef, rights: CapRights, act: Acting?, before: KernelState, result: StepResult) -> Bool {
        guard let act else { return false }
        switch act.invocation {
        case .factoryCreate(_, _, let slot?):
            if result.outcome == .success, act.task?.index == t, slot.index == k, before.life(of: ref) == .free, rights == .all { return true }
        case .taskMap(let dcap, let scap, let item, let order, let sndBase):
            guard item.space == .object, case .slot(let sSlot) = scap,
                  let dst = before.resolve(dcap, by: act.thread), dst.ref.kind == .task, Int(dst.ref.index) == t,
                  let src = before.resolveArgument(sSlot, by: act.thread), src.ref.kind == .task else { break }
            let size = 1 << Int(min(order, 7))
            let base = Int(item.index) & ~(size - 1), dest = Int(sndBase) & ~(size - 1)
            guard k >= dest, k < dest + size else { break }
            // One slot: its counterpart. A larger flexpage is mapped slot by slot, so a
            // slot mapped earlier in the same operation may be the source of a later one:
            // any slot of the source range qualifies.
            let range = size == 1 ? [base] : Array(base..<min(base + size, Capacity.slotsPerTask))
            let mask = CapRights(rawValue: item.rights).union(.r)
            for j in range where j < Capacity.slotsPerTask {
                let source = before.rawSlot(Int(src.ref.index), j)
                if source.ref == ref && rights.isSubset(of: source.rights.intersection(mask)) { return true }
            }
        default:
            break
        }
        // An IPC transfer into a receive window.
        var isWindow = act.task?.index == t && act.invocation.buffer == .object(SlotIndex(k))
        for x in 0..<Capacity.threads where before.threads[x].life != .free && Int(before.threads[x].task) == t {
            if decodeBuffer(before.threads[x].rcvBuf) == .object(SlotIndex(k)) { isWindow = true }
        }
        guard isWindow else { return false }
        var sources: [(task: Int, index: Int, mask: CapRights)] = []
        if let item = act.invocation.message?.item, item.space == .object, let task = act.task {
            sources.append((task.index, Int(item.index), CapRights(rawValue: item.rights)))
        }
        for y in 0..<Capacity.threads {
            let r = before.threads[y]
            guard r.life != .free, r.sendItemKind == SendItem.Space.object.rawValue, r.task != absent, Int(r.task) < Capacity.tasks else { continue }
            sources.append((Int(r.task), Int(r.sendItemIndex), CapRights(rawValue: r.sendItemRights)))
        }
        return sources.contains { s in
            guard s.index < Capacity.slotsPerTask else { return false }
            let source = before.rawSlot(s.task, s.index)
            return source.ref == ref && rights.isSubset(of: source.rights.intersection(s.mask.union(.r)))
        }
    }

    // MARK: - CAP-4

    static let cap4 = CatalogueEntry(
        id: "CAP-4",
        title: "Take-grant confinement: authority islands never merge",
        requirement: """
            Tasks connected at boot by capabilities to each other's tasks, threads or gates (and gates bound to \
            threads, threads bound to tasks) form authority islands; in every reachable state no task holds a \
            capability to, maps a frame of, or has a thread bound from an object that belonged to another island at \
            boot (properties.md §2.4, take-grant authority_confinement; kernel-api §3.1, §4).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Islands are computed on the boot state with union-find over tasks, threads and gates (caps held, thread→task and gate→thread bindings); a task cap gives take and grant, a thread or gate cap lets typed items flow (properties.md §2.4).",
            "Irqs and factories do not connect islands (no capability travels through them); each belongs to the one island whose tasks hold it at boot (an Irq also to its bound thread's island), else it is unattributed.",
            "Frames belong to the one island whose tasks map them at boot; frames still with sigma0 are unattributed.",
            "An object created at run time belongs to the island of the factory it is charged to (the state keeps no creation history, so 'the island of the task that holds its first capability' is approximated by the creator's factory); objects charged to a factory held by several islands are unattributed and never reported.",
            "Read/write sharing and IPC without typed items are flow edges, not authority (INFO-1/INFO-2).",
        ],
        check: .state { s, ctx in
            let f = ctx.facts
            var out: [String] = []
            func islandName(_ i: Int) -> String {
                if let t = (0..<Capacity.tasks).first(where: { f.boot.tasks[$0].life != .free && f.bootIsland[$0] == i }) {
                    return "the island of \(ctx.taskName(t))"
                }
                return "island \(i)"
            }
            for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
                guard let mine = Islands.island(of: .task(TaskID(t)), in: s, f) else { continue }
                for k in 0..<Capacity.slotsPerTask {
                    guard let ref = s.rawSlot(t, k).ref, Int(ref.index) < ref.kind.capacity,
                          let other = Islands.island(of: ref, in: s, f), other != mine else { continue }
                    out.append("\(ctx.slotName(t, k)) (\(islandName(mine))) holds a capability to \(ctx.name(ref)) of \(islandName(other))")
                }
                for p in 0..<Capacity.pagesPerTask {
                    let e = s.pages[pagePosition(t, p)]
                    guard e.isMapped, Int(e.frame) < Capacity.frames, let other = f.frameIsland[Int(e.frame)], other != mine else { continue }
                    out.append("\(ctx.taskName(t)) page \(p) (\(islandName(mine))) maps frame \(e.frame) of \(islandName(other))")
                }
            }
            for x in 0..<Capacity.threads where s.threads[x].life != .free {
                let task = s.threads[x].task
                guard task != absent, Int(task) < Capacity.tasks,
                      let a = Islands.island(of: .thread(ThreadID(x)), in: s, f),
                      let b = Islands.island(of: .task(TaskID(Int(task))), in: s, f), a != b else { continue }
                out.append("\(ctx.threadName(x)) of \(islandName(a)) is bound to \(ctx.taskName(Int(task))) of \(islandName(b))")
            }
            return out
        })

    // MARK: - CAP-5

    static let cap5 = CatalogueEntry(
        id: "CAP-5",
        title: "Reference counts are exact and objects are freed with their last capability",
        requirement: """
            Each object's counted-reference number equals the number of counted slots naming it; every live object \
            is named by at least one counted capability (so releasing the last one destroys it); a deleted object \
            (zombie) is named by no slot and has a zero count; a thread marked dying is a deleted object \
            (kernel-api §5.2, §5.3; l4v if_live_then_nonz_cap, zombies_final).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's clause refcountsMatchSlots.",
            "The root factory is held by the kernel and is exempt; so is a boot object that had no counted capability at boot (declared without one by the scenario, i.e. held by the loader) and is still the same object.",
            "dec_refcnt-style counter-only changes do not exist in the spec, so count = slots is exact.",
        ],
        check: .state { s, ctx in
            let f = ctx.facts
            var out = Clause.run(["refcountsMatchSlots"], on: s)
            for ref in allObjectRefs {
                switch s.life(of: ref) {
                case .live:
                    if ref.kind == .factory && s.factories[Int(ref.index)].parent == absent { continue }
                    guard s.countedRefs(ref) == 0 else { continue }
                    if f.isBootObject(ref, in: s) && f.boot.countedRefs(ref) == 0 { continue }
                    out.append("\(ctx.name(ref)) is live but no counted capability names it, so it can never be deleted")
                case .zombie:
                    if s.countedRefs(ref) != 0 { out.append("\(ctx.name(ref)) is deleted but still counts \(s.countedRefs(ref)) references") }
                    for t in 0..<Capacity.tasks {
                        for k in 0..<Capacity.slotsPerTask where s.rawSlot(t, k).ref == ref {
                            out.append("\(ctx.slotName(t, k)) still names the deleted \(ctx.name(ref))")
                        }
                    }
                case .free:
                    break
                }
            }
            for x in 0..<Capacity.threads where s.threads[x].isDying && s.threads[x].life != .zombie {
                out.append("\(ctx.threadName(x)) is marked dying but is \(s.threads[x].life)")
            }
            return out
        })

    // MARK: - CAP-6

    static let cap6 = CatalogueEntry(
        id: "CAP-6",
        title: "Deletion is complete",
        requirement: """
            After deletion nothing refers to the object: a deleted task has an empty object space and no mappings and \
            stays allocated only while threads are bound to it; deleted gates are freed at once, deleted Irqs are \
            detached and stay allocated only while a closed wait on them pins the entry; a deleted \
            factory stays only while objects are charged to it; a deleted thread is either awaiting its deferred \
            teardown (dying) or torn down — then it is in no ready list or queue, holds no reply right and no queued \
            senders, is bound to no task, and no reply slot or sender names it; it stays allocated only while a gate \
            or Irq binding or an orphaned closed wait still names it (kernel-api §5.3, §5.4; l4v if_unsafe_then_cap, \
            cancel_all_ipc).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Checked as a state invariant on every reachable state (the transition part is implied: each deleting step ends in a state that satisfies it).",
            "Documented exceptions (kernel-api §5.4): gate and Irq bindings to a deleted thread persist until rebound or deleted; a caller in closed wait on a deleted callee stays there (orphaned closed wait), and that wait pins the callee's entry so it is not reused; a closed wait on a deleted Irq likewise stays blocked and pins the Irq's entry (detached; a pending mark it had while unbound stays but is inert).",
            "Teardown of a dying thread is deferred until it next runs (kernel-api §5.3); a dying thread may still be listed and have senders queued.",
        ],
        check: .state { s, ctx in
            var out: [String] = []
            for t in 0..<Capacity.tasks where s.tasks[t].life != .live {
                for k in 0..<Capacity.slotsPerTask where !s.rawSlot(t, k).isEmpty { out.append("deleted \(ctx.taskName(t)) still holds a capability in slot \(k)") }
                for p in 0..<Capacity.pagesPerTask where s.pages[pagePosition(t, p)].isMapped { out.append("deleted \(ctx.taskName(t)) still maps page \(p)") }
                if s.tasks[t].life == .zombie {
                    let bound = (0..<Capacity.threads).contains { s.threads[$0].life != .free && Int(s.threads[$0].task) == t }
                    if !bound { out.append("deleted \(ctx.taskName(t)) has no bound thread but is not freed") }
                }
            }
            for g in 0..<Capacity.gates where s.gates[g].life == .zombie { out.append("deleted \(ctx.name(.gate(GateID(g)))) is not freed") }
            for i in 0..<Capacity.irqs where s.irqs[i].life == .zombie {
                let q = s.irqs[i], n = ctx.name(.irq(IrqID(i)))
                let waitedOn = (0..<Capacity.threads).contains { y in
                    s.threads[y].life != .free && s.threads[y].state == .receiving && s.threads[y].partner == 0x80 | UInt8(i)
                }
                if !waitedOn { out.append("deleted \(n) is not freed although no closed wait names it") }
                // A pending mark left from before the deletion is inert: no capability can bind the Irq again.
                if q.thread != absent || q.delivery == .queued { out.append("deleted \(n) is still bound or queued") }
            }
            for f in 0..<Capacity.factories where s.factories[f].life == .zombie && s.factories[f].used == 0 {
                out.append("deleted \(ctx.name(.factory(FactoryID(f)))) has nothing charged to it but is not released")
            }
            for x in 0..<Capacity.threads where s.threads[x].life == .zombie && !s.threads[x].isDying {
                let r = s.threads[x], n = ctx.threadName(x), raw = UInt8(x)
                if r.state != .dead { out.append("torn-down \(n) is \(r.state)") }
                if s.isListed(ThreadID(x)) { out.append("torn-down \(n) is still in a ready list") }
                if r.replyTo != absent { out.append("torn-down \(n) still holds a reply right") }
                if r.queueHead != absent { out.append("torn-down \(n) still has queued senders") }
                if r.task != absent { out.append("torn-down \(n) is still bound to a task") }
                for y in 0..<Capacity.threads where s.threads[y].life != .free {
                    let o = s.threads[y]
                    if o.replyTo == raw { out.append("\(ctx.threadName(y)) holds a reply right to torn-down \(n)") }
                    if o.state == .sending && o.partner == raw { out.append("\(ctx.threadName(y)) is queued as a sender at torn-down \(n)") }
                }
                let bound = (0..<Capacity.gates).contains { s.gates[$0].life != .free && s.gates[$0].thread == raw }
                    || (0..<Capacity.irqs).contains { s.irqs[$0].life != .free && s.irqs[$0].thread == raw }
                let waitedOn = (0..<Capacity.threads).contains { y in
                    y != x && s.threads[y].life != .free && s.threads[y].state == .receiving && s.threads[y].partner == raw
                }
                if !bound && !waitedOn { out.append("torn-down \(n) is referenced by no binding or closed wait but is not freed") }
            }
            return out
        })
}
