import Testing
import KernelImpl

/// Factory create and kernel-memory quota in bytes (kernel-api §3.4, §8).
@Suite struct FactoryTests {
    static func world(sizes: ObjectSizes = .amd64) throws -> TwoTasks {
        var w = try TwoTasks(sizes: sizes)
        _ = w.k.sleep(Timeouts.never)                  // b blocks; a runs
        return w
    }

    @Test func createEachKind_putsAFullRightsCapIntoTheCallersSlot_andChargesBytes() throws {
        var w = try Self.world()
        let before = try #require(w.k.factoryView(w.s.root)).used
        let kinds: [(Int64, ObjectKind, UInt64?)] = [(Proto.task, .task, 0), (Proto.thread, .thread, nil), (0, .gate, nil),
                                                     (Proto.irqSender, .irq, nil), (Proto.factory, .factory, 4096)]
        for (n, (proto, kind, value)) in kinds.enumerated() {
            let e = w.k.create(Slot.factory, proto: proto, value: value, into: 8 + n)
            #expect(e.outcome == .success)
            #expect(e.tag == MsgTag(label: 0, items: 1))
            #expect(w.k.mr(w.a, 0) == 0x38)                         // the object return item
            let c = try #require(w.k.capView(task: w.A, slot: 8 + n))
            #expect(c.object.kind == kind && c.rights == Rights.all && c.counted)
            #expect(c.server == (kind == .gate))
        }
        let s = ObjectSizes.amd64
        #expect(w.k.factoryView(w.s.root)?.used == before + s.task + s.thread + s.gate + s.irq + s.factory + 4096)
    }

    @Test func newThread_isDeadUnboundWithDefaults() throws {
        var w = try Self.world()
        _ = w.k.create(Slot.factory, proto: Proto.thread, into: 8)
        let t = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        let v = w.k.thread(t)
        #expect(v.state == .dead && v.task == nil && v.cpu == nil && v.priority == 1 && v.pager == nil)
    }

    @Test func gateWithThread_isBoundWithTheLabel() throws {
        var w = try Self.world()
        let e = w.k.create(Slot.factory, proto: 0, value: 0x40, items: [(SendItem.map, Fpage.object(index: Slot.b, rights: 0).raw)], into: 8)
        #expect(e.outcome == .success)
        let g = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        #expect(w.k.gateView(g)?.thread == w.b && w.k.gateView(g)?.label == 0x40)
    }

