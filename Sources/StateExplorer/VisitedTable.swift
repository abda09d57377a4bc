import Atomics

/// The visited set: 64-bit fingerprints in one pre-sized open-addressing table
/// shared lock-free by all workers (compare-and-swap per slot), with a parent
/// link per entry to rebuild shortest traces. About 20 bytes per slot.
final class VisitedTable: @unchecked Sendable {
    let capacity: Int
    let mask: Int
    private let keys: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>
    /// Written once by the inserting worker right after its successful CAS;
    /// read only between levels, after all workers joined.
    private let parents: UnsafeMutablePointer<UInt64>
    private let actions: UnsafeMutablePointer<UInt32>
    private let counter = ManagedAtomic<Int>(0)

    /// Room for `maxStates` entries at a load factor of at most 3/4.
    init(maxStates: Int) {
        var c = 16
        while c < maxStates + maxStates / 3 + 1 { c <<= 1 }
        capacity = c
        mask = c - 1
        keys = .allocate(capacity: c)
        keys.initialize(repeating: UnsafeAtomic<UInt64>.Storage(0), count: c)
        parents = .allocate(capacity: c)
        parents.initialize(repeating: 0, count: c)
        actions = .allocate(capacity: c)
        actions.initialize(repeating: 0, count: c)
    }

    deinit {
        keys.deallocate()
        parents.deallocate()
        actions.deallocate()
    }

    static func bytes(forMaxStates n: Int) -> Int {
        var c = 16
        while c < n + n / 3 + 1 { c <<= 1 }
        return c * 20
    }

    var count: Int { counter.load(ordering: .relaxed) }
    var bytes: Int { capacity * 20 }

    /// 0 marks an empty slot, so fingerprint 0 is stored as 1.
    @inline(__always) static func key(_ fp: UInt64) -> UInt64 { fp == 0 ? 1 : fp }

    /// Inserts `fp`; returns false if it was already present.
    func insert(_ fp: UInt64, parent: UInt64, action: UInt32) -> Bool {
        let k = Self.key(fp)
        var i = Int(truncatingIfNeeded: k) & mask
        while true {
            let slot = UnsafeAtomic<UInt64>(at: keys + i)
            let (exchanged, original) = slot.compareExchange(expected: 0, desired: k, ordering: .relaxed)
            if exchanged {
                parents[i] = parent
                actions[i] = action
                counter.wrappingIncrement(ordering: .relaxed)
                return true
            }
            if original == k { return false }
            i = (i + 1) & mask
        }
    }

    /// The parent fingerprint and action index recorded for `fp` (nil for roots / absent).
    func parent(of fp: UInt64) -> (UInt64, UInt32)? {
        let k = Self.key(fp)
        var i = Int(truncatingIfNeeded: k) & mask
        while true {
            let v = UnsafeAtomic<UInt64>(at: keys + i).load(ordering: .relaxed)
            if v == 0 { return nil }
            if v == k { return parents[i] == 0 ? nil : (parents[i], actions[i]) }
            i = (i + 1) & mask
        }
    }
}
