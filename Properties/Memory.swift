import Scenarios
import Spec

/// MEM-1 … MEM-5 (properties.md §6, §8; kernel-api §3.4, §8).
enum MemoryProperties {
    static let all: [CatalogueEntry] = [mem1, mem2, mem3, mem4, mem5]

    /// What an object costs its account: its kind's cost, plus the reserved limit for a child factory.
    static func charge(of ref: ObjectRef, in s: KernelState) -> Int {
        var c = Int(KernelMemory.cost(of: ref.kind))
        if ref.kind == .factory, Int(ref.index) < Capacity.factories, s.factories[Int(ref.index)].unlimited == 0 {
            c += Int(s.factories[Int(ref.index)].limit)
        }
        return c
    }

    /// Objects created (free → in use) and freed (in use → free) in a step.
    static func lifecycle(_ before: KernelState, _ after: KernelState) -> (created: [ObjectRef], freed: [ObjectRef]) {
        var created: [ObjectRef] = [], freed: [ObjectRef] = []
        for ref in allObjectRefs {
            let b = before.life(of: ref), a = after.life(of: ref)
            if b == .free && a != .free { created.append(ref) }
            if b != .free && a == .free { freed.append(ref) }
        }
        return (created, freed)
    }

    // MARK: - MEM-1

    static let mem1 = CatalogueEntry(
        id: "MEM-1",
        title: "Quota bound",
        requirement: """
            Every limited quota account uses at most its limit, and only the root factory (the one without a parent) \
            is unlimited (kernel-api §3.4; Fiasco Ram_quota::alloc).
            """,
        kind: .stateInvariant,
        assumptions: ["Reuses the spec's clause quotaWithinLimit."],
        check: .state { s, ctx in
            var out = Clause.run(["quotaWithinLimit"], on: s)
            for f in 0..<Capacity.factories where s.factories[f].life != .free && s.factories[f].unlimited != 0 && s.factories[f].parent != absent {
                out.append("\(ctx.name(.factory(FactoryID(f)))) has a parent but is unlimited")
            }
            return out
        })

    // MARK: - MEM-2

