/// Object spaces (kernel-api §2, §5.2): one fixed-size capability table per
/// task (`capSlots` entries, all tables in one array), and per object the
/// intrusive list of slots naming it (`Kobject_mapdb`), which is what
/// deletion walks to invalidate every capability.

/// One capability slot: empty, or (object, rights W/S/R/D, counted, gate view).
struct CapSlot: Sendable {
    var object: ObjectID?
    var rights: UInt8 = 0
    /// Counts towards the object's reference count (no `L4_FPAGE_C_NO_REF_CNT`).
    var counted = false
    /// The IPC-gate server view (`L4_FPAGE_C_IPCGATE_SVR`, §2.1).
    var server = false
    /// Neighbours in the object's slot list (global slot numbers).
    var prev: Int?
    var next: Int?
}

/// A resolved invocation target: the object and the W/S bits the object sees
/// (§1 step 3: R is implicit, D is not visible to invocations).
struct Invoked: Equatable {
    var object: ObjectID
    var rights: UInt8
    var server: Bool
}

extension Kernel {
    // MARK: - Addressing

    /// The global number of slot `index` of `task`, nil beyond the object-space bound.
    func slotNumber(_ task: Int, _ index: UInt64) -> Int? {
        guard task >= 0, task < tasks.count, index < UInt64(config.capSlots) else { return nil }
        return task * config.capSlots + Int(index)
    }

    /// The capability in a slot, nil for an empty or out-of-bound slot.
    func cap(_ task: Int, _ index: UInt64) -> CapSlot? {
        guard let n = slotNumber(task, index), caps[n].object != nil else { return nil }
        return caps[n]
    }

    /// kernel-api §1 step 3–4: the object behind index `index` of the calling
    /// thread's task; nil when the thread has no live task or the slot is empty.
    func resolve(_ t: Int, index: UInt64) -> Invoked? {
        guard let k = threads[t].task, tasks[k].header.life == .live,
              let c = cap(k, index), let object = c.object else { return nil }
        return Invoked(object: object, rights: c.rights & (Rights.w | Rights.s), server: c.server)
    }

    // MARK: - Insert and remove

    /// Puts a capability into an empty slot and links it into the object's list.
    mutating func insertCap(_ n: Int, object: ObjectID, rights: UInt8, counted: Bool, server: Bool) {
        let head = self[header: object].capHead
        caps[n] = CapSlot(object: object, rights: rights | Rights.r, counted: counted, server: server, prev: nil, next: head)
        if let h = head { caps[h].prev = n }
        var header = self[header: object]
        header.capHead = n
        if counted { header.counted += 1 }
        self[header: object] = header
    }

    /// Empties slot `n` and unlinks it from its object's list; no reference counting.
    @discardableResult
    mutating func unlinkCap(_ n: Int) -> CapSlot {
        let old = caps[n]
        guard let object = old.object else { return old }
        if let p = old.prev { caps[p].next = old.next } else { self[header: object].capHead = old.next }
        if let x = old.next { caps[x].prev = old.prev }
        caps[n] = CapSlot()
        return old
    }

    /// kernel-api §5.2 — removing the capability in slot `n`. With `delete` and
    /// the D right the object is destroyed for every holder; otherwise a
    /// counted release at counter ≤ 1, or an emptied slot list, deletes it.
    mutating func removeCap(_ n: Int, delete: Bool) {
        let old = unlinkCap(n)
        guard let object = old.object else { return }
        if delete && old.rights & Rights.d != 0 {
            destroy(object)
        } else if old.counted {
            releaseCounted(object)
        } else if self[header: object].capHead == nil {
            destroy(object)
        }
    }

    /// Drops one counted reference; the last one (or the last slot) deletes the object.
    mutating func releaseCounted(_ object: ObjectID) {
        var header = self[header: object]
        header.counted = max(0, header.counted - 1)
        self[header: object] = header
        if header.counted == 0 || header.capHead == nil { destroy(object) }
    }

    /// Invalidates every slot naming `object` in every task (§5.3 step 1).
    mutating func clearAllCaps(naming object: ObjectID) {
        var cur = self[header: object].capHead
        var steps = 0
        while let n = cur, steps < caps.count {
            cur = caps[n].next
            caps[n] = CapSlot()
            steps += 1
        }
        var header = self[header: object]
        header.capHead = nil
        header.counted = 0
        self[header: object] = header
    }
}
