/// Typed identifiers (DESIGN §2): each wraps a small index into its table so the
/// state stays flat. `none` is the all-ones byte, as in the kernel's "invalid" ids.

public struct TaskID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "task\(raw)" }
}

public struct ThreadID: Hashable, Sendable, Comparable, CustomStringConvertible, BitwiseCopyable {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "thread\(raw)" }
}

public struct GateID: Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public var description: String { "gate\(raw)" }
}

public struct IrqID: Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public var description: String { "irq\(raw)" }
}

public struct FactoryID: Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public var description: String { "factory\(raw)" }
}

/// A capability index in a task's object space (kernel-api §2). Selectors on the
/// wire are `index << 12`; the spec works with the index.
public struct SlotIndex: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "\(raw)" }
}

/// A virtual page number in a task's memory space (one 4 KiB page each).
public struct PageIndex: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "\(raw)" }
}

/// A physical frame; sigma0 is the root of every frame's mapping tree (kernel-api §5.1).
public struct FrameID: Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public var description: String { "frame\(raw)" }
}

public struct CPU: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt8
    public init(_ raw: Int) { self.raw = UInt8(truncatingIfNeeded: raw) }
    public var index: Int { Int(raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "cpu\(raw)" }
}

/// The byte that means "no such id" in every table field.
@usableFromInline let noID: UInt8 = 0xFF

/// The kinds of kernel object a capability can name (kernel-api §3).
public enum ObjectKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case task = 1, thread, gate, irq, factory, scheduler
    public var description: String {
        switch self {
        case .task: "task"
        case .thread: "thread"
        case .gate: "gate"
        case .irq: "irq"
        case .factory: "factory"
        case .scheduler: "scheduler"
        }
    }
}

extension ObjectKind {
    /// How many objects of this kind the flat state can hold (`Capacity`).
    public var capacity: Int {
        switch self {
        case .task: Capacity.tasks
        case .thread: Capacity.threads
        case .gate: Capacity.gates
        case .irq: Capacity.irqs
        case .factory: Capacity.factories
        case .scheduler: 1
        }
    }
}

/// A reference to one kernel object (kind + table index); the scheduler is a singleton.
public struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    public var kind: ObjectKind
    public var index: UInt8
    public init(_ kind: ObjectKind, _ index: Int) { self.kind = kind; self.index = UInt8(truncatingIfNeeded: index) }
    public static func task(_ t: TaskID) -> ObjectRef { ObjectRef(.task, t.index) }
    public static func thread(_ t: ThreadID) -> ObjectRef { ObjectRef(.thread, t.index) }
    public static func gate(_ g: GateID) -> ObjectRef { ObjectRef(.gate, g.index) }
    public static func irq(_ i: IrqID) -> ObjectRef { ObjectRef(.irq, i.index) }
    public static func factory(_ f: FactoryID) -> ObjectRef { ObjectRef(.factory, f.index) }
    public static let scheduler = ObjectRef(.scheduler, 0)
    public var description: String { kind == .scheduler ? "scheduler" : "\(kind)\(index)" }
}
