import StateExplorer

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
