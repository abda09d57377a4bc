import Atomics
import Foundation

/// How a system's states are stored between BFS levels (DESIGN §5: "compact
/// frontier"). A codec writes a state as at most `maxBytes` bytes and reads it
/// back; systems without one keep their frontier as Swift values.
public struct StateCodec<State>: Sendable {
    public var maxBytes: Int
    public var encode: @Sendable (State, UnsafeMutableRawPointer) -> Int
    public var decode: @Sendable (UnsafeRawBufferPointer) -> State
    /// The state's own bytes (`raw`): a block stores them at a fixed stride
    /// without calling `encode`/`decode` per state.
    var isRaw = false

    public init(maxBytes: Int, encode: @escaping @Sendable (State, UnsafeMutableRawPointer) -> Int,
                decode: @escaping @Sendable (UnsafeRawBufferPointer) -> State) {
        self.maxBytes = maxBytes
        self.encode = encode
        self.decode = decode
    }
}

extension StateCodec where State: BitwiseCopyable {
    /// The state's own bytes, uncompressed.
    /// Blocks copy such states directly instead of calling the closures.
    public static var raw: StateCodec<State> {
        var codec = StateCodec(maxBytes: MemoryLayout<State>.size,
                   encode: { s, out in
                       withUnsafeBytes(of: s) { if let b = $0.baseAddress { out.copyMemory(from: b, byteCount: $0.count) } }
                       return MemoryLayout<State>.size
                   },
                   decode: { $0.loadUnaligned(as: State.self) })
        codec.isRaw = true
        return codec
    }
}

/// One block of a BFS level: up to `stateLimit` states, encoded back to back
/// (or kept as values), each with its trace record. Blocks are recycled
/// through a `BlockPool`, so a level reuses the pages of the one before it.
final class FrontierBlock<State>: @unchecked Sendable {
    static var stateLimit: Int { 16_384 }
    /// Room for the encoded states: 1 MiB, or less for small fixed-size states.
    static func byteCapacity(_ codec: StateCodec<State>?) -> Int {
        guard let codec else { return 0 }
        return min(1 << 20, max(codec.maxBytes, stateLimit * codec.maxBytes))
    }
    /// Fixed footprint of one block, for the memory budget.
    static func footprint(_ codec: StateCodec<State>?) -> Int {
        byteCapacity(codec) + stateLimit * (8 + (codec == nil ? MemoryLayout<State>.stride : codec?.isRaw == true ? 0 : 4))
    }

    let byteCapacity: Int
    let bytes: UnsafeMutableRawPointer
    /// The codec is `raw`: states lie at a fixed stride, copied directly.
    let raw: Bool
    /// Bytes a state may take: the codec's bound (0 for Swift values).
    let maxBytes: Int
    var used = 0
    var ends: [UInt32] = []
    var values: [State] = []
    /// Per state: parent id << 32 | action index (see `TraceRecords`).
    private(set) var records: UnsafeMutablePointer<UInt64>
    private(set) var count = 0
    /// The id of the block's first state, assigned when its level closes.
    var idBase = 0
    /// States not yet expanded while its level is being expanded; 0 otherwise
    /// (then the block is either recycled or still being filled).
    let pending = ManagedAtomic<Int>(0)

    init(codec: StateCodec<State>?) {
        byteCapacity = Self.byteCapacity(codec)
        bytes = .allocate(byteCount: max(byteCapacity, 1), alignment: 16)
        raw = codec?.isRaw == true
        maxBytes = codec?.maxBytes ?? 0
        if codec == nil { values.reserveCapacity(Self.stateLimit) } else if !raw { ends.reserveCapacity(Self.stateLimit) }
        records = .allocate(capacity: Self.stateLimit)
    }

    deinit {
        bytes.deallocate()
        records.deallocate()
    }

    @inline(__always)
    var hasRoom: Bool { count < Self.stateLimit && used &+ maxBytes <= byteCapacity }

