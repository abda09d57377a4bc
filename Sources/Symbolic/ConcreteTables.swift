import SMT
import Spec

/// A `Spec` state's encoding as Swift values, field by field: the values
/// `SymbolicState(concrete:)` stores into Z3 arrays (ConcreteState.swift),
/// which the compiled differential (`CompiledDifferential`) reads directly
/// instead of building and reading back a term per state (that was half of
/// `prove --differential`'s time). `ExploredDifferentialTests` checks that
/// the two encodings agree field by field on explored states. Positions map
/// as `ConcreteLayout` says; every entry beyond `Spec`'s capacities holds
/// the column's fill.
public enum ConcreteTables {
    /// One field: its index and element widths (0 = Boolean), the fill of
    /// positions the state does not list, and the listed entries.
    public struct Column: Sendable {
        public let name: String
        public let indexWidth: UInt32
        public let elementWidth: UInt32
        public let fill: Literal
        let entries: @Sendable (KernelState) -> [(UInt64, Literal)]
    }

    /// A field's value in one state: a table, or a configuration scalar.
    public enum Value: Sendable {
        case table(FiniteArray)
        case scalar(Literal)
    }

    /// Every field of `SymbolicState.fields` but the λ-built ghosts (`ledger`
    /// and `refLedger`, see `SymbolicState.ledger(of:)`) and the
    /// configuration scalars.
    public static let columns: [Column] = slotColumns + pageColumns + objectColumns + threadColumns + irqColumns + [
        Column(name: "owner", indexWidth: 16, elementWidth: 8, fill: .bits(0)) { _ in [] },
    ]

    /// The configuration: `SymbolicState.slotBound`, `pageBound`.
    public static let scalarNames = ["slotBound", "pageBound"]
    public static func scalars(_ k: KernelState) -> [Literal] { [b8(k.config.slotBound), b8(k.config.pageBound)] }

    /// A column's entries as listed, in the column's order: two states whose
    /// listings are equal have equal tables (the converse need not hold —
    /// the sender queues list in no fixed order).
    public struct Listing: Equatable, Sendable {
        public var positions: [UInt64] = []
        public var values: [Literal] = []
    }

    /// `k`'s fields in `SymbolicState.fields` order, each with its listing;
    /// the fields this table does not give (the λ-built ghosts) are nil.
    public static func encode(_ k: KernelState) -> [(Value, Listing?)?] {
        let scalars = scalars(k)
        return fieldOrder.map { source -> (Value, Listing?)? in
            switch source {
            case .column(let i):
                let c = columns[i], listed = c.entries(k)
                var entries: [UInt64: Literal] = Dictionary(minimumCapacity: listed.count)
                var listing = Listing()
                listing.positions.reserveCapacity(listed.count)
                listing.values.reserveCapacity(listed.count)
                for (p, value) in listed {
                    entries[p] = value
                    listing.positions.append(p)
                    listing.values.append(value)
                }
                return (.table(FiniteArray(fill: c.fill, entries: entries)), listing)
            case .scalar(let i): return (.scalar(scalars[i]), nil)
            case .none: return nil
            }
        }
    }

    /// `k`'s fields in `SymbolicState.fields` order; the fields this table
    /// does not give (the λ-built ghosts) are nil.
    public static func values(_ k: KernelState) -> [Value?] { encode(k).map { $0?.0 } }

    /// Where each of `SymbolicState.fields` comes from.
    enum Source { case column(Int), scalar(Int), none }
    static let fieldOrder: [Source] = {
        SymbolicState.fields.map { name, _ in
            if let i = columns.firstIndex(where: { $0.name == name }) { return .column(i) }
            if let i = scalarNames.firstIndex(of: name) { return .scalar(i) }
            return .none
        }
    }()

    static func b8(_ x: UInt8) -> Literal { .bits(UInt64(x)) }
    static func b16(_ x: UInt16) -> Literal { .bits(UInt64(x)) }

    static func slots(_ name: String, _ f: @escaping @Sendable (Slot) -> UInt8) -> Column {
        Column(name: name, indexWidth: 16, elementWidth: 8, fill: .bits(0)) { k in
            ConcreteLayout.slotPositions.map { p, i in (p, b8(f(k.slots[i]))) }
        }
    }

    static let slotColumns: [Column] = [
        slots("slotKind") { $0.kindRaw }, slots("slotObject") { $0.object },
        slots("slotRights") { $0.rightsRaw }, slots("slotFlags") { $0.flags },
    ]

    static let pageColumns: [Column] = [
        Column(name: "pageFrame", indexWidth: 16, elementWidth: 8, fill: .bits(0xFF)) { k in
            ConcreteLayout.nodePositions.map { p, n in (p, b8(k.pages[n].frame)) }
        },
        Column(name: "pageRights", indexWidth: 16, elementWidth: 8, fill: .bits(0)) { k in
            ConcreteLayout.nodePositions.map { p, n in (p, b8(k.pages[n].rightsRaw)) }
        },
        Column(name: "pageParent", indexWidth: 16, elementWidth: 16, fill: .bits(0)) { k in
            ConcreteLayout.nodePositions.map { p, n in (p, b16(ConcreteLayout.parentPosition(k.pages[n].parent))) }
        },
        Column(name: "pageRooted", indexWidth: 16, elementWidth: 0, fill: .truth(true)) { k in
            ConcreteLayout.nodePositions.map { p, n in (p, .truth(k.pages[n].parent == 0xFF)) }
        },
        Column(name: "ancestor", indexWidth: 32, elementWidth: 0, fill: .truth(false)) { k in
            var pairs: [(UInt64, Literal)] = []
            for (pa, a) in ConcreteLayout.nodePositions {
                for (pn, n) in ConcreteLayout.nodePositions where ConcreteLayout.isAncestor(k, a, of: n) {
                    pairs.append((pa << 16 | pn, .truth(true)))
                }
            }
            return pairs
        },
    ]

