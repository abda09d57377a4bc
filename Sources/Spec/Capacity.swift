/// Compile-time capacities of the flat state. A scenario's bounds must fit inside
/// them (the Scenarios module rejects larger ones with a clear error); they are
/// deliberately small because the explorer enumerates states (DESIGN §5).
public enum Capacity {
    public static let tasks = 4
    public static let slotsPerTask = 8
    public static let pagesPerTask = 4
    public static let threads = 6
    public static let gates = 4
    public static let irqs = 2
    public static let factories = 3
    public static let cpus = 2
    public static let frames = 16
    /// Untyped message words carried by one IPC (kernel-api §6.2 copies up to 63).
    public static let words = 2
}

/// Fixed-size storage for the state's tables (one per kind of record).
public typealias SlotTable = InlineArray<32, Slot>          // tasks × slotsPerTask
public typealias PageTable = InlineArray<16, PageEntry>     // tasks × pagesPerTask
public typealias TaskTable = InlineArray<4, TaskRecord>
public typealias ThreadTable = InlineArray<6, ThreadRecord>
public typealias GateTable = InlineArray<4, GateRecord>
public typealias IrqTable = InlineArray<2, IrqRecord>
public typealias FactoryTable = InlineArray<3, FactoryRecord>
public typealias ReadyTable = InlineArray<2, ReadyList>
public typealias Words = InlineArray<2, UInt16>
