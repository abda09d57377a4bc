import Testing
import KernelImpl

/// Task map / unmap / cap_info (kernel-api §3.1, §4.4–§4.7, §5.1, §5.2).
/// In these tests a (task A) acts: b blocks first.
@Suite struct TaskTests {
    static func world() throws -> TwoTasks {
        var w = try TwoTasks()
        try w.k.bootPage(task: w.A, page: 2, frame: 42, rights: Rights.memAll)
        _ = w.k.sleep(Timeouts.never)                    // b blocks; a runs
        return w
    }

    static func obj(_ i: Int, _ r: UInt8) -> Fpage { .object(index: i, rights: UInt64(r)) }
    static func page(_ p: UInt64, _ r: UInt8 = Rights.memAll) -> Fpage { .memory(address: p << 12, order: 12, rights: UInt64(r)) }

    // MARK: - map: objects

    @Test func mapObject_copiesWithMaskedRightsAtTheHotSpot() throws {
        var w = try Self.world()
        let e = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(Slot.a, Rights.r | Rights.w), control: SendItem.control(sendBase: Abi.selector(10)))
        #expect(e.outcome == .success)
        #expect(e.tag.raw == MsgTag(label: 0).raw)
        let c = try #require(w.k.capView(task: w.B, slot: 10))
        #expect(c.object == ObjectID(.thread, w.a) && c.rights == Rights.r | Rights.w && c.counted)
        #expect(w.k.thread(w.a).countedCaps == 3)
    }

    @Test func map_needsWOnTheDestination() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.task, w.B), in: w.A, at: 11, rights: Rights.r | Rights.s)
        #expect(w.k.taskMap(dst: 11, src: Slot.task, Self.obj(Slot.a, Rights.all)).outcome == .error(.eperm))
    }

    @Test func map_sourceMustBeATask() throws {
        var w = try Self.world()
        #expect(w.k.taskMap(dst: Slot.other, src: Slot.a, Self.obj(Slot.a, Rights.all)).outcome == .error(.einval))
        #expect(w.k.taskMap(dst: Slot.other, src: 14, Self.obj(Slot.a, Rights.all)).outcome == .error(.einval))
    }

    @Test func map_nonObjectSourceItem_isSemsgcut() throws {
        var w = try Self.world()
        let m = Msg(label: Proto.task, words: [0, SendItem.control(), Self.obj(Slot.a, 0xF).raw],
                    items: [(SendItem.map, Self.page(2).raw)])
        #expect(w.k.call(Slot.other, m).outcome == .ipcError(.semsgcut))
    }

    @Test func map_keepsSOnlyIfBothTaskCapsHaveS() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.task, w.A), in: w.A, at: 11, rights: Rights.r | Rights.w)           // source without S
        _ = w.k.taskMap(dst: Slot.other, src: 11, Self.obj(Slot.a, Rights.all), control: SendItem.control(sendBase: Abi.selector(10)))
        #expect(w.k.capView(task: w.B, slot: 10)?.rights == Rights.r | Rights.w | Rights.d)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(Slot.a, Rights.all), control: SendItem.control(sendBase: Abi.selector(12)))
        #expect(w.k.capView(task: w.B, slot: 12)?.rights == Rights.all)
    }

    @Test func map_serverViewOnlyWhenRequested() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(7, Rights.all), control: SendItem.control(sendBase: Abi.selector(10)))
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(7, Rights.all),
                        control: SendItem.control(sendBase: Abi.selector(11), attributes: SendItem.gateServer))
        #expect(w.k.capView(task: w.B, slot: 10)?.server == false)
        #expect(w.k.capView(task: w.B, slot: 11)?.server == true)
    }

    @Test func mapObjectOntoItself_removesTheCap_andWithDDestroysTheObject() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7)
        #expect(w.k.taskMap(dst: Slot.task, src: Slot.task, Self.obj(7, Rights.all), control: SendItem.control(sendBase: Abi.selector(7))).outcome == .success)
        #expect(w.k.capView(task: w.A, slot: 7) == nil)
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
    }

    @Test func overmappingADCap_destroysItsObjectForEveryHolder() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.B, at: 10)                 // with D
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7, rights: Rights.r)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(Slot.a, Rights.all), control: SendItem.control(sendBase: Abi.selector(10)))
        #expect(w.k.capView(task: w.B, slot: 10)?.object == ObjectID(.thread, w.a))
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.A, slot: 7) == nil)
    }

    @Test func grantObject_movesTheCap() throws {
        var w = try Self.world()
        let e = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(Slot.b, Rights.all),
                            control: SendItem.control(sendBase: Abi.selector(10), grant: true))
        #expect(e.outcome == .success)
        #expect(w.k.capView(task: w.A, slot: Slot.b) == nil)
        #expect(w.k.capView(task: w.B, slot: 10)?.object == ObjectID(.thread, w.b))
        #expect(w.k.thread(w.b).countedCaps == 2)
    }

    @Test func weakGrantOfTheLastCountedCap_deletesTheObject() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.obj(7, Rights.all),
                        control: SendItem.control(sendBase: Abi.selector(10), grant: true, attributes: SendItem.noRefCount))
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.B, slot: 10) == nil)
    }

    // MARK: - map: memory and the overmap rules (§4.6)

    @Test func mapMemory_createsAChildAtTheHotSpot() throws {
        var w = try Self.world()
        #expect(w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2, Rights.memR), control: SendItem.control(sendBase: 4 << 12)).outcome == .success)
        let child = try #require(w.k.mapping(task: w.B, page: 4))
        #expect(child.frame == 42 && child.rights == Rights.memR)
        #expect(child.parent == w.k.mapping(task: w.A, page: 2)?.node)
    }

    @Test func mapMemory_smallerThanAPage_isANoOp() throws {
        var w = try Self.world()
        let tiny = Fpage.memory(address: 2 << 12, order: 11, rights: 7)
        #expect(w.k.taskMap(dst: Slot.other, src: Slot.task, tiny, control: SendItem.control(sendBase: 4 << 12)).outcome == .success)
        #expect(w.k.mapping(task: w.B, page: 4) == nil)
    }

    @Test func rule1_remapFromTheDirectParent_onlyAddsRights() throws {
        var w = try Self.world()
        let at = SendItem.control(sendBase: 4 << 12)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2, Rights.memR), control: at)
        let node = w.k.mapping(task: w.B, page: 4)?.node
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2, Rights.memW), control: at)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2, Rights.memR), control: at)
        #expect(w.k.mapping(task: w.B, page: 4)?.rights == Rights.memR | Rights.memW)
        #expect(w.k.mapping(task: w.B, page: 4)?.node == node)
    }

    @Test func rule2_mappingBackOntoTheSource_unmapsIt() throws {
        var w = try Self.world()
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 4 << 12))
        #expect(w.k.taskMap(dst: Slot.task, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 2 << 12)).outcome == .success)
        #expect(w.k.mapping(task: w.A, page: 2) == nil)
        #expect(w.k.mapping(task: w.B, page: 4) == nil)
    }

    @Test func rule3_unrelatedOvermap_replacesWithItsSubtree() throws {
        var w = try Self.world()
        try w.k.bootPage(task: w.B, page: 4, frame: 50, rights: Rights.memAll)
        _ = w.k.taskMap(dst: Slot.task, src: Slot.other, Self.page(4), control: SendItem.control(sendBase: 6 << 12))   // B:4 → A:6
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2, Rights.memR), control: SendItem.control(sendBase: 4 << 12))
        #expect(w.k.mapping(task: w.B, page: 4)?.frame == 42)
        #expect(w.k.mapping(task: w.B, page: 4)?.rights == Rights.memR)
        #expect(w.k.mapping(task: w.A, page: 6) == nil)                     // the old subtree went too
    }

    @Test func grantMemory_movesTheNode_childrenFollow() throws {
        var w = try Self.world()
        _ = w.k.taskMap(dst: Slot.task, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 3 << 12))   // A:2 → A:3
        let node = try #require(w.k.mapping(task: w.A, page: 2)).node
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 4 << 12, grant: true))
        #expect(w.k.mapping(task: w.A, page: 2) == nil)
        #expect(w.k.mapping(task: w.B, page: 4)?.node == node)
        #expect(w.k.mapping(task: w.A, page: 3)?.parent == node)
    }

    @Test func mapMemory_largerFlexpage_mapsEachPage() throws {
        var w = try Self.world()
        try w.k.bootPage(task: w.A, page: 3, frame: 43, rights: Rights.memAll)
        let two = Fpage.memory(address: 2 << 12, order: 13, rights: 7)
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, two, control: SendItem.control(sendBase: 8 << 12))
        #expect(w.k.mapping(task: w.B, page: 8)?.frame == 42)
        #expect(w.k.mapping(task: w.B, page: 9)?.frame == 43)
    }

    @Test func mappingPoolExhausted_isSemapfailed() throws {
        var w = try TwoTasks(mappingNodes: 1)
        try w.k.bootPage(task: w.A, page: 2, frame: 42, rights: Rights.memAll)
        _ = w.k.sleep(Timeouts.never)
        let e = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 4 << 12))
        #expect(e.outcome == .ipcError(.semapfailed))
        #expect(e.tag.raw == MsgTag.error)
    }

    // MARK: - unmap (§5.1, §5.2)

    /// A:2 → B:4 → A:6 (a derivation chain).
    static func chain() throws -> TwoTasks {
        var w = try Self.world()
        _ = w.k.taskMap(dst: Slot.other, src: Slot.task, Self.page(2), control: SendItem.control(sendBase: 4 << 12))
        _ = w.k.taskMap(dst: Slot.task, src: Slot.other, Self.page(4), control: SendItem.control(sendBase: 6 << 12))
        return w
    }

    @Test func unmapOtherSpaces_revokesDescendantsRecursively_keepsOwn() throws {
        var w = try Self.chain()
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.otherSpaces, [Self.page(2)]).outcome == .success)
        #expect(w.k.mapping(task: w.A, page: 2) != nil)
        #expect(w.k.mapping(task: w.B, page: 4) == nil)
        #expect(w.k.mapping(task: w.A, page: 6) == nil)
        #expect(w.k.freeMappingNodes == 63)
    }

    @Test func unmapAllSpaces_removesTheOwnMappingToo() throws {
        var w = try Self.chain()
        _ = w.k.taskUnmap(Slot.other, mask: UnmapMask.allSpaces, [Self.page(4)])
        #expect(w.k.mapping(task: w.A, page: 2) != nil)
        #expect(w.k.mapping(task: w.B, page: 4) == nil)
        #expect(w.k.mapping(task: w.A, page: 6) == nil)
    }

    @Test func unmapWithoutR_downgradesDescendants() throws {
        var w = try Self.chain()
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.otherSpaces, [Self.page(2, Rights.memW)])
        #expect(w.k.mapping(task: w.A, page: 2)?.rights == Rights.memAll)
        #expect(w.k.mapping(task: w.B, page: 4)?.rights == Rights.memR | Rights.memX)
        #expect(w.k.mapping(task: w.A, page: 6)?.rights == Rights.memR | Rights.memX)
    }

    @Test func unmapWritesTheFlexpagesBack_evenWithoutAReceivePhase() throws {
        var w = try Self.chain()
        let e = w.k.taskUnmap(Slot.task, mask: UnmapMask.otherSpaces, [Self.page(2)], flags: Abi.send)
        #expect(e.outcome == .success)
        #expect(e.tag == MsgTag(label: Proto.task, words: 3))          // the result tag is dropped
        #expect(w.k.mr(w.a, 2) == Self.page(2).raw & ~0xF)
        #expect(w.k.mapping(task: w.B, page: 4) == nil)
    }

    @Test func unmapObject_withoutAllSpaces_isANoOp() throws {
        var w = try Self.world()
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.otherSpaces, [Self.obj(Slot.b, 0xF)])
        #expect(w.k.capView(task: w.A, slot: Slot.b) != nil)
    }

    @Test func unmapObject_allSpaces_releasesTheSlotOnly() throws {
        var w = try Self.world()
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.allSpaces, [Self.obj(Slot.b, 0xF)])
        #expect(w.k.capView(task: w.A, slot: Slot.b) == nil)
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .live)           // B still holds it
        #expect(w.k.thread(w.b).countedCaps == 1)
    }

    @Test func unmapObject_deleteWithoutD_onlyReleases() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 11, rights: Rights.r | Rights.w | Rights.s)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [Self.obj(11, 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .live)
        #expect(w.k.capView(task: w.A, slot: Slot.b) != nil)
    }

    @Test func unmapObject_withoutR_stripsRights() throws {
        var w = try Self.world()
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.allSpaces, [Self.obj(Slot.b, Rights.s | Rights.d)])
        #expect(w.k.capView(task: w.A, slot: Slot.b)?.rights == Rights.r | Rights.w)
    }

    @Test func releasingTheLastCountedCap_deletesTheObject_invalidatingWeakCaps() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7)
        try w.s.cap(ObjectID(.gate, g), in: w.B, at: 7, weak: true)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.allSpaces, [Self.obj(7, 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.B, slot: 7) == nil)
    }

    // MARK: - cap_info (§2)

    @Test func capValid() throws {
        var w = try Self.world()
        #expect(w.k.capValid(Slot.task, Abi.selector(Slot.b)).outcome == .ok(value: 1))
        #expect(w.k.tag(w.a).label == 1)
        #expect(w.k.capValid(Slot.task, Abi.selector(13)).outcome == .ok(value: 0))
        #expect(w.k.capValid(Slot.task, Abi.invalidCap).outcome == .ok(value: 0))
        #expect(w.k.capValid(Slot.task, Abi.selector(1000)).outcome == .ok(value: 0))     // beyond the bound
    }

    @Test func capEqual() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 11, rights: Rights.r | Rights.w | Rights.s)
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 12, rights: Rights.r)
        #expect(w.k.capEqual(Slot.task, Abi.selector(Slot.b), Abi.selector(Slot.b)).outcome == .ok(value: 1))
        #expect(w.k.capEqual(Slot.task, Abi.selector(Slot.b), Abi.selector(11)).outcome == .ok(value: 1))   // D does not count
        #expect(w.k.capEqual(Slot.task, Abi.selector(Slot.b), Abi.selector(12)).outcome == .ok(value: 0))
        #expect(w.k.capEqual(Slot.task, Abi.selector(13), Abi.selector(14)).outcome == .ok(value: 1))       // two empty slots
        #expect(w.k.capEqual(Slot.task, Abi.selector(13), Abi.selector(Slot.b)).outcome == .ok(value: 0))
        #expect(w.k.capEqual(Slot.task, Abi.invalidCap, Abi.selector(Slot.a)).outcome == .ok(value: 0))
        #expect(w.k.capEqual(Slot.task, Abi.invalidCap, Abi.invalidCap | 0x1).outcome == .ok(value: 1))
    }

    @Test func capInfo_wrongWordCount_isEinval() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.task, Msg(label: Proto.task, words: [2])).outcome == .error(.einval))
    }

    @Test func task_wrongProtocol_isEbadprotoEvenWithoutReceivePhase() throws {
        var w = try Self.world()
        let e = w.k.send(Slot.task, Msg(label: 3, words: [2, 0]))
        #expect(e.outcome == .error(.ebadproto))
        #expect(e.tag.label == L4Err.ebadproto.label)
    }

    @Test func task_unknownOpcode_isEnosys() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.task, Msg(label: Proto.task, words: [9])).outcome == .error(.enosys))
    }

    @Test func addKuMem_isEnosys() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.task, Msg(label: Proto.task, words: [3, Self.page(1).raw])).outcome == .error(.enosys))
    }
}