    static func objects(_ name: String, fill: UInt8, _ f: @escaping @Sendable (KernelState, ObjectRef) -> UInt8) -> Column {
        Column(name: name, indexWidth: 16, elementWidth: 8, fill: .bits(UInt64(fill))) { k in
            ConcreteLayout.objects.map { p, r in (p, b8(f(k, r))) }
        }
    }

    /// A column over one record table: position i holds `f` of `record(k, i)`.
    static func records<R>(_ name: String, _ count: Int, fill: Literal, width: UInt32, _ record: @escaping @Sendable (KernelState, Int) -> R,
                           _ f: @escaping @Sendable (R) -> Literal) -> Column {
        Column(name: name, indexWidth: 8, elementWidth: width, fill: fill) { k in
            (0..<count).map { (UInt64($0), f(record(k, $0))) }
        }
    }

    static func factories(_ name: String, fill: Literal, width: UInt32, _ f: @escaping @Sendable (FactoryRecord) -> Literal) -> Column {
        records(name, Capacity.factories, fill: fill, width: width, { $0.factory(FactoryID($1)) }, f)
    }

    static func gates(_ name: String, fill: Literal, width: UInt32, _ f: @escaping @Sendable (GateRecord) -> Literal) -> Column {
        records(name, Capacity.gates, fill: fill, width: width, { $0.gate(GateID($1)) }, f)
    }

    static let objectColumns: [Column] = [
        objects("life", fill: 0) { k, r in k.life(of: r).rawValue },
        objects("counted", fill: 0) { k, r in UInt8(k.countedRefs(r)) },
        objects("quota", fill: 0xFF) { k, r in k.quotaAccount(of: r) },
        factories("limit", fill: .bits(0), width: 16) { b16($0.limit) },
        factories("used", fill: .bits(0), width: 16) { b16($0.used) },
        factories("unlimited", fill: .truth(false), width: 0) { .truth($0.unlimited != 0) },
        gates("gateThread", fill: .bits(0xFF), width: 8) { b8($0.thread) },
        gates("gateWaitHead", fill: .bits(0xFF), width: 8) { b8($0.waitHead) },
        gates("gateLabel", fill: .bits(0), width: 16) { b16($0.label) },
    ]

    static func threads(_ name: String, fill: UInt8, width: UInt32 = 8, _ f: @escaping @Sendable (ThreadRecord) -> UInt64) -> Column {
        records(name, Capacity.threads, fill: .bits(UInt64(fill)), width: width, { $0.thread(ThreadID($1)) }) { .bits(f($0)) }
    }

    static let threadColumns: [Column] = [
        threads("threadTask", fill: 0xFF) { UInt64($0.task) },
        threads("threadState", fill: 0) { UInt64($0.stateRaw) },
        threads("partner", fill: 0xFF) { UInt64($0.partner) },
        threads("pending", fill: 0) { UInt64($0.pendingRaw) },
        threads("replyTo", fill: 0xFF) { UInt64($0.replyTo) },
        threads("dying", fill: 0) { UInt64($0.dying) },
        threads("prio", fill: 1) { UInt64($0.prio) },
        threads("sendRights", fill: 0) { UInt64($0.sendRights) },
        threads("receiveZero", fill: 0) { UInt64($0.receiveTimeoutZero) },
        threads("sendItem", fill: 0) { UInt64($0.sendItemKind) },
        threads("sendLabel", fill: 0, width: 16) { UInt64($0.sendLabel) },
        threads("rcvLabel", fill: 0, width: 16) { UInt64($0.rcvLabel) },
        Column(name: "queuedAt", indexWidth: 8, elementWidth: 16, fill: .bits(0)) { k in
            ConcreteLayout.queues(k).map { sender, q in (UInt64(sender), b16(q)) }
        },
    ]

    static func irqs(_ name: String, fill: UInt8, width: UInt32 = 8, _ f: @escaping @Sendable (IrqRecord) -> UInt64) -> Column {
        records(name, Capacity.irqs, fill: .bits(UInt64(fill)), width: width, { $0.irq(IrqID($1)) }) { .bits(f($0)) }
    }

    static let irqColumns: [Column] = [
        irqs("irqThread", fill: 0xFF) { UInt64($0.thread) },
        irqs("irqDelivery", fill: 0) { UInt64($0.deliveryRaw) },
        irqs("irqMasked", fill: 0) { UInt64($0.masked) },
        irqs("irqLabel", fill: 0, width: 16) { UInt64($0.label) },
    ]
}
