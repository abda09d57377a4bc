/// Memory mappings as a derivation tree (kernel-api §4.4–§4.7, §5.1). Every page
/// entry is a node; its parent is the mapping it was derived from, or sigma0.
extension KernelState {
    /// True when node `a` lies on the parent chain of node `n` (strict ancestor).
    func isAncestor(_ a: Int, of n: Int) -> Bool {
        var p = pages[n].parent
        var steps = 0
        while p != noID && steps < pages.count {
            if Int(p) == a { return true }
            p = pages[Int(p)].parent
            steps += 1
        }
        return false
    }

    /// The nodes strictly below `n` (as a bit set over node indices).
    func descendants(of n: Int) -> UInt32 {
        var set: UInt32 = 0
        for m in 0..<pages.count where m != n && pages[m].isMapped && isAncestor(n, of: m) { set |= 1 << UInt32(m) }
        return set
    }

    /// kernel-api §5.1 — recursive revocation: removes every descendant of `n`
    /// (and `n` itself with ALL_SPACES). Mappings are never split.
    mutating func revoke(node n: Int, includingSelf: Bool) {
        var set = descendants(of: n)
        if includingSelf { set |= 1 << UInt32(n) }
        for m in 0..<pages.count where set & (1 << UInt32(m)) != 0 { pages[m] = PageEntry() }
    }

    /// kernel-api §5.1 — rights downgrade without R: W/X leave every descendant
    /// (and the own mapping with ALL_SPACES); the tree stays.
    mutating func downgrade(node n: Int, removing rights: MemRights, includingSelf: Bool) {
        var set = descendants(of: n)
        if includingSelf { set |= 1 << UInt32(n) }
        for m in 0..<pages.count where set & (1 << UInt32(m)) != 0 { pages[m].rights.subtract(rights) }
    }

    /// kernel-api §4.5–§4.7 — map (or grant) one page. Rights = source ∩ mask;
    /// an occupied destination follows the overmap rules of §4.6.
    mutating func mapPage(from st: TaskID, _ sp: PageIndex, to dt: TaskID, _ dp: PageIndex, mask: MemRights, grant: Bool) {
        guard validPage(sp), validPage(dp) else { return }
        let srcNode = pagePosition(st, sp), dstNode = pagePosition(dt, dp)
        let src = pages[srcNode]
        guard src.isMapped else { return }                        // a hole: nothing mapped
        let rights = src.rights.intersection(mask)
        guard !rights.isEmpty else { return }                     // no R/W/X: nothing mapped
        let dst = pages[dstNode]
        if dst.isMapped {
            // Rule 1: re-map from the direct parent only ever adds rights.
            if !grant && Int(dst.parent) == srcNode && dst.frame == src.frame {
                pages[dstNode].rights.formUnion(rights)
                return
            }
            // Rule 2: destination is the source or its ancestor: unmapped, nothing mapped.
            if dstNode == srcNode || isAncestor(dstNode, of: srcNode) {
                revoke(node: dstNode, includingSelf: true)
                return
            }
            // Rule 3: unrelated: the old mapping goes with its whole subtree.
            revoke(node: dstNode, includingSelf: true)
        }
        if grant {
            // §4.7 — the new node replaces the source node; children move along.
            pages[dstNode] = PageEntry(frame: FrameID(Int(src.frame)), rights: rights, parent: src.parent == noID ? nil : Int(src.parent))
            for m in 0..<pages.count where pages[m].isMapped && Int(pages[m].parent) == srcNode { pages[m].parent = UInt8(dstNode) }
            pages[srcNode] = PageEntry()
        } else {
            pages[dstNode] = PageEntry(frame: FrameID(Int(src.frame)), rights: rights, parent: srcNode)
        }
    }