    /// Call only when `hasRoom`.
    @inline(__always)
    func append(_ state: State, record: UInt64, codec: StateCodec<State>?) {
        if raw {
            bytes.storeBytes(of: state, toByteOffset: used, as: State.self)
            used += MemoryLayout<State>.size
        } else if let codec {
            used += codec.encode(state, bytes + used)
            ends.append(UInt32(used))
        } else {
            values.append(state)
        }
        records[count] = record
        count &+= 1
    }

    @inline(__always)
    func state(at i: Int, codec: StateCodec<State>?) -> State {
        if raw { return bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<State>.size, as: State.self) }
        guard let codec else { return values[i] }
        let lo = i == 0 ? 0 : Int(ends[i - 1])
        return codec.decode(UnsafeRawBufferPointer(start: bytes + lo, count: Int(ends[i]) - lo))
    }

    /// Hands the records to `TraceRecords` when the block's level closes
    /// (the block is not appended to again before `reset`).
    func takeRecords() -> UnsafeMutablePointer<UInt64> {
        defer { records = .allocate(capacity: Self.stateLimit) }
        return records
    }

    func reset() {
        used = 0
        count = 0
        ends.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        idBase = 0
        pending.store(0, ordering: .relaxed)
    }
}

/// Hands out empty blocks and takes back those of a finished level.
final class BlockPool<State>: @unchecked Sendable {
    let lock = NSLock()
    var free: [FrontierBlock<State>] = []
    let live = ManagedAtomic<Int>(0)
    let codec: StateCodec<State>?
    let footprint: Int

    init(codec: StateCodec<State>?) {
        self.codec = codec
        footprint = FrontierBlock<State>.footprint(codec)
    }

    /// Blocks currently allocated (in use or free), for the memory budget.
    var allocatedBytes: Int { live.load(ordering: .relaxed) * footprint }

    func take() -> FrontierBlock<State> {
        lock.lock()
        defer { lock.unlock() }
        if let b = free.popLast() { return b }
        live.wrappingIncrement(ordering: .relaxed)
        return FrontierBlock(codec: codec)
    }

    func give(_ blocks: [FrontierBlock<State>]) {
        for b in blocks { b.reset() }
        lock.lock()
        free.append(contentsOf: blocks)
        lock.unlock()
    }

    /// Frees the spare blocks beyond what the next level is likely to need.
    func trim(keeping n: Int) {
        lock.lock()
        let drop = max(0, free.count - n)
        free.removeLast(drop)
        lock.unlock()
        live.wrappingDecrement(by: drop, ordering: .relaxed)
    }
}

/// The parent link of every visited state, by id (ids count states in BFS
/// order, level by level): parent id << 32 | action index, or for an initial
/// state `root` << 32 | its index among the initial states. 8 bytes per state,
/// kept in the buffers the frontier blocks filled, handed over as each level
/// closes (pages past a block's last state are never touched).
struct TraceRecords {
    static let root: UInt64 = 0xFFFF_FFFF
    var parts: [(base: Int, records: RecordPart)] = []
    var count = 0

    var bytes: Int { count * 8 }

    /// Takes over the block's records (no copy; the block gets an untouched
    /// buffer, so recycled blocks hold no resident record pages).
    mutating func append<S>(_ block: FrontierBlock<S>) {
        block.idBase = count
        parts.append((count, RecordPart(block.takeRecords(), count: block.count)))
        count += block.count
    }

    func record(_ id: Int) -> UInt64? {
        var lo = 0, hi = parts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if parts[mid].base <= id { lo = mid } else { hi = mid }
        }
        guard lo < parts.count, id >= parts[lo].base, id - parts[lo].base < parts[lo].records.count else { return nil }
        return parts[lo].records[id - parts[lo].base]
    }

    static func pack(parent: Int, action: Int) -> UInt64 { UInt64(parent) << 32 | UInt64(UInt32(truncatingIfNeeded: action)) }
}

/// The trace records of one closed block, owned from then on.
final class RecordPart: @unchecked Sendable {
    let records: UnsafeMutablePointer<UInt64>
    let count: Int

    init(_ records: UnsafeMutablePointer<UInt64>, count: Int) {
        self.records = records
        self.count = count
    }

    deinit { records.deallocate() }

    subscript(i: Int) -> UInt64 { records[i] }
}
