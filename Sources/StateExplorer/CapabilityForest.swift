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
        public init() {}
        public init(lo: UInt64, hi: UInt64) {
            self.lo = lo
            self.hi = hi
        }
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
    var n: Int { tasks &* slots }
    var allRights: UInt8 { UInt8(truncatingIfNeeded: (1 &<< rightsBits) &- 1) }
    /// `canonicalize` has tasks to permute.
    var permutes: Bool { symmetric && tasks &- objects >= 2 }

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

    // MARK: - Fast path (TransitionSystem.successorBound)

    /// Every (GRANT source, empty destination, mask) triple plus one unmap per slot.
    public var successorBound: Int { n * n * Int(allRights) + n }

    /// The successors of `actions(in:)` in its order, from bit masks: the
    /// empty and GRANT slots come from both words at once, and an unmap
    /// removes the subtree found through child masks instead of a fixpoint
    /// over slots.
    public func successors(of state: State, into buffer: UnsafeMutablePointer<State>) -> Int {
        let slots: UInt32 = 1 << UInt32(n) - 1
        let occupied = Self.occupied(state) & slots
        let grant = (Self.flags(state.lo) | Self.flags(state.hi) << 8) & occupied
        let empty = ~occupied & slots
        var count = 0
        var sources = grant
        while sources != 0 {
            let src = sources.trailingZeroBitCount
            sources &= sources - 1
            let v = UInt64(Self.byte(state, src)), r = v & 0x7
            let link = (v & 0x8) | UInt64(src + 1) << 4
            // The new slot's byte for each mask in 1...allRights with r & mask ≠ 0, in order.
            var values: UInt64 = 0, k: UInt64 = 0, mask: UInt64 = 1
            while mask <= UInt64(allRights) {
                if r & mask != 0 { values |= ((r & mask) | link) << (k &* 8); k += 1 }
                mask += 1
            }
            var dsts = empty
            while dsts != 0 {
                let dst = dsts.trailingZeroBitCount
                dsts &= dsts - 1
                let shift = UInt64(dst & 7) &* 8
                let low = dst < 8
                let word = (low ? state.lo : state.hi) & ~(0xFF << shift)
                var rest = values
                for _ in 0..<k {
                    let w = word | (rest & 0xFF) << shift
                    buffer[count] = low ? State(lo: w, hi: state.hi) : State(lo: state.lo, hi: w)
                    count += 1
                    rest >>= 8
                }
            }
        }
        return count + unmaps(of: state, occupied: occupied, into: buffer + count)
    }

    /// Byte i of a state, without the subscript's range arithmetic.
    @inline(__always)
    static func byte(_ s: State, _ i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (i < 8 ? s.lo : s.hi) &>> UInt64((i & 7) &* 8))
    }

    /// A bit per slot holding a capability.
    @inline(__always)
    static func occupied(_ s: State) -> UInt32 { flags(nonzeroRights(s.lo)) | flags(nonzeroRights(s.hi)) << 8 }

    /// Bit 0 of each byte set where the byte's rights (bits 0–2) are non-zero.
    @inline(__always)
    static func nonzeroRights(_ w: UInt64) -> UInt64 { ((w & 0x0707_0707_0707_0707) &+ 0x7F7F_7F7F_7F7F_7F7F) >> 7 }

    /// Bit 0 of each of the 8 bytes, gathered into bits 0–7.
    @inline(__always)
    static func flags(_ w: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ((w & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56)
    }

    /// The unmap successors, slot by slot: each removes the subtree found
    /// through per-slot child masks.
    func unmaps(of state: State, occupied: UInt32, into buffer: UnsafeMutablePointer<State>) -> Int {
        var children: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)   // 16 × UInt16
        var rest = occupied
        while rest != 0 {
            let j = rest.trailingZeroBitCount
            rest &= rest - 1
            let p = Int(Self.byte(state, j) >> 4) - 1
            if p >= 0 { Self.addChild(j, to: p, &children) }
        }
        var count = 0
        var victims = occupied
        while victims != 0 {
            let i = victims.trailingZeroBitCount
            victims &= victims - 1
            var removed: UInt32 = 1 << UInt32(i), todo = removed
            while todo != 0 {
                let j = todo.trailingZeroBitCount
                todo &= todo - 1
                let c = Self.children(of: j, children) & occupied & ~removed
                removed |= c
                todo |= c
            }
            buffer[count] = Self.clearing(removed, in: state)
            count += 1
        }
        return count
    }

    @inline(__always)
    static func addChild(_ j: Int, to p: Int, _ c: inout (UInt64, UInt64, UInt64, UInt64)) {
        let bit = UInt64(1) << (UInt64(j) &+ UInt64((p & 3) &* 16))
        switch p >> 2 {
        case 0: c.0 |= bit
        case 1: c.1 |= bit
        case 2: c.2 |= bit
        default: c.3 |= bit
        }
    }

    @inline(__always)
    static func children(of p: Int, _ c: (UInt64, UInt64, UInt64, UInt64)) -> UInt32 {
        let word = switch p >> 2 { case 0: c.0; case 1: c.1; case 2: c.2; default: c.3 }
        return UInt32(truncatingIfNeeded: word >> UInt64((p & 3) &* 16)) & 0xFFFF
    }

    /// `state` with the slots in `slots` (a bit per slot) emptied.
    @inline(__always)
    static func clearing(_ slots: UInt32, in state: State) -> State {
        State(lo: state.lo & ~(bytes(slots & 0xFF) &* 0xFF), hi: state.hi & ~(bytes(slots >> 8 & 0xFF) &* 0xFF))
    }

    /// Bits 0–7 of `m` spread to bit 0 of bytes 0–7 (the inverse of `flags`).
    @inline(__always)
    static func bytes(_ m: UInt32) -> UInt64 {
        ((UInt64(m) &* 0x0101_0101_0101_0101 & 0x8040_2010_0804_0201) &+ 0x0040_6070_787C_7E7F) >> 7 & 0x0101_0101_0101_0101
    }

    /// A state's edges at once: one unmap per occupied slot, the rest maps.
    public func coverage(from state: State, successors: UnsafeBufferPointer<State>, into counts: UnsafeMutableBufferPointer<Int>) {
        let unmaps = Self.occupied(state).nonzeroBitCount
        counts[0] += successors.count - unmaps
        counts[1] += unmaps
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

    @inline(__always)
    public func canonicalize(_ s: State) -> State { permutes ? leastPermutation(of: s) : s }

    func leastPermutation(of s: State) -> State {
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