    @Test func gateWithThread_errors() throws {
        var w = try Self.world()
        let item = [(SendItem.map, Fpage.object(index: Slot.b, rights: 0).raw)]
        #expect(w.k.create(Slot.factory, proto: 0, value: 0x41, items: item, into: 8).outcome == .error(.einval))
        #expect(w.k.create(Slot.factory, proto: 0, value: 0, items: [(SendItem.map, Fpage.object(index: Slot.task, rights: 0).raw)], into: 8).outcome == .error(.einval))
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 11, rights: Rights.r)
        #expect(w.k.create(Slot.factory, proto: 0, value: 0, items: [(SendItem.map, Fpage.object(index: 11, rights: 0).raw)], into: 8).outcome == .error(.eperm))
        let short = Msg(label: Proto.factory, words: [0], items: item, buffers: [RcvItem.singleCap(index: 8)])
        #expect(w.k.call(Slot.factory, short).outcome == .error(.emsgtooshort))
    }

    @Test func withoutS_isEperm() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.factory, w.s.root), in: w.A, at: 11, rights: Rights.r | Rights.w)
        #expect(w.k.create(11, proto: Proto.thread, into: 8).outcome == .error(.eperm))
    }

    @Test func wrongProtocol_isEbadproto_unknownType_isEnodev() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.factory, Msg(label: 0, words: [0], buffers: [RcvItem.singleCap(index: 8)])).outcome == .error(.ebadproto))
        #expect(w.k.create(Slot.factory, proto: Proto.irq, into: 8).outcome == .error(.enodev))
        #expect(w.k.create(Slot.factory, proto: 5, into: 8).outcome == .error(.enodev))
    }

    @Test func noReceiveBuffer_isRemsgcut() throws {
        var w = try Self.world()
        let e = w.k.create(Slot.factory, proto: Proto.thread, into: nil)
        #expect(e.outcome == .ipcError(.remsgcut))
        #expect(e.tag.raw == MsgTag.error)
        #expect(w.k.error(w.a) == IpcErrorCode.remsgcut.rawValue)
    }

    @Test func windowBuffer_usesItsBaseIndexAsWritten() throws {
        var w = try Self.world()
        let m = Msg(label: Proto.factory, words: [UInt64(bitPattern: Proto.thread)],
                    buffers: [SendItem.map, Fpage.object(index: 9, order: 2, rights: 0xF).raw])
        #expect(w.k.call(Slot.factory, m).outcome == .success)
        #expect(w.k.capView(task: w.A, slot: 9)?.object.kind == .thread)
    }

    @Test func slotBeyondTheBound_isEnomem() throws {
        var w = try Self.world()
        let used = w.k.factoryView(w.s.root)?.used
        #expect(w.k.create(Slot.factory, proto: Proto.thread, into: 16).outcome == .error(.enomem))
        #expect(w.k.factoryView(w.s.root)?.used == used)
    }

    @Test func quotaExhausted_isEnomem() throws {
        var w = try Self.world()
        _ = w.k.create(Slot.factory, proto: Proto.factory, value: 300, into: 8)      // child with 300 bytes
        let child = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        #expect(w.k.create(8, proto: 0, into: 9).outcome == .success)                 // gate: 128
        #expect(w.k.create(8, proto: 0, into: 10).outcome == .success)                // 256
        #expect(w.k.create(8, proto: 0, into: 11).outcome == .error(.enomem))         // 384 > 300
        #expect(w.k.factoryView(child)?.used == 256)
        #expect(w.k.capView(task: w.A, slot: 11) == nil)
    }

    @Test func tableFull_isEnomem() throws {
        var w = try Self.world()
        for s in 8..<12 { _ = w.k.create(Slot.factory, proto: 0, into: s) }          // 4 gates: the table is full
        #expect(w.k.create(Slot.factory, proto: 0, into: 12).outcome == .error(.enomem))
    }

    @Test func childFactory_argumentErrors() throws {
        var w = try Self.world()
        #expect(w.k.create(Slot.factory, proto: Proto.factory, value: 0, into: 8).outcome == .error(.enomem))
        #expect(w.k.create(Slot.factory, proto: Proto.factory, value: UInt64(Int64.max), into: 8).outcome == .error(.enomem))
        #expect(w.k.create(Slot.factory, proto: Proto.factory, into: 8).outcome == .error(.emsgtooshort))
        let long = Msg(label: Proto.factory, words: [UInt64(bitPattern: Proto.factory), 0, 100, 0], buffers: [RcvItem.singleCap(index: 8)])
        #expect(w.k.call(Slot.factory, long).outcome == .error(.emsgtoolong))
    }

    @Test func task_needsThreeWords_andAValidKuFlexpage() throws {
        var w = try Self.world()
        #expect(w.k.create(Slot.factory, proto: Proto.task, into: 8).outcome == .error(.einval))
        #expect(w.k.create(Slot.factory, proto: Proto.task, value: Fpage.memory(address: 0, order: 11, rights: 7).raw, into: 8).outcome == .error(.einval))
        let ku = Fpage.memory(address: 0x4000, order: 12, rights: 7)
        #expect(w.k.create(Slot.factory, proto: Proto.task, value: ku.raw, into: 8).outcome == .success)
        #expect(w.k.mr(w.a, 0) == ku.raw & ~0xF)
        #expect(w.k.mr(w.a, 1) == 0x38)
    }

    @Test func createIntoASlotHoldingADCap_destroysTheOldObject() throws {
        var w = try Self.world()
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 8)
        try w.s.cap(ObjectID(.gate, g), in: w.B, at: 8)
        #expect(w.k.create(Slot.factory, proto: Proto.thread, into: 8).outcome == .success)
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.B, slot: 8) == nil)
    }

    @Test func deletedChildFactory_returnsItsReservationOnceDrained() throws {
        var w = try Self.world()
        let before = try #require(w.k.factoryView(w.s.root)).used
        _ = w.k.create(Slot.factory, proto: Proto.factory, value: 1000, into: 8)
        let child = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        _ = w.k.create(8, proto: 0, into: 9)                                           // a gate charged to the child
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: 8, rights: 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.factory, child)) == .zombie)                // the gate still lives
        #expect(w.k.create(Slot.factory, proto: 0, into: 8).outcome == .success)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: 9, rights: 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.factory, child)) == .free)
        #expect(w.k.factoryView(w.s.root)?.used == before + ObjectSizes.amd64.gate)    // only the new gate
    }

    @Test func sizesAreConfigurable() throws {
        let units = ObjectSizes(task: 3, thread: 2, gate: 1, irq: 1, factory: 1)
        var w = try Self.world(sizes: units)
        _ = w.k.create(Slot.factory, proto: Proto.factory, value: 2, into: 8)
        #expect(w.k.create(8, proto: Proto.thread, into: 9).outcome == .success)
        #expect(w.k.create(8, proto: 0, into: 10).outcome == .error(.enomem))
    }

    @Test func withoutReceivePhase_nothingIsCreated() throws {
        var w = try Self.world()
        let m = Msg(label: Proto.factory, words: [UInt64(bitPattern: Proto.thread)], buffers: [RcvItem.singleCap(index: 8)])
        #expect(w.k.send(Slot.factory, m).outcome == .success)
        #expect(w.k.capView(task: w.A, slot: 8) == nil)
    }

    @Test func receiveOnlyOnAFactory_isASleepOnTheCaller() throws {
        var w = try Self.world()
        #expect(w.k.receive(Slot.factory, Msg(receive: Timeouts.zero)).outcome == .ipcError(.retimeout))
        #expect(w.k.receive(Slot.factory).outcome == .blocked)
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.a)))
    }
}
