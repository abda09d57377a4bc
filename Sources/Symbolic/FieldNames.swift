import Spec

/// `Spec`'s names for the positions of the symbolic state's tables, so a
/// differential report reads `slot[task1][3].rights`, not `slotRights[259]`
/// (positions as in `ConcreteLayout`). A field missing from the table is
/// still compared; its positions are then named `field[task ‖ index]` in hex.
enum FieldNames {
    /// How a field's positions are addressed.
    enum Table {
        case slot, page, pagePair, object, factory, thread, gate, irq
        /// A sender: a thread id, or 0x80 | Irq.
        case sender
    }

    /// Field ↦ its table and the `Spec` member it mirrors.
    static let table: [String: (Table, String)] = [
        "slotKind": (.slot, "kind"), "slotObject": (.slot, "object"), "slotRights": (.slot, "rights"), "slotFlags": (.slot, "flags"),
        "pageFrame": (.page, "frame"), "pageRights": (.page, "rights"), "pageParent": (.page, "parent"),
        "pageRooted": (.page, "rooted"), "ancestor": (.pagePair, ""),
        "life": (.object, "life"), "counted": (.object, "counted"), "quota": (.object, "quota"),
        "limit": (.factory, "limit"), "used": (.factory, "used"), "unlimited": (.factory, "unlimited"),
        "threadTask": (.thread, "task"), "gateThread": (.gate, "thread"), "gateWaitHead": (.gate, "waitHead"),
        "gateLabel": (.gate, "label"),
        "threadState": (.thread, "state"), "partner": (.thread, "partner"), "pending": (.thread, "pending"),
        "replyTo": (.thread, "replyTo"), "dying": (.thread, "dying"), "prio": (.thread, "prio"),
        "sendLabel": (.thread, "sendLabel"), "rcvLabel": (.thread, "rcvLabel"), "sendRights": (.thread, "sendRights"),
        "receiveZero": (.thread, "receiveZero"), "sendItem": (.thread, "sendItem"), "queuedAt": (.sender, ""),
        "irqThread": (.irq, "thread"), "irqDelivery": (.irq, "delivery"), "irqMasked": (.irq, "masked"), "irqLabel": (.irq, "label"),
    ]

    /// The name of `field` at position `p`.
    static func name(_ field: String, at p: UInt64) -> String {
        func page(_ n: UInt64) -> String { "page[task\(n >> 8 & 0xFF)][\(n & 0xFF)]" }
        guard let (table, member) = table[field] else { return "\(field)[0x\(String(p, radix: 16))]" }
        switch table {
        case .slot: return "slot[task\(p >> 8)][\(p & 0xFF)].\(member)"
        case .page: return "\(page(p)).\(member)"
        case .pagePair: return "\(field)(\(page(p >> 16)), \(page(p & 0xFFFF)))"
        case .object:
            let kind = ObjectKind(rawValue: UInt8(truncatingIfNeeded: p >> 8))
            return "\(kind.map { "\(ObjectRef($0, Int(p & 0xFF)))" } ?? "object[0x\(String(p, radix: 16))]").\(member)"
        case .factory: return "factory\(p).\(member)"
        case .thread: return "thread\(p).\(member)"
        case .gate: return "gate\(p).\(member)"
        case .irq: return "irq\(p).\(member)"
        case .sender: return "\(field)[\(p & 0x80 != 0 ? "irq\(p & 0x7F)" : "thread\(p)")]"
        }
    }
}
