/// `fpage_map` (kernel-api §4.4–§4.7): where a flexpage lands in a receive
/// window (the hot-spot rule), and the per-page / per-slot map and grant with
/// the overmap rules of §4.6.

enum MapResult: Equatable {
    /// Mapped, or a silent no-op (§4.1: type mismatch, memory order < 12).
    case mapped
    /// A real attempt found no source page/slot at all (return type 2).
    case nothingMapped
    /// The mapping database ran out of nodes (MAPFAILED).
    case failed
}

/// One page or slot: a hole in the source, done (mapped or a rights no-op), or failed.
enum UnitResult { case hole, done, failed }

/// `2^order - 1`, saturating for orders of 64 and more.
private func lowMask(_ order: Int) -> UInt64 { order >= 64 ? UInt64.max : (UInt64(1) << UInt64(order)) &- 1 }

extension Kernel {
    /// Maps (or grants) `fp` of task `src` into task `dst` through `window`,
    /// hot spot and attributes from the send item's control word.
    mutating func mapFlexpage(from src: Int?, _ fp: Fpage, to dst: Int, window: Fpage, control: UInt64) -> MapResult {
        guard window.isAllSpaces || window.kind == fp.kind else { return .mapped }
        guard fp.kind == .memory || fp.kind == .object,
              let so = fp.unitOrder, let ro = window.isAllSpaces ? 64 : window.unitOrder else { return .mapped }
        let s = fp.unitBase & ~lowMask(so)
        let r = window.isAllSpaces ? 0 : window.unitBase & ~lowMask(ro)
        let h = control >> 12
        // §4.4: the whole send flexpage if the window is at least as large, else the window-sized part at the hot spot.
        let (srcStart, dstStart, order) = ro >= so
            ? (s, r &+ ((h & lowMask(ro)) & ~lowMask(so)), so)
            : (s &+ ((h & lowMask(so)) & ~lowMask(ro)), r, ro)
        let bound = UInt64(fp.kind == .memory ? config.pages : config.capSlots)
        guard srcStart < bound, dstStart < bound else { return .nothingMapped }
        let count = min(lowMask(order), bound - 1) + 1
        let n = min(count, bound - srcStart, bound - dstStart)
        var found = false
        for i in 0..<n {
            switch mapUnit(fp, from: src, srcStart + i, to: dst, dstStart + i, control: control) {
            case .hole: continue
            case .done: found = true
            case .failed: return .failed
            }
        }
        return found ? .mapped : .nothingMapped
    }

    private mutating func mapUnit(_ fp: Fpage, from src: Int?, _ s: UInt64, to dst: Int, _ d: UInt64, control: UInt64) -> UnitResult {
        guard let src else { return .hole }
        let grant = control & SendItem.grant != 0
        let mask = UInt8(truncatingIfNeeded: fp.rights)
        if fp.kind == .memory { return mapPage(from: src, s, to: dst, d, mask: mask, grant: grant) }
        return mapObject(from: src, s, to: dst, d, mask: mask, grant: grant,
                         server: control & SendItem.gateServer != 0, weak: control & SendItem.noRefCount != 0)
    }

    /// kernel-api §4.5–§4.7 for one page: rights = source ∩ mask (none: nothing
    /// mapped); an occupied destination follows the overmap rules of §4.6.
    mutating func mapPage(from st: Int, _ sp: UInt64, to dt: Int, _ dp: UInt64, mask: UInt8, grant: Bool) -> UnitResult {
        guard let sn = mdb.node(task: st, page: sp) else { return .hole }
        let src = mdb.nodes[sn]
        let rights = src.rights & (injected(.mapIgnoresRightsMask) ? Rights.memAll : mask) & Rights.memAll
        guard rights != 0, mdb.pteIndex(dt, dp) != nil else { return .done }
        if let dn = mdb.node(task: dt, page: dp) {
            // Rule 1: re-map from the direct parent only ever adds rights.
            if !grant && mdb.nodes[dn].parent == sn && mdb.nodes[dn].frame == src.frame {
                if injected(.overmapReplacesRights) { mdb.nodes[dn].rights = rights } else { mdb.nodes[dn].rights |= rights }
                return .done
            }
            // Rule 2: the destination is the source or its ancestor: unmapped, nothing mapped.
            if dn == sn || mdb.isAncestor(dn, of: sn) {
                mdb.revoke(dn, includingSelf: true)
                return .done
            }
            // Rule 3: unrelated: the old mapping goes with its whole subtree.
            mdb.revoke(dn, includingSelf: true)
        }
        if grant {
            // §4.7: the sender's node moves to the receiver; its children move along.
            mdb.move(sn, toTask: dt, page: dp, rights: rights)
            return .done
        }
        return mdb.insert(task: dt, page: dp, frame: src.frame, rights: rights, parent: sn) == nil ? .failed : .done
    }

    /// kernel-api §4.5–§4.7, §5.2 for one capability: copies are flat siblings;
    /// a self-map removes the slot; a displaced cap goes with the delete flag.
    mutating func mapObject(from st: Int, _ s: UInt64, to dt: Int, _ d: UInt64, mask: UInt8, grant: Bool, server: Bool, weak: Bool) -> UnitResult {
        guard let sn = slotNumber(st, s), let object = caps[sn].object else { return .hole }
        let rights = caps[sn].rights & mask
        guard rights & Rights.r != 0, let dn = slotNumber(dt, d) else { return .done }
        // Rule 2: mapping a slot onto itself removes it (full mask, delete flag included).
        if sn == dn {
            removeCap(dn, delete: true)
            return .done
        }
        // Rule 3: the displaced cap is removed with the full mask (delete flag).
        removeCap(dn, delete: true)
        // The displaced cap may have destroyed the destination task, or the
        // source object itself (fix 705527d1): then nothing is inserted.
        guard tasks[dt].header.life == .live, caps[sn].object == object else { return .done }
        let now = caps[sn]
        insertCap(dn, object: object, rights: rights, counted: now.counted && !weak, server: now.server && server)
        if grant && !injected(.grantKeepsSource) {
            // §4.7 move: the source slot goes; a counted→weak grant may drop the count to 0.
            unlinkCap(sn)
            if now.counted { releaseCounted(object) }
        }
        return .done
    }
}