    static let mem2 = CatalogueEntry(
        id: "MEM-2",
        title: "Exact accounting",
        requirement: """
            Every account's used amount equals the sum of the costs of the objects charged to it that are not freed \
            (deleted objects stay charged until freed) plus, for each child factory, its cost plus its reserved limit \
            (kernel-api §3.4; Hyperkernel refcount lemmas).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's clause quotaAccountingExact.",
            "Abstract costs (KernelMemory.cost): the model keeps proportions, not bytes; mapping nodes and slot tables are part of the task's cost.",
        ],
        check: .state { s, _ in Clause.run(["quotaAccountingExact"], on: s) })

    // MARK: - MEM-3

    static let mem3 = CatalogueEntry(
        id: "MEM-3",
        title: "No leak: frees return exactly the charge",
        requirement: """
            In every step, the used amount of each account changes by exactly the charges of the objects created \
            from it minus the charges of the objects charged to it that were freed (a child factory's charge is its \
            cost plus its limit, returned once everything charged to it is gone), so deleting everything restores \
            the accounting (kernel-api §3.4, §5.3; Hyperkernel sys_reap).
            """,
        kind: .transition,
        assumptions: [
            "An object is freed when its table entry returns to free; a deleted thread stays charged until its deferred teardown and until no gate or Irq binding names it (kernel-api §5.3, §5.4).",
            "Accounts that are themselves created or freed in the step are not compared (their record is new or gone).",
        ],
        check: .transition { before, _, _, after, ctx in
            if sameBytes(before.factories, after.factories) && !before.lifecycleDiffers(from: after) { return [] }
            let (created, freed) = lifecycle(before, after)
            var delta = [Int](repeating: 0, count: Capacity.factories)
            for r in created { let q = after.quotaAccount(of: r); if q != absent && Int(q) < Capacity.factories { delta[Int(q)] += charge(of: r, in: after) } }
            for r in freed { let q = before.quotaAccount(of: r); if q != absent && Int(q) < Capacity.factories { delta[Int(q)] -= charge(of: r, in: before) } }
            var out: [String] = []
            for f in 0..<Capacity.factories where before.factories[f].life != .free && after.factories[f].life != .free {
                let actual = Int(after.factories[f].used) - Int(before.factories[f].used)
                if actual != delta[f] {
                    out.append("\(ctx.name(.factory(FactoryID(f)))) used changed by \(actual), but the objects created and freed against it account for \(delta[f])")
                }
            }
            return out
        })

    // MARK: - MEM-4

    static let mem4 = CatalogueEntry(
        id: "MEM-4",
        title: "Quota isolation",
        requirement: """
            An allocation or free changes only the account the object is charged to: an account's used amount \
            changes only in a step that creates or frees an object charged to it, and a factory.create charges \
            every object it creates to the invoked factory — so a child factory's reservation is taken up front and \
            operations inside one factory subtree never change the free amount of accounts outside it \
            (kernel-api §3.4; CertiKOS quota isolation).
            """,
        kind: .transition,
        assumptions: [
            "Creation and deletion of a child factory change its parent (the reservation) — that is the only cross-account effect, and it is the parent's own allocation.",
        ],
        check: .transition { before, event, result, after, ctx in
            if sameBytes(before.factories, after.factories) && !before.lifecycleDiffers(from: after) { return [] }
            let (created, freed) = lifecycle(before, after)
            var touched = Set<UInt8>()
            for r in created { touched.insert(after.quotaAccount(of: r)) }
            for r in freed { touched.insert(before.quotaAccount(of: r)) }
            var out: [String] = []
            for f in 0..<Capacity.factories where before.factories[f].life != .free && after.factories[f].life != .free {
                if before.factories[f].used != after.factories[f].used && !touched.contains(UInt8(f)) {
                    out.append("\(ctx.name(.factory(FactoryID(f)))) used changed \(before.factories[f].used)→\(after.factories[f].used) although nothing charged to it was created or freed")
                }
            }
            if let act = event.acting(before: before, result: result), case .factoryCreate(let cap, _, _) = act.invocation,
               let c = before.resolve(cap, by: act.thread), c.ref.kind == .factory {
                for r in created where after.quotaAccount(of: r) != c.ref.index {
                    out.append("factory.create on \(ctx.name(c.ref)) charged the new \(ctx.name(r)) to another account")
                }
            }
            return out
        })

    // MARK: - MEM-5

    static let mem5 = CatalogueEntry(
        id: "MEM-5",
        title: "Failure atomicity of creation",
        requirement: """
            A factory.create that fails with an L4 error (-ENOMEM when the quota or the model's table is exhausted or \
            the slot is out of bounds, -EPERM, -EINVAL) leaves the whole state unchanged except the acting thread's \
            result register (kernel-api §3.4, §1; NOVA ctrl_pd MEM_CAP, Hyperkernel all-or-nothing transitions).
            """,
        kind: .transition,
        assumptions: [
            "The spec has no partial-effect allocation (no map loop charges memory), so the documented-prefix case of properties.md §6 does not arise.",
            "A create whose new object is destroyed again by displacing a D capability to the caller's own task is an IPC error (REMSGCUT), not an L4 error, and is covered by MEM-3.",
        ],
        check: .transition { before, event, result, after, ctx in
            guard let act = event.acting(before: before, result: result), case .factoryCreate = act.invocation,
                  case .error(let e) = result.outcome else { return [] }
            var normal = after
            let a = act.thread.index
            var r = after.threads[a]
            let b = before.threads[a]
            r.resultKind = b.resultKind
            r.resultCode = b.resultCode
            r.pendingRaw = b.pendingRaw
            r.rcvBuf = b.rcvBuf
            r.faultAccess = b.faultAccess
            r.sendLabel = b.sendLabel
            r.sendWords = b.sendWords
            r.sendWordCount = b.sendWordCount
            r.sendItemKind = b.sendItemKind
            r.sendItemIndex = b.sendItemIndex
            r.sendItemRights = b.sendItemRights
            r.sendItemFlags = b.sendItemFlags
            r.sendRights = b.sendRights
            r.receiveTimeoutZero = b.receiveTimeoutZero
            normal.threads[a] = r
            guard normal != before else { return [] }
            let changes = normal.changes(since: before, name: ctx.scenario.names.name).map(\.description)
            return ["factory.create failed with \(e) but changed the state: " + (changes.isEmpty ? "(internal fields)" : changes.joined(separator: "; "))]
        })
}
