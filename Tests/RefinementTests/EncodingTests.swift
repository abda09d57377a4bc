import KernelImpl
import Refinement
import Spec
import Testing

/// Spec invocations laid out as the L4Re C API would (kernel-api §1, §4).
@Suite struct EncodingTests {
    @Test func call_withWordsItemAndBuffer() {
        let item = Spec.SendItem(space: .object, index: 5, rights: CapRights([.r, .w]).rawValue, weak: true)
        let inv = Invocation.ipcCall(cap: .slot(SlotIndex(3)), Message(words: [1, 2], label: 8, item: item), send: .never, receive: .zero,
                                     buffer: .object(SlotIndex(6)))
        let c = EventEncoding.encode(inv, utcb: Utcb())
        #expect(c.registers.destination == 3 << 12 | Abi.send | Abi.recv)
        #expect(c.registers.tag == MsgTag(label: 0, words: 2, items: 1).raw)
        #expect(c.registers.label == 8)
        #expect(c.registers.timeouts == Abi.timeouts(send: Timeouts.never, receive: Timeouts.zero))
        #expect(c.utcb[mr: 0] == 1 && c.utcb[mr: 1] == 2)
        #expect(c.utcb[mr: 2] == KernelImpl.SendItem.control(attributes: KernelImpl.SendItem.noRefCount))
        #expect(c.utcb[mr: 3] == Fpage.object(index: 5, rights: 0x5).raw)
        #expect(c.utcb.bdr == 0 && c.utcb[br: 0] == RcvItem.singleCap(index: 6))
    }

    @Test func self_isTheInvalidCapSelector_andSleepHasBothTimeouts() {
        let c = EventEncoding.encode(.ipcSleep(timeout: .zero), utcb: Utcb())
        #expect(c.registers.destination == Abi.invalidCap | Abi.recv)
        #expect(c.registers.timeouts == Abi.timeouts(send: Timeouts.zero, receive: Timeouts.zero))
    }

    @Test func taskMap_putsTheSourceAsTypedItem_andTheHotSpotInTheControlWord() {
        let item = Spec.SendItem(space: .memory, index: 1, rights: MemRights.r.rawValue)
        let c = EventEncoding.encode(.taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)), item: item, order: 1, sndBase: 2), utcb: Utcb())
        #expect(c.registers.tag == MsgTag(label: Proto.task, words: 3, items: 1).raw)
        #expect(c.utcb[mr: 0] == 0)
        #expect(c.utcb[mr: 1] == KernelImpl.SendItem.control(sendBase: 2 << 12))
        #expect(c.utcb[mr: 2] == Fpage.memory(address: 0x1000, order: 13, rights: 4).raw)
        #expect(Fpage(raw: c.utcb[mr: 4]).kind == .object && c.utcb[mr: 4] >> 12 == 1)
        // `self` has no object flexpage: a void item (-EINVAL, kernel-api §3 intro).
        let s = EventEncoding.encode(.taskMap(dst: .slot(SlotIndex(5)), src: .this, item: item, order: 0, sndBase: 2), utcb: Utcb())
        #expect(s.utcb[mr: 3] == 0)
    }

    @Test func irqOperations_followTheCApi() {
        let trigger = EventEncoding.encode(.irqTrigger(irq: .slot(SlotIndex(6))), utcb: Utcb())
        #expect(trigger.registers.destination == 6 << 12 | Abi.send)
        #expect(trigger.registers.timeouts == Abi.timeouts(send: Timeouts.zero, receive: Timeouts.zero))
        #expect(trigger.registers.tag == MsgTag(label: Proto.irq).raw)
        let receive = EventEncoding.encode(.irqReceive(irq: .slot(SlotIndex(6)), timeout: .zero), utcb: Utcb())
        #expect(receive.registers.destination == 6 << 12 | Abi.send | Abi.recv)
        #expect(receive.utcb[mr: 0] == 4)
        #expect(receive.registers.timeouts == Abi.timeouts(send: Timeouts.never, receive: Timeouts.zero))
    }

    @Test func unmaskScopesAndDelete_becomeTheUnmapMask() {
        let c = EventEncoding.encode(.taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 4, order: 0, rights: 0xF, scope: .allSpaces, delete: true),
                                     utcb: Utcb())
        #expect(c.utcb[mr: 0] == 1 && c.utcb[mr: 1] == UnmapMask.deleteObject)
        let other = EventEncoding.encode(.taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 4, order: 0, rights: 0xF, scope: .otherSpaces, delete: true),
                                         utcb: Utcb())
        #expect(other.utcb[mr: 1] == 0x4000_0000)
    }
}
