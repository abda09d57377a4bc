import StateExplorer

/// The "capability forest" test system (issue 4; reference/swift-z3-and-explorer.md §2):
/// T tasks × S slots, one byte per slot (bits 0–2 rights, bit 0 = GRANT; bit 3
/// object id; bits 4–7 parent slot + 1). Its reachable state counts are known in
/// closed form, so the explorer's counts can be pinned exactly.
struct CapabilityForest: TransitionSystem {
    struct State: Hashable, Sendable {
        var lo: UInt64 = 0
        var hi: UInt64 = 0
        subscript(i: Int) -> UInt8 {
            get { UInt8(truncatingIfNeeded: (i < 8 ? lo : hi) >> UInt64((i % 8) * 8)) }
            set {
                let shift = UInt64((i % 8) * 8)
                if i < 8 { lo = (lo & ~(0xFF << shift)) | (UInt64(newValue) << shift) } else { hi = (hi & ~(0xFF << shift)) | (UInt64(newValue) << shift) }
            }
        }
    }

    enum Action: Hashable, Sendable {
        case map(src: Int, dst: Int, mask: UInt8)
        case unmap(Int)
    }

    var tasks: Int
    var slots: Int
    var objects: Int
    var rightsBits: Int
    var n: Int { tasks * slots }
    var allRights: UInt8 { UInt8((1 << rightsBits) - 1) }

    func initialStates() -> [State] {
        var s = State()
        for o in 0..<objects { s[o * slots] = allRights | UInt8(o << 3) }
        return [s]
    }

    func actions(in state: State, into buffer: inout [Action]) {
        for src in 0..<n {
            for dst in 0..<n where dst != src {
                for mask in 1...allRights { buffer.append(.map(src: src, dst: dst, mask: mask)) }
            }
        }
        for i in 0..<n { buffer.append(.unmap(i)) }
    }

    func successor(of state: State, via action: Action) -> State? {
        var s = state
        switch action {
        case .map(let src, let dst, let mask):
            let r = s[src] & 0x7
            guard r & 1 != 0, s[dst] & 0x7 == 0, r & mask != 0 else { return nil }
            s[dst] = (r & mask) | (s[src] & 0x8) | UInt8((src + 1) << 4)
        case .unmap(let i):
            guard s[i] & 0x7 != 0 else { return nil }
            var removed = Set([i])
            var changed = true
            while changed {
                changed = false
                for j in 0..<n where !removed.contains(j) && s[j] & 0x7 != 0 {
                    let p = Int(s[j] >> 4) - 1
                    if p >= 0 && removed.contains(p) {
                        removed.insert(j)
                        changed = true
                    }
                }
            }
            for j in removed { s[j] = 0 }
        }
        return s
    }

    func fingerprint(_ s: State) -> UInt64 { mix(mix(s.lo) ^ s.hi) }

    func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    var coverageNames: [String] { ["map", "unmap"] }
    func coverage(from: State, via action: Action, to: State, into items: inout [Int]) {
        if case .map = action { items.append(0) } else { items.append(1) }
    }
}

/// A counter 0...limit that deadlocks at the limit; with `symmetric`, two
/// interchangeable counters whose canonical form sorts them.
struct Counters: TransitionSystem {
    typealias State = [Int]
    typealias Action = Int
    var limit: Int
    var count: Int
    var symmetric: Bool

    func initialStates() -> [State] { [Array(repeating: 0, count: count)] }
    func actions(in state: State, into buffer: inout [Action]) { buffer.append(contentsOf: 0..<count) }
    func successor(of state: State, via i: Action) -> State? {
        guard state[i] < limit else { return nil }
        var s = state
        s[i] += 1
        return s
    }
    func fingerprint(_ s: State) -> UInt64 {
        s.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
    }
    func canonicalize(_ s: State) -> State { symmetric ? s.sorted() : s }
}
