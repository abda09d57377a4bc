import SMT
import Scenarios
import Spec
import Symbolic
import Verifier

/// Draws encoded operations (task map/unmap of order 0, factory create,
/// cap_valid/cap_equal) for the current thread, with capability arguments
/// mostly taken from the slots its task holds so most reach a rule body.
struct EncodedEvents {
    var slots: Int
    var pages: Int

    func next<G: RandomNumberGenerator>(in k: KernelState, cpu: CPU, using g: inout G) -> Event? {
        guard let t = k.current(on: cpu) else { return nil }
        let task = k.thread(t).task
        let held = task == 0xFF ? [] : (0..<slots).filter { !k.slot(TaskID(Int(task)), SlotIndex($0)).isEmpty }
        func cap(_ kind: ObjectKind? = nil) -> SlotIndex {
            let ofKind = held.filter { kind == nil || k.slot(TaskID(Int(task)), SlotIndex($0)).kindRaw == kind?.rawValue }
            if !ofKind.isEmpty && Int.random(in: 0..<8, using: &g) != 0 { return SlotIndex(ofKind.randomElement(using: &g) ?? 0) }
            return SlotIndex(Int.random(in: 0...slots, using: &g))
        }
        func index(_ n: Int) -> UInt8 { UInt8(Int.random(in: 0...n, using: &g)) }
        func rights() -> UInt8 { UInt8.random(in: 0...15, using: &g) }
        let inv: Invocation
        switch Int.random(in: 0..<10, using: &g) {
        case 0, 1:
            let item = SendItem(space: .object, index: Int(cap().raw), rights: rights(), grant: Bool.random(using: &g),
                                server: Bool.random(using: &g), weak: Int.random(in: 0..<6, using: &g) == 0)
            inv = .taskMap(dst: .slot(cap(.task)), src: .slot(cap(.task)), item: item, order: 0, sndBase: index(slots))
        case 2, 3:
            let item = SendItem(space: .memory, index: Int(index(pages)), rights: UInt8.random(in: 0...7, using: &g), grant: Bool.random(using: &g))
            inv = .taskMap(dst: .slot(cap(.task)), src: .slot(cap(.task)), item: item, order: 0, sndBase: index(pages))
        case 4:
            inv = .taskUnmap(task: .slot(cap(.task)), space: .object, index: UInt8(cap().raw), order: 0, rights: rights(),
                             scope: Bool.random(using: &g) ? .allSpaces : .otherSpaces, delete: Bool.random(using: &g))
        case 5:
            inv = .taskUnmap(task: .slot(cap(.task)), space: .memory, index: index(pages), order: 0, rights: UInt8.random(in: 0...7, using: &g),
                             scope: Bool.random(using: &g) ? .allSpaces : .otherSpaces, delete: false)
        case 6, 7:
            let kinds: [CreateKind] = [.task, .thread, .gate(label: 4, thread: nil), .irq, .factory(limit: UInt16.random(in: 0...6, using: &g))]
            let slot: SlotIndex? = Int.random(in: 0..<10, using: &g) == 0 ? nil : SlotIndex(Int(index(slots)))
            inv = .factoryCreate(factory: .slot(cap(.factory)), kind: kinds.randomElement(using: &g) ?? .irq, slot: slot)
        case 8:
            inv = .taskCapValid(task: .slot(cap(.task)), cap: .slot(cap()))
        default:
            inv = .taskCapEqual(task: .slot(cap(.task)), a: .slot(cap()), b: .slot(cap()))
        }
        return .invoke(cpu: cpu, inv)
    }
}

