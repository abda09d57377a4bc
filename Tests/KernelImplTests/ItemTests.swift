import Testing
import KernelImpl

/// Typed items in IPC (kernel-api §4.2–§4.7): object and memory flexpages
/// matched against receive buffers, return items, MSGCUT.
@Suite struct ItemTests {
    static let page2: UInt64 = 2 << 12

    /// b waits with `buffers`; A's page 2 maps frame 42 with RWX.
    static func world(buffers: [UInt64]) throws -> TwoTasks {
        var w = try TwoTasks()
        try w.k.bootPage(task: w.A, page: 2, frame: 42, rights: Rights.memAll)
        #expect(w.k.wait(Msg(buffers: buffers)).outcome == .blocked)
        return w
    }

    @Test func objectItem_landsInSingleCapBuffer_withReturnItem() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        let c = try #require(w.k.capView(task: w.B, slot: 9))
        #expect(c.object == ObjectID(.task, w.A))
        #expect(c.rights == Rights.all)
        #expect(c.counted)
        #expect(w.k.mr(w.b, 0) == 0x38)                 // map bit | object type, order 0, "something mapped"
        #expect(w.k.tag(w.b).items == 1)
    }

    @Test func objectItem_sIsMaskedByTheAddressingCap() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 10, rights: Rights.r | Rights.w)   // no S
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        #expect(w.k.send(10, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        #expect(w.k.capView(task: w.B, slot: 9)?.rights == Rights.r | Rights.w | Rights.d)
    }

    @Test func weakItem_mapsAnUncountedCopy() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        _ = w.k.send(Slot.b, Msg(items: [(SendItem.control(attributes: SendItem.noRefCount), fp.raw)]))
        #expect(w.k.capView(task: w.B, slot: 9)?.counted == false)
    }

    @Test func itemWithoutBuffer_isMsgcutOnBothSides() throws {
        var w = try Self.world(buffers: [])
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        let e = w.k.send(Slot.b, Msg(label: 4, items: [(SendItem.control(), fp.raw)]))
        #expect(e.outcome == .ipcError(.semsgcut))
        #expect(e.tag.raw == MsgTag.error)
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.remsgcut))
        #expect(w.k.error(w.b) == IpcErrorCode.remsgcut.rawValue)
        #expect(w.k.tag(w.b).hasError && w.k.tag(w.b).label == 4)   // the sender's tag with the error flag
    }

    @Test func itemWithoutMapBit_isMsgcut() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        #expect(w.k.send(Slot.b, Msg(items: [(0x1000, fp.raw)])).outcome == .ipcError(.semsgcut))
    }

    @Test func itemsPastMR62_areMsgcut() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        let fp = Fpage.object(index: Slot.task, rights: UInt64(Rights.all))
        let m = Msg(words: Array(repeating: 0, count: 62), items: [(SendItem.control(), fp.raw)])
        #expect(w.k.send(Slot.b, m).outcome == .ipcError(.semsgcut))
    }

    @Test func voidItem_isSkipped() throws {
        var w = try Self.world(buffers: [])
        #expect(w.k.send(Slot.b, Msg(words: [1], items: [(0, 0)])).outcome == .success)
        #expect(w.k.mr(w.b, 1) == 0)
    }

    @Test func memoryItem_mapsAChildNodeAtTheWindow() throws {
        var w = try Self.world(buffers: [SendItem.map, Fpage.memory(address: 5 << 12, order: 12, rights: 7).raw])
        let fp = Fpage.memory(address: Self.page2, order: 12, rights: UInt64(Rights.memR | Rights.memW))
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        let parent = try #require(w.k.mapping(task: w.A, page: 2))
        let child = try #require(w.k.mapping(task: w.B, page: 5))
        #expect(child.frame == 42 && child.parent == parent.node)
        #expect(child.rights == Rights.memR | Rights.memW)
        #expect(w.k.mr(w.b, 0) == (SendItem.map | 0x10 | 12 << 6))     // memory type, order 12
    }

    @Test func memoryItem_intoObjectBuffer_isASilentNoOp() throws {
        var w = try Self.world(buffers: [RcvItem.singleCap(index: 9)])
        let fp = Fpage.memory(address: Self.page2, order: 12, rights: 7)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        #expect(w.k.mr(w.b, 0) & 0x6 == 0)                              // "something mapped"
        #expect(w.k.mappings().count == 1)
    }

    @Test func holeInTheSource_reportsNothingMapped() throws {
        var w = try Self.world(buffers: [SendItem.map, Fpage.memory(address: 5 << 12, order: 12, rights: 7).raw])
        let fp = Fpage.memory(address: 7 << 12, order: 12, rights: 7)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        #expect(w.k.mr(w.b, 0) & 0x6 == SendItem.resultNothingMapped)
    }

    @Test func grantItem_movesTheMappingNode() throws {
        var w = try Self.world(buffers: [SendItem.map, Fpage.memory(address: 5 << 12, order: 12, rights: 7).raw])
        let node = try #require(w.k.mapping(task: w.A, page: 2)).node
        let fp = Fpage.memory(address: Self.page2, order: 12, rights: 7)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(grant: true), fp.raw)])).outcome == .success)
        #expect(w.k.mapping(task: w.A, page: 2) == nil)
        #expect(w.k.mapping(task: w.B, page: 5)?.node == node)
    }

    @Test func compoundItems_shareOneBuffer() throws {
        var w = try Self.world(buffers: [SendItem.map, Fpage.object(index: 8, order: 1, rights: 0xF).raw])
        let one = Fpage.object(index: Slot.task, rights: 0xF), two = Fpage.object(index: Slot.a, rights: 0xF)
        let m = Msg(items: [(SendItem.control(sendBase: Abi.selector(0), compound: true), one.raw),
                            (SendItem.control(sendBase: Abi.selector(1)), two.raw)])
        #expect(w.k.send(Slot.b, m).outcome == .success)
        #expect(w.k.capView(task: w.B, slot: 8)?.object == ObjectID(.task, w.A))
        #expect(w.k.capView(task: w.B, slot: 9)?.object == ObjectID(.thread, w.a))
    }

    @Test func localId_ofAGateBoundToTheReceiversTask_isLabelAndRights() throws {
        var w = try TwoTasks()
        let g = try w.k.bootGate(quota: w.s.root, thread: w.b, label: 0x40)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7, rights: Rights.r | Rights.w)
        _ = w.k.wait(Msg(buffers: [RcvItem.singleCap(index: 9, localId: true)]))
        let fp = Fpage.object(index: 7, rights: 0xF)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        #expect(w.k.mr(w.b, 0) & 0x6 == SendItem.resultLocalId)
        #expect(w.k.mr(w.b, 1) == 0x41)
        #expect(w.k.capView(task: w.B, slot: 9) == nil)
    }

    @Test func forwardMappings_needAWritableTaskCap() throws {
        var w = try TwoTasks()
        try w.s.cap(ObjectID(.task, w.A), in: w.B, at: 10, rights: Rights.r)           // no W
        _ = w.k.wait(Msg(buffers: [RcvItem.singleCap(index: 9) | RcvItem.forwardMappings, Abi.selector(10)]))
        let fp = Fpage.object(index: Slot.a, rights: 0xF)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .ipcError(.semsgcut))
    }

    @Test func forwardMappings_landInTheNamedTask() throws {
        var w = try TwoTasks()
        try w.s.cap(ObjectID(.task, w.A), in: w.B, at: 10)
        _ = w.k.wait(Msg(buffers: [RcvItem.singleCap(index: 9) | RcvItem.forwardMappings, Abi.selector(10)]))
        let fp = Fpage.object(index: Slot.b, rights: 0xF)
        #expect(w.k.send(Slot.b, Msg(items: [(SendItem.control(), fp.raw)])).outcome == .success)
        #expect(w.k.capView(task: w.A, slot: 9)?.object == ObjectID(.thread, w.b))
        #expect(w.k.capView(task: w.B, slot: 9) == nil)
    }
}
