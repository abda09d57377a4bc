/// Seeded faults, for measuring the refinement harness only (issue 6 point 5,
/// DESIGN §10 "a checker that cannot fail is a defect").
///
/// Each case is one mistake of the kind kernel developers make, written as a
/// small mutated branch at the exact place of the real code; the branch is
/// taken only when the fault is in `KernelConfig.faults`, which is empty by
/// default. The API is `@_spi(FaultInjection)`: only code that asks for it
/// (`@_spi(FaultInjection) import KernelImpl` — the harness, its tests and
/// the hidden `l4spec refine --inject-fault`) can switch a fault on.
@_spi(FaultInjection)
public enum Fault: String, CaseIterable, Hashable, Sendable {
    /// Object flexpage ranges taken as closed (`base...end`): one slot too many (`unitRange`).
    case slotRangeOffByOne = "slot-range-off-by-one"
    /// `task.map` forgets the W check on the destination task capability (§3.1).
    case mapWithoutWriteRight = "map-without-write-right"
    /// Revocation removes the children of a mapping but not their descendants (§5.1).
    case revokeForgetsGrandchildren = "revoke-forgets-grandchildren"
    /// A sender is queued in front of the senders of its own priority (§6.2 FIFO per priority).
    case senderQueueLifo = "sender-queue-lifo"
    /// Freeing an object does not return its kernel memory to the factory (§3.4).
    case quotaNotRefunded = "quota-not-refunded"
    /// The implicit reply slot is not consumed by a reply (§6.4).
    case replyCapReusable = "reply-cap-reusable"
    /// "Self" selectors tested on bit 10 (`L4_REPLY_CAP_BIT`) instead of bit 11 (§1).
    case selfSelectorWrongBit = "self-selector-wrong-bit"
    /// An object grant copies: the source slot stays (§4.7).
    case grantKeepsSource = "grant-keeps-source"
    /// Overmap rule 1: a re-map from the parent replaces the rights instead of adding them (§4.6).
    case overmapReplacesRights = "overmap-replaces-rights"
    /// A relative timeout with mantissa 0 (`L4_IPC_TIMEOUT_0`) waits forever (§1 Timeouts).
    case zeroTimeoutNever = "zero-timeout-never"
    /// IPC through a gate delivers the sender's label instead of gate label | W/S (§3.3, §6.7).
    case gateLabelNotDelivered = "gate-label-not-delivered"
    /// Unlinking the last thread of a priority level leaves its bitmap bit set (§9).
    case readyBitmapNotCleared = "ready-bitmap-not-cleared"
    /// An empty slot as an object argument gives `-ENOENT` instead of `-EINVAL` (§3 intro).
    case emptySlotEnoent = "empty-slot-enoent"
    /// A W/X unmap downgrades the mapping itself but not its descendants (§5.1).
    case downgradeSkipsDescendants = "downgrade-skips-descendants"
    /// Memory map ignores the flexpage's rights mask (§4.5).
    case mapIgnoresRightsMask = "map-ignores-rights-mask"
    /// Factory create charges the new object twice (§3.4).
    case factoryChargedTwice = "factory-charged-twice"
    /// Irq unmask (op 4) does not unmask (§7).
    case irqUnmaskIgnored = "irq-unmask-ignored"
    /// A woken thread goes to the back of its ready level instead of the front (§9).
    case wakeAtBack = "wake-at-back"
    /// The transfer copies one untyped word too few (§6.2 step 4).
    case lastWordDropped = "last-word-dropped"
    /// The S right of a sent capability is not masked by the receiver cap's S (§4.5).
    case sendRightNotMasked = "send-right-not-masked"
}

/// A set of seeded faults as a bit mask, so the check on the production path
/// is one AND (`Kernel.injected`).
@_spi(FaultInjection)
public struct FaultSet: Hashable, Sendable {
    private var bits: UInt64 = 0

    public init() {}
    public init(_ faults: some Sequence<Fault>) {
        for f in faults { insert(f) }
    }

    private static let order = Fault.allCases

    private static func bit(_ f: Fault) -> UInt64 {
        UInt64(1) << UInt64(order.firstIndex(of: f) ?? 63)
    }

    public func contains(_ f: Fault) -> Bool { bits & FaultSet.bit(f) != 0 }
    public mutating func insert(_ f: Fault) { bits |= FaultSet.bit(f) }
    public var isEmpty: Bool { bits == 0 }
    public var members: [Fault] { Fault.allCases.filter(contains) }
}

extension Kernel {
    /// Whether seeded fault `f` is switched on (never in production).
    @inline(__always)
    func injected(_ f: Fault) -> Bool { !config.faults.isEmpty && config.faults.contains(f) }
}

extension MappingDatabase {
    /// The direct children of `n` only — what the seeded fault
    /// `revokeForgetsGrandchildren` revokes instead of `descendants(of:)`.
    func children(of n: Int) -> [Int] {
        var out: [Int] = []
        var cur = nodes[n].firstChild
        while let c = cur, out.count < nodes.count {
            out.append(c)
            cur = nodes[c].nextSibling
        }
        return out
    }
}
