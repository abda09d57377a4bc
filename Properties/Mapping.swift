import Scenarios
import Spec

/// MAP-1 … MAP-5 (properties.md §1.4, §1.9, §8; kernel-api §4, §5.1).
enum MappingProperties {
    static let all: [CatalogueEntry] = [map1, map2, map3, map4, map5]

    // MARK: - MAP-1

    static let map1 = CatalogueEntry(
        id: "MAP-1",
        title: "Mapping tree well formed",
        requirement: """
            Every present mapping is a node of its frame's mapping tree: its parent node exists, is present, maps the \
            same frame, and the parent chain is acyclic and ends at a root derived from sigma0; nodes lie in live tasks \
            inside the memory-space bound; an absent mapping carries no parent and no rights \
            (kernel-api §5.1; l4v mdb_cte_at, no_mloop, untyped_mdb).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's clause mappingParentsExist.",
            "sigma0 is not a task of the model: a parentless node is a direct child of sigma0's node for its frame, so several parentless nodes of one frame are siblings in one tree.",
        ],
        check: .state { s, ctx in
            var out = Clause.run(["mappingParentsExist"], on: s)
            for n in 0..<s.pages.count {
                let e = s.pages[n]
                if !e.isMapped {
                    if e.parent != absent || e.rightsRaw != 0 { out.append("\(ctx.pageName(n)) is not mapped but keeps a parent or rights") }
                    continue
                }
                if e.parent != absent && Int(e.parent) >= s.pages.count { out.append("\(ctx.pageName(n)) has parent node \(e.parent), beyond the model's nodes") }
                if Int(e.parent) == n { out.append("\(ctx.pageName(n)) is its own parent") }
                let chain = s.ancestors(ofNode: n)
                if chain.count >= s.pages.count || chain.contains(n) {
                    out.append("\(ctx.pageName(n)) lies on a cycle of the mapping tree")
                } else if let root = chain.last, s.pages[root].parent != absent {
                    out.append("\(ctx.pageName(n))'s parent chain does not end at a root")
                }
            }
            return out
        })

    // MARK: - MAP-2

    static let map2 = CatalogueEntry(
        id: "MAP-2",
        title: "Mapping containment",
        requirement: """
            A child mapping maps the same frame as its parent: a mapping never reaches memory its parent does not \
            map (kernel-api §4.6, §4.7, §5.1; l4v descendants_inc). Child rights ⊆ parent rights is not claimed: a \
            grant with a narrower mask moves the node with the reduced rights and leaves its children's rights as \
            they were (kernel-api §4.7; Fiasco map_util.cpp map(), mapdb->grant), so below such a grant a child may \
            hold more rights than its new parent, never more than the granter held. That no mapping gains rights \
            beyond its source is CAP-3; that revocation reaches every descendant is MAP-4.
            """,
        kind: .stateInvariant,
        assumptions: [
            "Pages are single 4 KiB frames in the model: no superpage nesting to check.",
            "The rights clause of properties.md §8 (child rights ⊆ parent rights) does not hold in Fiasco after a grant with a narrower mask (Conformance/map/mem-grant-narrowing-keeps-children.json); rights monotonicity is checked per step by CAP-3 instead.",
        ],
        check: .state { s, ctx in
            var out: [String] = []
            for n in 0..<s.pages.count where s.pages[n].isMapped {
                let e = s.pages[n], p = e.parent
                guard p != absent, Int(p) < s.pages.count, s.pages[Int(p)].isMapped else { continue }
                let parent = s.pages[Int(p)]
                if parent.frame != e.frame { out.append("\(ctx.pageName(n)) maps frame \(e.frame) but its parent \(ctx.pageName(Int(p))) maps frame \(parent.frame)") }
            }
            return out
        })

    // MARK: - MAP-3

    static let map3 = CatalogueEntry(
        id: "MAP-3",
        title: "Spatial isolation",
        requirement: """
            The present translations of a task are exactly its mapping nodes with their rights: every present node \
            lies in a live task inside the memory bound (so the translation reads it) and hangs in its frame's tree; \
            and a frame that one domain maps writably is mapped by another domain only if the policy lets the writer \
            flow to it (kernel-api §4.1, §5.1; Hyperkernel spec_lemma_isolation).
            """,
        kind: .stateInvariant,
        assumptions: [
            "The model keeps one structure for page tables and the mapping database, so 'translation ⇔ node' reduces to the node lying where the translation looks.",
            "Domains as in CAP-2 (tasks created at run time: the domain owning their factory).",
            "Page tables and kernel data are not frames of the model; MAP-5 bounds frames to user memory.",
        ],
        check: .state { s, ctx in
            let f = ctx.facts
            let attr = Attribution(s, f)
            var out: [String] = []
            for n in 0..<s.pages.count where s.pages[n].isMapped {
                let (t, p) = nodeOwner(n)
                if s.tasks[t].life != .live { out.append("\(ctx.pageName(n)) is a node of a task that is not live") }
                if p >= Int(s.config.pageBound) { out.append("\(ctx.pageName(n)) lies beyond the memory bound: no translation shows it") }
                let chain = s.ancestors(ofNode: n)
                if chain.contains(where: { !s.pages[$0].isMapped || s.pages[$0].frame != s.pages[n].frame }) {
                    out.append("\(ctx.pageName(n)) is not backed by its frame's tree")
                }
                guard s.pages[n].rights.contains(.w), let a = attr.task[t] else { continue }
                for m in 0..<s.pages.count where m != n && s.pages[m].isMapped && s.pages[m].frame == s.pages[n].frame {
                    guard let b = attr.task[nodeOwner(m).task], a != b, !f.allows(a, b) else { continue }
                    out.append("frame \(s.pages[n].frame) is writable in \(ctx.pageName(n)) (\(ctx.domainName(a))) and mapped in \(ctx.pageName(m)) (\(ctx.domainName(b))): \(ctx.domainName(a)) → \(ctx.domainName(b)) is not an allowed flow")
                }
            }
            return out
        })

    // MARK: - MAP-4

    static let map4 = CatalogueEntry(
        id: "MAP-4",
        title: "Revocation completeness",
        requirement: """
            After a successful task.unmap of memory with R in the mask, no mapping that descended (before the step) \
            from an affected node survives, and with ALL_SPACES the node itself is gone; an unmap without R removes \
            the given W/X rights from every descendant (and the node itself with ALL_SPACES); deleting a task removes \
            all its mappings and every mapping derived from them (kernel-api §5.1, §3.1).
            """,
        kind: .transition,
        assumptions: [
            "Descendants are computed in the state before the step.",
            "TLB flushes are not modelled (the abstract state has no TLB).",
            "The flexpage covers pages base ..< base + 2^order (base aligned down), clipped to the memory bound, as the spec's task.unmap does.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            func mustBeGone(_ nodes: [Int], _ why: String) {
                for m in nodes where after.pages[m].isMapped { out.append("\(ctx.pageName(m)) survives \(why)") }
            }
            if let act = event.acting(before: before, result: result), result.outcome == .success,
               case .taskUnmap(let cap, .memory, let index, let order, let rights, let scope, _) = act.invocation,
               let target = before.resolve(cap, by: act.thread), target.ref.kind == .task {
                let t = Int(target.ref.index)
                let size = 1 << Int(min(order, 7))
                let base = Int(index) & ~(size - 1)
                let mask = MemRights(rawValue: rights)
                for i in base..<(base + size) where i < Capacity.pagesPerTask && i < Int(before.config.pageBound) {
                    let n = pagePosition(t, i)
                    guard before.pages[n].isMapped else { continue }
                    var affected = before.descendants(ofNode: n)
                    if scope == .allSpaces { affected.append(n) }
                    if mask.contains(.r) {
                        mustBeGone(affected, "the unmap of \(ctx.pageName(n))")
                    } else {
                        let removed = mask.intersection([.w, .x])
                        for m in affected where after.pages[m].isMapped && !after.pages[m].rights.intersection(removed).isEmpty {
                            out.append("\(ctx.pageName(m)) keeps \(after.pages[m].rights.intersection(removed)) after the downgrade of \(ctx.pageName(n))")
                        }
                    }
                }
            }
            for t in 0..<Capacity.tasks where before.tasks[t].life == .live && after.tasks[t].life != .live {
                for p in 0..<Capacity.pagesPerTask {
                    let n = pagePosition(t, p)
                    guard before.pages[n].isMapped else { continue }
                    mustBeGone([n] + before.descendants(ofNode: n), "the deletion of \(ctx.taskName(t))")
                }
            }
            return out
        })

    // MARK: - MAP-5

    static let map5 = CatalogueEntry(
        id: "MAP-5",
        title: "Kernel memory protection",
        requirement: """
            No user mapping names a frame outside user memory (0 ..< Capacity.frames), no task maps pages beyond its \
            memory bound or holds capabilities beyond its object-space bound (that storage is the kernel's), every \
            mapping lies in a live task, and no capability names an object outside the model's tables or one that is \
            not live (deleted objects are kernel memory being reclaimed) (kernel-api §2, §5.1; l4v valid_global_refs).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Device memory, the kernel half of address spaces and page-table frames are not modelled; the frame bound stands for the boundary between user memory and kernel memory.",
        ],
        check: .state { s, ctx in
            var out: [String] = []
            for n in 0..<s.pages.count where s.pages[n].isMapped {
                let (t, p) = nodeOwner(n)
                if Int(s.pages[n].frame) >= Capacity.frames { out.append("\(ctx.pageName(n)) maps frame \(s.pages[n].frame), outside user memory") }
                if p >= Int(s.config.pageBound) { out.append("\(ctx.pageName(n)) lies beyond the memory bound") }
                if s.tasks[t].life != .live { out.append("\(ctx.pageName(n)) is mapped in a task that is not live") }
            }
            for t in 0..<Capacity.tasks {
                for k in 0..<Capacity.slotsPerTask {
                    let sl = s.rawSlot(t, k)
                    guard !sl.isEmpty else { continue }
                    if k >= Int(s.config.slotBound) { out.append("\(ctx.slotName(t, k)) lies beyond the object-space bound but holds a capability") }
                    guard let ref = sl.ref, Int(ref.index) < ref.kind.capacity else {
                        out.append("\(ctx.slotName(t, k)) names no object of the model's tables")
                        continue
                    }
                    if !s.isLive(ref) { out.append("\(ctx.slotName(t, k)) names \(ctx.name(ref)), which is \(s.life(of: ref))") }
                }
            }
            return out
        })
}
