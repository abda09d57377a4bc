import SMT
import Symbolic

/// Array constants whose model values are canonicalised before the
/// hypotheses are evaluated: outside the indices the formulas read, each
/// gets `neutral` (an empty slot, an unmapped page, a free object). The
/// arrays of one group are asserted equal, so they share their entries.
struct RepairGroup {
    var arrays: [Expr]
    var neutral: Expr
}

extension SymbolicState {
    /// The value an entry of each array has when nothing occupies it (an
    /// empty slot, an unmapped root page, a free object without account, an
    /// unbound thread or gate), as `Spec` keeps unused entries; the ghost
    /// `owner` has none. A state that is neutral outside finitely many
    /// entries satisfies every invariant there (`LazyInstantiation`).
    static func neutralValues(_ v: Vocabulary) throws(SMTError) -> [(WritableKeyPath<SymbolicState, Expr>, Expr)] {
        let zero = try v.b8(0), none = try v.none
        return [
            (\.slotKind, zero), (\.slotObject, zero), (\.slotRights, zero), (\.slotFlags, zero),
            (\.pageFrame, none), (\.pageRights, zero), (\.pageParent, try v.b16(0)), (\.pageRooted, try v.truth(true)),
            (\.ancestor, try v.truth(false)), (\.life, try v.b8(LifeValue.free)), (\.counted, zero), (\.quota, none),
            (\.limit, try v.b16(0)), (\.used, try v.b16(0)), (\.unlimited, try v.truth(false)),
            (\.threadTask, none), (\.gateThread, none), (\.gateWaitHead, none), (\.gateLabel, try v.b16(0)),
            (\.threadState, zero), (\.partner, none), (\.pending, zero), (\.replyTo, none), (\.dying, zero), (\.prio, try v.b8(1)),
            (\.sendLabel, try v.b16(0)), (\.rcvLabel, try v.b16(0)), (\.sendRights, zero), (\.receiveZero, zero), (\.sendItem, zero),
            (\.queuedAt, try v.b16(0)), (\.irqThread, none), (\.irqDelivery, zero), (\.irqMasked, zero), (\.irqLabel, try v.b16(0)),
        ]
    }

    /// Repair groups for these state copies; the fields in `shared` are
    /// asserted equal across the copies, so they are repaired together.
    static func repairGroups(_ states: [SymbolicState], shared: [WritableKeyPath<SymbolicState, Expr>] = [],
                             _ v: Vocabulary) throws(SMTError) -> [RepairGroup] {
        var groups: [RepairGroup] = []
        for (field, neutral) in try neutralValues(v) {
            if shared.contains(field) {
                groups.append(RepairGroup(arrays: states.map { $0[keyPath: field] }, neutral: neutral))
            } else {
                groups += states.map { RepairGroup(arrays: [$0[keyPath: field]], neutral: neutral) }
            }
        }
        return groups
    }
}