    /// kernel-api §4.5–§4.7 for object caps — copies are flat siblings; the
    /// overmap rules of §4.6 (self-map removes, displaced caps go with the delete flag).
    mutating func mapObject(from st: TaskID, _ s: SlotIndex, to dt: TaskID, _ d: SlotIndex, mask: CapRights, keepS: Bool, grant: Bool, server: Bool, weak: Bool) {
        guard validSlot(s), validSlot(d) else { return }
        let src = slot(st, s)
        guard let ref = src.ref else { return }                   // a hole: nothing mapped
        var rights = src.rights.intersection(mask)
        if !keepS { rights.remove(.s) }
        guard rights.contains(.r) else { return }                 // without R nothing is mapped
        // Rule 2: mapping a slot onto itself removes it (delete flag included).
        if st == dt && s == d {
            removeCap(at: dt, d, delete: true)
            return
        }
        // Rule 3: the displaced cap is removed with the full mask (delete flag).
        removeCap(at: dt, d, delete: true)
        // The displaced cap may have destroyed the destination task itself
        // (its existence lock is then invalid: nothing is inserted, §3.1).
        guard tasks[dt.index].life == .live else { return }
        // The source may have vanished as a side effect (fix 705527d1).
        let now = slot(st, s)
        guard now.kindRaw == src.kindRaw, now.object == src.object else { return }
        let counted = now.counted && !weak
        insertCap(Slot(ref, rights: rights, counted: counted, server: now.server && server), at: dt, d)
        if grant {
            // §4.7 — move: the source slot goes; a counted→weak grant may drop the count to 0.
            slots[slotPosition(st, s)] = Slot()
            if now.counted { releaseCounted(ref) }
        }
    }

    // MARK: - Task::map / Task::unmap (kernel-api §3.1)

    /// Maps the flexpage `base/order` of `src` to `dst` at the send base (hot
    /// spot) aligned down to the flexpage size (receive window = whole space).
    mutating func performTaskMap(dst: TaskID, src: TaskID, item: SendItem, order: UInt8, sndBase: UInt8, keepS: Bool) {
        let size = 1 << Int(min(order, 7))
        let base = Int(item.index) & ~(size - 1)
        let dest = Int(sndBase) & ~(size - 1)
        for i in 0..<size {
            switch item.space {
            case .object:
                guard base + i < Capacity.slotsPerTask, dest + i < Capacity.slotsPerTask else { continue }
                mapObject(from: src, SlotIndex(base + i), to: dst, SlotIndex(dest + i), mask: CapRights(rawValue: item.rights),
                          keepS: keepS, grant: item.grant, server: item.server, weak: item.weak)
            case .memory:
                guard base + i < Capacity.pagesPerTask, dest + i < Capacity.pagesPerTask else { continue }
                mapPage(from: src, PageIndex(base + i), to: dst, PageIndex(dest + i), mask: MemRights(rawValue: item.rights), grant: item.grant)
            }
        }
    }

    /// `l4_task_unmap`: memory revokes (R in the rights) or downgrades (W/X only)
    /// descendants; objects change only with ALL_SPACES (kernel-api §5.1, §5.2).
    mutating func performUnmap(task: TaskID, space: SendItem.Space, index: UInt8, order: UInt8, rights: UInt8, scope: UnmapScope, delete: Bool) {
        let size = 1 << Int(min(order, 7))
        let base = Int(index) & ~(size - 1)
        for i in base..<(base + size) {
            switch space {
            case .memory:
                guard i < Capacity.pagesPerTask, validPage(PageIndex(i)) else { continue }
                let n = pagePosition(task, PageIndex(i))
                guard pages[n].isMapped else { continue }
                let r = MemRights(rawValue: rights)
                if r.contains(.r) {
                    revoke(node: n, includingSelf: scope == .allSpaces)
                } else {
                    downgrade(node: n, removing: r.intersection([.w, .x]), includingSelf: scope == .allSpaces)
                }
            case .object:
                guard scope == .allSpaces, i < Capacity.slotsPerTask, validSlot(SlotIndex(i)) else { continue }
                let r = CapRights(rawValue: rights)
                if r.contains(.r) {
                    removeCap(at: task, SlotIndex(i), delete: delete)
                } else if !slot(task, SlotIndex(i)).isEmpty {
                    slots[slotPosition(task, SlotIndex(i))].rights.subtract(r.intersection([.w, .s, .d]))
                }
            }
        }
    }
}
