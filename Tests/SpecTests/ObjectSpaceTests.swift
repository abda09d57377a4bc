import Testing
@testable import Spec

/// Object spaces (ObjectSpace.swift, MappingTree.swift `mapObject`/`performUnmap`):
/// lookup, object map/grant/unmap, release and deletion, cap_valid / cap_equal
/// (kernel-api §1 dispatch, §2, §3.1, §4.5–§4.7, §5.2).
@Suite struct ObjectSpaceTests {
    /// Task A (slot 0 = A, 1 = B, 2 = gate g with server view) with thread `a`;
    /// task B (slot 0 = B) with thread `b`; a second gate `h` held only by B in slot 3.
    struct World {
        var s: KernelState
        let A: TaskID, B: TaskID
        let a: ThreadID, b: ThreadID
        let g: GateID, h: GateID
        let root: FactoryID
    }

    static func world(slots: Int = 6, bRights: CapRights = .all) -> World {
        var sb = SystemBuilder(slots: slots)
        let A = sb.task(), B = sb.task()
        let a = sb.thread(in: A)
        let b = sb.thread(in: B)
        let g = sb.gate(thread: b, label: 0x10)
        let h = sb.gate(thread: b, label: 0x20)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.task(B), in: A, at: 1, rights: bRights)
        sb.cap(.gate(g), in: A, at: 2, server: true)
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.gate(h), in: B, at: 3)
        return World(s: sb.state, A: A, B: B, a: a, b: b, g: g, h: h, root: sb.root)
    }

    // MARK: - Lookup (kernel-api §1 step 4)

    @Test func invoke_emptySlot_isNotExistent() {
        var w = Self.world()
        let before = w.s
        #expect(w.s.invoke(as: w.a, .send(.s(4), [1])) == .ipc(.enotExistent))
        #expect(w.s.lastResult(w.a) == .ipc(.enotExistent))
        // Nothing but the caller's result changes.
        #expect(equalTables(w.s.slots, before.slots))
        #expect(w.s.ready() == before.ready())
        expectWellFormed(w.s)
    }

    @Test func invoke_outOfBoundSlot_isNotExistent() {
        var w = Self.world(slots: 4)
        // Slot 5 lies beyond the object-space bound: it reads as empty and cannot be filled.
        let placed = w.s.bootCap(.gate(w.g), task: w.A, slot: SlotIndex(5), rights: .all, server: false, weak: false)
        #expect(!placed)
        #expect(w.s.slot(w.A, 5).isEmpty)
        #expect(w.s.invoke(as: w.a, .send(.s(5), [1])) == .ipc(.enotExistent))
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(0), cap: .s(5))) == .ok(value: 0))
        expectWellFormed(w.s)
    }

    @Test func invoke_kernelOpOnEmptySlot_isNotExistent() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 4, src: 0, .obj(2), to: 3)) == .ipc(.enotExistent))
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 5, into: 4)) == .ipc(.enotExistent))
        expectWellFormed(w.s)
    }

    // MARK: - task.map decode (kernel-api §3.1)

    @Test func map_withoutWOnDestination_isEPERM() {
        var w = Self.world(bRights: [.r, .s, .d])
        let before = w.s
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2), to: 4)) == .error(.eperm))
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(equalTables(w.s.slots, before.slots))
        expectWellFormed(w.s)
    }

    @Test func map_sourceNotATask_isEINVAL() {
        var w = Self.world()
        // A gate, an empty slot and the thread itself are not tasks.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 2, .obj(2), to: 4)) == .error(.einval))
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 5, .obj(2), to: 4)) == .error(.einval))
        #expect(w.s.invoke(as: w.a, .taskMap(dst: .s(1), src: .this, item: .obj(2), order: 0, sndBase: 4)) == .error(.einval))
        #expect(w.s.slot(w.B, 4).isEmpty)
        expectWellFormed(w.s)
    }

    @Test func map_onNonTaskCap_isEBADPROTO() {
        // On the root factory (neither a thread nor a gate) a TASK-protocol message is -EBADPROTO.
        var sb = SystemBuilder()
        let A = sb.task()
        let a = sb.thread(in: A)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.factory(sb.root), in: A, at: 1)
        var s = sb.state
        #expect(s.invoke(as: a, .map(dst: 1, src: 0, .obj(0), to: 2)) == .error(.ebadproto))
        #expect(s.slot(A, 2).isEmpty)
        expectWellFormed(s)
    }

    // MARK: - Rights of the new cap (kernel-api §4.5)

    @Test func map_intersectsRights() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        let d = w.s.slot(w.B, 4)
        #expect(d.ref == .gate(w.g))
        #expect(d.rights == [.r, .w])
        #expect(d.counted)
        #expect(!d.server)                                  // server view only when requested
        #expect(w.s.countedRefs(.gate(w.g)) == 2)
        // The source keeps its cap.
        #expect(w.s.slot(w.A, 2).rights == .all)
        expectWellFormed(w.s)
    }

    @Test func map_withoutR_mapsNothing() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.w, .s]), to: 4)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        expectWellFormed(w.s)
    }

    @Test func map_fromEmptySlot_mapsNothing() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(5), to: 4)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        expectWellFormed(w.s)
    }

    @Test(arguments: [
        (CapRights.all, CapRights.all, true),
        (CapRights([.r, .w, .d]), CapRights.all, false),
        (CapRights.all, CapRights([.r, .w, .d]), false),
    ])
    func map_keepsSOnlyWhenBothTaskCapsHaveS(dst: CapRights, src: CapRights, kept: Bool) {
        var sb = SystemBuilder()
        let A = sb.task(), B = sb.task()
        let a = sb.thread(in: A)
        let g = sb.gate()
        sb.cap(.task(A), in: A, at: 0, rights: src)
        sb.cap(.task(B), in: A, at: 1, rights: dst)
        sb.cap(.gate(g), in: A, at: 2)
        var s = sb.state
        #expect(s.invoke(as: a, .map(dst: 1, src: 0, .obj(2, .all), to: 4)) == .success)
        #expect(s.slot(B, 4).rights.contains(.s) == kept)
        #expect(s.slot(B, 4).rights.contains([.r, .w, .d]))
        expectWellFormed(s)
    }

    @Test func map_serverView_onlyWhenRequestedAndHeld() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, .all, server: true), to: 4)) == .success)
        #expect(w.s.slot(w.B, 4).server)
        // Without the request the copy gets the plain view.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, .all), to: 5)) == .success)
        #expect(!w.s.slot(w.B, 5).server)
        // B's cap to h has no server view: requesting it still gives the plain view.
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 1, .obj(3, .all, server: true), to: 4)) == .success)
        #expect(w.s.slot(w.A, 4).ref == .gate(w.h))
        #expect(!w.s.slot(w.A, 4).server)
        expectWellFormed(w.s)
    }

    @Test func map_weak_doesNotCount() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, .all, weak: true), to: 4)) == .success)
        #expect(w.s.slot(w.B, 4).ref == .gate(w.g))
        #expect(!w.s.slot(w.B, 4).counted)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    // MARK: - Object overmap (kernel-api §4.6)

    @Test func map_ontoItselfWithoutD_removesTheCapOnly() {
        var w = Self.world()
        // A second counted copy of g (without D) in A:3, then self-map A:3 → A:3.
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, [.r, .w]), to: 3)) == .success)
        #expect(w.s.countedRefs(.gate(w.g)) == 2)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(3, .all), to: 3)) == .success)
        #expect(w.s.slot(w.A, 3).isEmpty)
        #expect(w.s.isLive(.gate(w.g)))
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func map_ontoItselfWithD_destroysTheObjectForEveryHolder() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        let used = w.s.factory(w.root).used
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, .all), to: 2)) == .success)
        #expect(w.s.slot(w.A, 2).isEmpty)
        #expect(w.s.slot(w.B, 4).isEmpty)                  // the other holder lost it too
        #expect(w.s.gate(w.g).life == .free)
        #expect(w.s.factory(w.root).used == used - KernelMemory.cost(of: .gate))
        expectWellFormed(w.s)
    }

    @Test func map_displacingDCap_destroysTheObjectForEveryHolder() {
        var w = Self.world()
        // A gets a copy of h (B's only cap of h carries D, A's copy has no D).
        w.s.give(.gate(w.h), to: w.A, at: 4, rights: [.r, .w])
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 3)) == .success)
        #expect(w.s.slot(w.B, 3).ref == .gate(w.g))
        #expect(w.s.slot(w.A, 4).isEmpty)                  // h destroyed for every holder
        #expect(w.s.gate(w.h).life == .free)
        expectWellFormed(w.s)
    }

    @Test func map_displacingCapWithoutD_justReleasesIt() {
        var w = Self.world()
        // B holds h without D in slot 4 too; A holds it with all rights in slot 4.
        w.s.give(.gate(w.h), to: w.A, at: 4, rights: .all)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 1, 3, rights: .d)) == .success)    // B:3 loses D (no R in the mask)
        #expect(w.s.slot(w.B, 3).rights == [.r, .w, .s])
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 3)) == .success)
        #expect(w.s.slot(w.B, 3).ref == .gate(w.g))
        #expect(w.s.isLive(.gate(w.h)))
        #expect(w.s.countedRefs(.gate(w.h)) == 1)
        #expect(w.s.slot(w.A, 4).ref == .gate(w.h))
        expectWellFormed(w.s)
    }

    @Test func map_displacingLastCountedCapWithoutD_deletesItsObject() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 1, 3, rights: .d)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 3)) == .success)
        #expect(w.s.gate(w.h).life == .free)
        expectWellFormed(w.s)
    }

    @Test func map_overLastCountedCapOfSameObject_mapsNothing() {
        // kernel-api §11.2 (fix 705527d1): the source is a weak copy; overmapping
        // the object's last counted cap deletes the object and maps nothing.
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, [.r, .w], weak: true), to: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, [.r, .w]), to: 3)) == .success)
        // Release the original (A:2) so A:3 is the only counted cap; A:4 is weak.
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2)) == .success)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(4, .all), to: 3)) == .success)
        #expect(w.s.slot(w.A, 3).isEmpty)
        #expect(w.s.slot(w.A, 4).isEmpty)
        #expect(w.s.gate(w.g).life == .free)
        expectWellFormed(w.s)
    }

    @Test func map_displacingTheDestinationTaskItself_insertsNothing() {
        var w = Self.world()
        w.s.give(.task(w.B), to: w.B, at: 4, rights: .all)
        // B:0 and B:4 both name B with D; displacing B:4 destroys B (its existence lock is gone).
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        #expect(w.s.task(w.B).life == .zombie)                // thread b is still bound to it
        #expect(w.s.slot(w.A, 1).isEmpty)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    // MARK: - Grant (kernel-api §4.7)

    @Test func grant_movesTheCap() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, .all, grant: true, server: true), to: 4)) == .success)
        #expect(w.s.slot(w.A, 2).isEmpty)
        #expect(w.s.slot(w.B, 4).ref == .gate(w.g))
        #expect(w.s.slot(w.B, 4).rights == .all)
        #expect(w.s.slot(w.B, 4).server)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func grant_countedToWeak_dropsTheLastCount() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, .all, grant: true, weak: true), to: 4)) == .success)
        #expect(w.s.slot(w.A, 2).isEmpty)
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(w.s.gate(w.g).life == .free)
        expectWellFormed(w.s)
    }

    // MARK: - Unmap, delete, release (kernel-api §5.2)

    @Test func unmapObject_withoutAllSpaces_isNoOp() {
        var w = Self.world()
        let before = w.s
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2, scope: .otherSpaces)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2, scope: .otherSpaces, delete: true)) == .success)
        #expect(equalTables(w.s.slots, before.slots))
        #expect(equalTables(w.s.gates, before.gates))
        expectWellFormed(w.s)
    }

    @Test func unmapObject_withoutR_removesOnlyTheGivenRights() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2, rights: [.w, .d])) == .success)
        #expect(w.s.slot(w.A, 2).rights == [.r, .s])
        #expect(w.s.slot(w.A, 2).server)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func deleteObj_withD_destroysTheObjectEverywhere() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2, delete: true)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(w.s.gate(w.g).life == .free)
        expectWellFormed(w.s)
    }

    @Test func deleteObj_withoutD_justReleases() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        // B:4 has no D: a delete through it only releases B's copy.
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 1, 4, delete: true)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(w.s.isLive(.gate(w.g)))
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func releaseCap_lastCounted_deletesTheObjectAndRefundsQuota() {
        var w = Self.world()
        let used = w.s.factory(w.root).used
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2)) == .success)
        #expect(w.s.slot(w.A, 2).isEmpty)
        #expect(w.s.gate(w.g).life == .free)
        #expect(w.s.factory(w.root).used == used - KernelMemory.cost(of: .gate))
        expectWellFormed(w.s)
    }

    @Test func releaseCap_notLast_decrementsTheCount() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w]), to: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2)) == .success)
        #expect(w.s.isLive(.gate(w.g)))
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        #expect(w.s.slot(w.B, 4).ref == .gate(w.g))
        expectWellFormed(w.s)
    }

    @Test func weakCap_releasedAlone_leavesTheObject() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w], weak: true), to: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 1, 4)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(w.s.isLive(.gate(w.g)))
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func weakCaps_invalidatedWhenTheLastCountedCapGoes() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(2, [.r, .w], weak: true), to: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 2)) == .success)
        #expect(w.s.slot(w.B, 4).isEmpty)
        #expect(w.s.gate(w.g).life == .free)
        expectWellFormed(w.s)
    }

    // MARK: - cap_valid / cap_equal (kernel-api §2, §3.1 op 2)

    @Test func capValid_reportsPresence() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(0), cap: .s(2))) == .ok(value: 1))
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(0), cap: .s(3))) == .ok(value: 0))
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(0), cap: .this)) == .ok(value: 0))
        // Asked about another task's space.
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(1), cap: .s(3))) == .ok(value: 1))
        #expect(w.s.invoke(as: w.a, .taskCapValid(task: .s(1), cap: .s(2))) == .ok(value: 0))
        expectWellFormed(w.s)
    }

    @Test func capEqual_cornerCases() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, [.r, .w, .s]), to: 3)) == .success)  // same W/S, no D, no server
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(2, [.r, .w, .s], server: true), to: 4)) == .success)  // server view
        func eq(_ x: CapName, _ y: CapName) -> Outcome { w.s.invoke(as: w.a, .taskCapEqual(task: .s(0), a: x, b: y)) }
        #expect(eq(.s(5), .s(5)) == .ok(value: 1))       // identical selectors, even empty
        #expect(eq(.s(5), .s(7)) == .ok(value: 1))       // two empty slots (7 is beyond the bound)
        #expect(eq(.this, .this) == .ok(value: 1))       // identical special selectors
        #expect(eq(.this, .s(2)) == .ok(value: 0))       // a special selector is never looked up
        #expect(eq(.s(2), .s(5)) == .ok(value: 0))       // a cap and an empty slot
        #expect(eq(.s(2), .s(4)) == .ok(value: 1))       // D does not count
        #expect(eq(.s(3), .s(4)) == .ok(value: 0))       // server view vs plain view
        #expect(eq(.s(0), .s(2)) == .ok(value: 0))       // different objects
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 4, rights: .w)) == .success)
        #expect(eq(.s(2), .s(4)) == .ok(value: 0))       // W differs
        expectWellFormed(w.s)
    }
}
