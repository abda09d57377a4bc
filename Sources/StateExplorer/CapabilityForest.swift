/// The "capability forest" (issue "State explorer"; reference
/// swift-z3-and-explorer.md §2): T tasks × S slots, one byte per slot — bits
/// 0–2 rights (bit 0 = GRANT), bit 3 object id, bits 4–7 parent slot + 1.
/// Initially task o's slot 0 holds object o with all rights. `map(src, dst,
/// mask)` needs GRANT in src, an empty dst and rights(src) & mask ≠ 0 and
/// creates a child; `unmap(i)` clears i and every slot whose parent chain
/// reaches i. Its reachable-state counts are known, so it pins the explorer's
/// counts exactly, and it is the benchmark's kernel-free workload.
///
/// With `symmetric`, tasks that start without an object (index ≥ O) are
/// interchangeable, and `canonicalize` maps a state to the least of its
/// permutations of those tasks: the symmetry-reduction hook in miniature.
public struct CapabilityForest: TransitionSystem {
    public struct State: Hashable, Sendable, BitwiseCopyable {
        public var lo: UInt64 = 0
        public var hi: UInt64 = 0
        public subscript(i: Int) -> UInt8 {
            get { UInt8(truncatingIfNeeded: (i < 8 ? lo : hi) >> UInt64((i % 8) * 8)) }
            set {
                let shift = UInt64((i % 8) * 8)
                if i < 8 { lo = (lo & ~(0xFF << shift)) | (UInt64(newValue) << shift) } else { hi = (hi & ~(0xFF << shift)) | (UInt64(newValue) << shift) }
            }
        }
    }

    public enum Action: Hashable, Sendable {
        case map(src: Int, dst: Int, mask: UInt8)
        case unmap(Int)
    }

    public let tasks: Int
    public let slots: Int
    public let objects: Int
    public let rightsBits: Int
    public let symmetric: Bool
    var n: Int { tasks * slots }
    var allRights: UInt8 { UInt8((1 << rightsBits) - 1) }

    /// At most 16 slots (two words), 3 rights bits, 2 objects, 15 parents.
    public init(tasks: Int, slots: Int, objects: Int, rightsBits: Int, symmetric: Bool = false) {
        self.slots = min(max(slots, 1), 15)
        self.tasks = min(max(tasks, 1), 15 / self.slots)
        self.objects = min(max(objects, 1), 2, self.tasks)
        self.rightsBits = min(max(rightsBits, 1), 3)
        self.symmetric = symmetric
    }

    public func initialStates() -> [State] {
        var s = State()
        for o in 0..<objects { s[o * slots] = allRights | UInt8(o << 3) }
        return [s]
    }

    /// Only enabled actions, in a fixed order.
    public func actions(in state: State, into buffer: inout [Action]) {
        var empty: UInt32 = 0
        for i in 0..<n where state[i] & 0x7 == 0 { empty |= 1 << UInt32(i) }
        for src in 0..<n {
            let r = state[src] & 0x7
            guard r & 1 != 0 else { continue }
            for dst in 0..<n where dst != src && empty & (1 << UInt32(dst)) != 0 {
                for mask in 1...allRights where r & mask != 0 { buffer.append(.map(src: src, dst: dst, mask: mask)) }
            }
        }
        for i in 0..<n where empty & (1 << UInt32(i)) == 0 { buffer.append(.unmap(i)) }
    }

    public func successor(of state: State, via action: Action) -> State? {
        var s = state
        switch action {
        case .map(let src, let dst, let mask):
            let r = s[src] & 0x7
            guard r & 1 != 0, s[dst] & 0x7 == 0, r & mask != 0 else { return nil }
            s[dst] = (r & mask) | (s[src] & 0x8) | UInt8((src + 1) << 4)
        case .unmap(let i):
            guard s[i] & 0x7 != 0 else { return nil }
            // Parent links point anywhere, so the descendants of i are found
            // by a fixpoint over bit sets: one pass per tree level.
            var removed: UInt32 = 1 << UInt32(i)
            var changed = true
            while changed {
                changed = false
                for j in 0..<n where removed & (1 << UInt32(j)) == 0 && s[j] & 0x7 != 0 {
                    let p = Int(s[j] >> 4) - 1
                    if p >= 0 && removed & (1 << UInt32(p)) != 0 {
                        removed |= 1 << UInt32(j)
                        changed = true
                    }
                }
            }
            for j in 0..<n where removed & (1 << UInt32(j)) != 0 { s[j] = 0 }
        }
        return s
    }

    public func fingerprint(_ s: State) -> UInt64 { Self.mix(Self.mix(s.lo) ^ s.hi) }

    static func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    public var stateCodec: StateCodec<State>? { .raw }

    public var coverageNames: [String] { ["map", "unmap"] }
    public func coverage(from: State, via action: Action, to: State, into items: inout [Int]) {
        if case .map = action { items.append(0) } else { items.append(1) }
    }

    // MARK: - Symmetry

    public func canonicalize(_ s: State) -> State {
        guard symmetric, tasks - objects >= 2 else { return s }
        var best = s
        var perm = Array(0..<tasks)
        permute(&perm, from: objects) { p in
            let t = relabel(s, p)
            if (t.hi, t.lo) < (best.hi, best.lo) { best = t }
        }
        return best
    }

    /// Visits every permutation of `perm[k...]` (Heap-free, by recursion; T ≤ 15).
    private func permute(_ perm: inout [Int], from k: Int, _ visit: ([Int]) -> Void) {
        guard k < perm.count - 1 else { visit(perm); return }
        for i in k..<perm.count {
            perm.swapAt(k, i)
            permute(&perm, from: k + 1, visit)
            perm.swapAt(k, i)
        }
    }

    /// Moves task t's slots to task p[t], renaming parent links to match.
    func relabel(_ s: State, _ p: [Int]) -> State {
        var t = State()
        for i in 0..<n {
            let v = s[i]
            let slot = p[i / slots] * slots + i % slots
            let parent = Int(v >> 4) - 1
            let newParent = parent < 0 ? 0 : p[parent / slots] * slots + parent % slots + 1
            t[slot] = (v & 0x0F) | UInt8(newParent << 4)
        }
        return t
    }
}
