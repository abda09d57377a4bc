import Atomics
import CacheHints

/// The visited set (DESIGN §5): 64-bit fingerprints only, 8 bytes per slot in
/// one open-addressing table shared lock-free by all workers (compare-and-swap
/// per slot, linear probing). Parent links live in `TraceRecords`, not here,
/// so the table stays at 8 bytes / load factor per state.
///
/// The table grows between work chunks, never while workers insert: a worker
/// checks `needsGrowth` before expanding a state, and the slack above the
/// growth threshold (a quarter of at least 2¹⁶ slots) absorbs the successors
/// of the states in flight. Capacities are not powers of two: the slot of a
/// key is its high bits scaled to the capacity (Lemire's multiply-shift), so
/// after growth the load is exactly `targetLoad` instead of anywhere in
/// [3/8, 3/4].
final class VisitedTable: @unchecked Sendable {
    static let minimumCapacity = 1 << 16
    static let growthLoad = 0.75
    static let targetLoad = 0.55

    var capacity: Int
    var keys: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>
    var mapped: Bool
    /// Approximate while workers run (they publish their counts in batches);
    /// exact once they have joined.
    let counter = ManagedAtomic<Int>(0)
    var growAt: Int

    init(expectedStates: Int = 0) {
        capacity = Self.capacity(for: expectedStates)
        (keys, mapped) = Self.allocate(capacity)
        growAt = Int(Double(capacity) * Self.growthLoad)
    }

    deinit { Self.free(keys, capacity, mapped: mapped) }

    static func capacity(for states: Int) -> Int {
        max(minimumCapacity, Int(Double(states) / targetLoad))
    }

    static func bytes(capacity: Int) -> Int { capacity * 8 }

    /// Zeroed (all slots empty), huge-page backed where possible; falls back
    /// to the Swift allocator.
    static func allocate(_ n: Int) -> (UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>, mapped: Bool) {
        if let raw = l4spec_table_allocate(n * 8) {
            return (raw.bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: n), true)
        }
        let p = UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>.allocate(capacity: n)
        p.initialize(repeating: UnsafeAtomic<UInt64>.Storage(0), count: n)
        return (p, false)
    }

    static func free(_ p: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>, _ n: Int, mapped: Bool) {
        if mapped { l4spec_table_free(UnsafeMutableRawPointer(p), n * 8) } else { p.deallocate() }
    }

    var count: Int { counter.load(ordering: .relaxed) }
    var bytes: Int { Self.bytes(capacity: capacity) }
    var needsGrowth: Bool { count >= growAt }
    /// The bytes the next growth will hold at its peak (old and new table).
    var bytesDuringGrowth: Int { bytes + Self.bytes(capacity: Self.capacity(for: count)) }

    /// 0 marks an empty slot, so fingerprint 0 is stored as 1.
    @inline(__always) static func key(_ fp: UInt64) -> UInt64 { fp == 0 ? 1 : fp }

    @inline(__always) func home(_ k: UInt64) -> Int {
        Int(truncatingIfNeeded: k.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Starts fetching the slot `k` will probe first.
    @inline(__always) func prefetch(_ k: UInt64) {
        l4spec_prefetch_for_write(UnsafeRawPointer(keys + home(k)))
    }

    enum Insertion { case inserted, present, full }

    /// Inserts the key `k` (already passed through `key`). The caller counts
    /// its insertions and publishes them with `publish`.
    @inline(__always) func insert(_ k: UInt64) -> Insertion {
        // Locals: the atomics would otherwise make every step reload them.
        let keys = self.keys, capacity = self.capacity
        var i = home(k)
        for _ in 0..<capacity {
            let slot = UnsafeAtomic<UInt64>(at: keys + i)
            // A plain load first: most successors were seen before, and a
            // locked compare-exchange would stall on every cache miss.
            let seen = slot.load(ordering: .relaxed)
            if seen == k { return .present }
            if seen == 0 {
                let (exchanged, original) = slot.compareExchange(expected: 0, desired: k, ordering: .relaxed)
                if exchanged { return .inserted }
                if original == k { return .present }
            }
            i &+= 1
            if i == capacity { i = 0 }
        }
        return .full
    }

    func publish(_ inserted: Int) {
        if inserted > 0 { counter.wrappingIncrement(by: inserted, ordering: .relaxed) }
    }

    func contains(_ k: UInt64) -> Bool {
        var i = home(k)
        for _ in 0..<capacity {
            let v = UnsafeAtomic<UInt64>(at: keys + i).load(ordering: .relaxed)
            if v == k { return true }
            if v == 0 { return false }
            i += 1
            if i == capacity { i = 0 }
        }
        return false
    }

    /// Rehashes into a table sized for the current count at `targetLoad`.
    /// Only while no worker runs.
    func grow(workers: Int = 1) {
        let old = keys, oldCapacity = capacity, oldMapped = mapped
        capacity = Self.capacity(for: count)
        (keys, mapped) = Self.allocate(capacity)
        growAt = Int(Double(capacity) * Self.growthLoad)
        // Rehash in parallel: each worker moves one slice of the old table
        // with the same lock-free insert the search uses.
        let slices = max(1, min(workers, oldCapacity >> 16))
        let per = (oldCapacity + slices - 1) / slices
        nonisolated(unsafe) let source = old   // read-only while the slices run
        forEachWorker(slices) { w in
            for j in (w * per)..<min(oldCapacity, (w + 1) * per) {
                let k = UnsafeAtomic<UInt64>(at: source + j).load(ordering: .relaxed)
                if k != 0 { _ = self.insert(k) }
            }
        }
        Self.free(old, oldCapacity, mapped: oldMapped)
    }
}
