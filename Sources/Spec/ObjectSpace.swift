/// Object spaces (kernel-api §2, §5.2): capability slots, lookup, counted copies,
/// release and deletion when the last counted capability goes.
extension KernelState {
    // MARK: - Lookup

    /// A resolved capability: the object, the rights the invocation sees, and the slot.
    struct Capability {
        var ref: ObjectRef
        var rights: CapRights
        var server: Bool
    }

    /// kernel-api §1 steps 2–4: the special selector is the caller itself with W|S;
    /// an empty or out-of-bound slot (or a caller without a live task) is no object.
    func lookup(_ name: CapName, by thread: ThreadID) -> Capability? {
        switch name {
        case .this:
            return Capability(ref: .thread(thread), rights: [.w, .s], server: false)
        case .slot(let s):
            let t = threads[thread.index].task
            guard t != noID, tasks[Int(t)].life == .live else { return nil }
            let slot = self.slot(TaskID(Int(t)), s)
            guard let ref = slot.ref else { return nil }
            return Capability(ref: ref, rights: slot.rights, server: slot.server)
        }
    }

    // MARK: - Insert and remove

    /// Places a capability into an empty slot, counting it (kernel-api §5.2).
    mutating func insertCap(_ slot: Slot, at task: TaskID, _ s: SlotIndex) {
        slots[slotPosition(task, s)] = slot
        if slot.counted, let ref = slot.ref { adjustCounted(ref, by: 1) }
    }

    /// kernel-api §5.2 — removing a capability from a slot. With `delete` and the
    /// D right the object is destroyed for every holder; otherwise the last counted
    /// release (or an emptied slot list) starts deletion.
    mutating func removeCap(at task: TaskID, _ s: SlotIndex, delete: Bool) {
        let old = slot(task, s)
        guard let ref = old.ref else { return }
        slots[slotPosition(task, s)] = Slot()
        if delete && old.rights.contains(.d) {
            destroy(ref)
            return
        }
        if old.counted {
            releaseCounted(ref)
        } else if !hasAnySlot(naming: ref) {
            destroy(ref)
        }
    }

    /// kernel-api §5.2 — drops one counted reference; the last counted release
    /// deletes the object (invalidating any remaining weak slots).
    mutating func releaseCounted(_ ref: ObjectRef) {
        adjustCounted(ref, by: -1)
        if countedRefs(ref) == 0 { destroy(ref) }
    }

    func hasAnySlot(naming ref: ObjectRef) -> Bool {
        for i in 0..<slots.count where slots[i].kindRaw == ref.kind.rawValue && slots[i].object == ref.index { return true }
        return false
    }

    /// Invalidates every slot naming `ref` in every task (kernel-api §5.3 step 1).
    mutating func clearAllSlots(naming ref: ObjectRef) {
        for i in 0..<slots.count where slots[i].kindRaw == ref.kind.rawValue && slots[i].object == ref.index {
            slots[i] = Slot()
        }
        adjustCounted(ref, by: -countedRefs(ref))
    }

    // MARK: - Queries (kernel-api §2, Task::sys_cap_valid / sys_caps_equal)

    /// `l4_task_cap_valid`: 1 if the slot holds a capability; special selectors report 0.
    func capValid(in task: TaskID, _ name: CapName) -> Int {
        guard case .slot(let s) = name else { return 0 }
        return slot(task, s).isEmpty ? 0 : 1
    }

    /// `l4_task_cap_equal`: same object, same W/S and same interface view.
    func capEqual(in task: TaskID, _ a: CapName, _ b: CapName) -> Int {
        if a == b { return 1 }
        guard case .slot(let x) = a, case .slot(let y) = b else { return 0 }
        let p = slot(task, x), q = slot(task, y)
        if p.isEmpty && q.isEmpty { return 1 }
        let same = p.kindRaw == q.kindRaw && p.object == q.object
            && p.rights.invocationBits == q.rights.invocationBits && p.server == q.server
        return same ? 1 : 0
    }
}
