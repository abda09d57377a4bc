/// Liveness under weak fairness (DESIGN §5): "eventually P" and "always
/// eventually P" are checked by searching the explored graph for a fair cycle
/// of ¬P states; a violation is a lasso (shortest prefix + cycle).
///
/// Weak fairness of an action class: if the class stays enabled along the
/// whole cycle, the cycle must take it. A cycle is fair when every fair class
/// is taken inside it or disabled in one of its states. The graph is kept in
/// memory, so liveness is meant for the small configurations the explorer can
/// store explicitly (use `maxStates`).
public struct LivenessProperty<System: TransitionSystem>: Sendable {
    public enum Kind: Sendable {
        /// ◇P: every fair run reaches P.
        case eventually
        /// □◇P: every fair run visits P infinitely often.
        case alwaysEventually
        /// W ⇝ P: from every reachable state satisfying W, every fair run reaches P.
        case leadsTo(@Sendable (System.State) -> Bool)
    }

    public var name: String
    public var kind: Kind
    public var predicate: @Sendable (System.State) -> Bool
    /// The weakly fair action classes (e.g. "tick"); `fairnessClass` maps an action to one.
    public var fairClasses: [String]
    public var fairnessClass: @Sendable (System.Action) -> String?

    public init(name: String, kind: Kind, fairClasses: [String], fairnessClass: @escaping @Sendable (System.Action) -> String?,
                predicate: @escaping @Sendable (System.State) -> Bool) {
        self.name = name
        self.kind = kind
        self.fairClasses = fairClasses
        self.fairnessClass = fairnessClass
        self.predicate = predicate
    }
}

/// A liveness counterexample: `prefix` leads from an initial state to the
/// cycle's first state; `cycle` returns to it (empty cycle = a deadlock).
public struct Lasso<System: TransitionSystem>: Sendable {
    public var initial: System.State
    public var prefix: [(action: System.Action, state: System.State)]
    public var cycle: [(action: System.Action, state: System.State)]
}

public enum LivenessVerdict<System: TransitionSystem>: Sendable {
    case holds
    case violated(Lasso<System>)
    case inconclusive(String)
    public var name: String {
        switch self {
        case .holds: "holds"
        case .violated: "violated"
        case .inconclusive: "inconclusive"
        }
    }
}

public struct LivenessChecker<System: TransitionSystem>: Sendable {
    public var system: System
    public var maxStates: Int
    /// States at this depth are not expanded: the graph is the depth-bounded
    /// one, a lasso found in it is a genuine counterexample, and "holds" means
    /// no violating fair lasso lies within the bound. nil: the whole graph.
    public var maxDepth: Int?

    public init(system: System, maxStates: Int = 200_000, maxDepth: Int? = nil) {
        self.system = system
        self.maxStates = maxStates
        self.maxDepth = maxDepth
    }

    struct Edge {
        var to: Int
        var action: Int
    }

    /// The explicit graph: states in BFS order with their successor edges.
    struct Graph {
        var states: [System.State] = []
        var edges: [[Edge]] = []
        var parent: [(Int, Int)?] = []
        var actions: [[System.Action]] = []
        var depth: [Int] = []
        /// Not expanded because of the depth bound (not a dead end).
        func boundary(_ i: Int, _ maxDepth: Int?) -> Bool { maxDepth.map { depth[i] >= $0 } ?? false }
    }

    func buildGraph() -> Graph? {
        var g = Graph()
        var index: [UInt64: Int] = [:]
        var queue: [Int] = []
        for s0 in system.initialStates() {
            let s = system.canonicalize(s0)
            let fp = system.fingerprint(s)
            guard index[fp] == nil else { continue }
            index[fp] = g.states.count
            g.states.append(s)
            g.parent.append(nil)
            g.depth.append(0)
            queue.append(g.states.count - 1)
        }
        var head = 0
        var buffer: [System.Action] = []
        while head < queue.count {
            let i = queue[head]
            head += 1
            if g.boundary(i, maxDepth) { continue }
            buffer.removeAll(keepingCapacity: true)
            system.actions(in: g.states[i], into: &buffer)
            var out: [Edge] = []
            for (k, a) in buffer.enumerated() {
                guard let raw = system.successor(of: g.states[i], via: a) else { continue }
                let t = system.canonicalize(raw)
                let fp = system.fingerprint(t)
                let j: Int
                if let known = index[fp] {
                    j = known
                } else {
                    guard g.states.count < maxStates else { return nil }
                    j = g.states.count
                    index[fp] = j
                    g.states.append(t)
                    g.parent.append((i, k))
                    g.depth.append(g.depth[i] + 1)
                    queue.append(j)
                }
                out.append(Edge(to: j, action: k))
            }
            while g.edges.count <= i { g.edges.append([]) }
            g.edges[i] = out
            while g.actions.count <= i { g.actions.append([]) }
            g.actions[i] = buffer
        }
        while g.edges.count < g.states.count { g.edges.append([]) }
        while g.actions.count < g.states.count { g.actions.append([]) }
        return g
    }

    public func check(_ property: LivenessProperty<System>) -> LivenessVerdict<System> {
        check([property])[0]
    }

    /// Several properties over one graph, built once.
    public func check(_ properties: [LivenessProperty<System>]) -> [LivenessVerdict<System>] {
        guard let g = buildGraph() else {
            let why = "states: more than \(maxStates) states; liveness needs the whole (depth-bounded) graph in memory"
            return properties.map { _ in .inconclusive(why) }
        }
        return properties.map { check($0, in: g) }
    }

    func check(_ property: LivenessProperty<System>, in g: Graph) -> LivenessVerdict<System> {
        let bad = g.states.map { !property.predicate($0) }
        // ◇P only looks at runs that never met P; □◇P at any reachable ¬P cycle.
        var allowed = bad
        var seeds: [Int] = []
        switch property.kind {
        case .alwaysEventually: break
        case .eventually: seeds = (0..<g.states.count).filter { g.parent[$0] == nil && bad[$0] }
        case .leadsTo(let when): seeds = (0..<g.states.count).filter { bad[$0] && when(g.states[$0]) }
        }
        if case .alwaysEventually = property.kind {} else {
            allowed = Array(repeating: false, count: g.states.count)
            var stack = seeds
            for s in stack { allowed[s] = true }
            while let i = stack.popLast() {
                for e in g.edges[i] where bad[e.to] && !allowed[e.to] {
                    allowed[e.to] = true
                    stack.append(e.to)
                }
            }
            // A ¬P deadlock violates ◇P outright.
            if let dead = (0..<g.states.count).first(where: { allowed[$0] && g.edges[$0].isEmpty && !g.boundary($0, maxDepth) }) {
                return .violated(lasso(g, to: dead, cycle: [], through: seeds, allowed: allowed))
            }
        }
        for scc in stronglyConnectedComponents(g, allowed: allowed) {
            guard let cycle = fairCycle(g, scc: scc, property: property) else { continue }
            return .violated(lasso(g, to: cycle.start, cycle: cycle.steps, through: seeds, allowed: allowed))
        }
        return .holds
    }

    /// A lasso whose prefix passes through a seed state (for ◇ and ⇝ the run
    /// must show W, then ¬P forever): the BFS-tree path to the nearest seed that
    /// reaches `target` inside the allowed sub-graph, then that sub-path.
    func lasso(_ g: Graph, to target: Int, cycle: [(action: System.Action, state: System.State)], through seeds: [Int], allowed: [Bool]) -> Lasso<System> {
        guard !seeds.isEmpty else { return lasso(g, to: target, cycle: cycle) }
        // Backwards BFS from the target inside `allowed` to find a seed.
        var preds = [[(Int, Int)]](repeating: [], count: g.states.count)
        for v in 0..<g.states.count where allowed[v] {
            for e in g.edges[v] where allowed[e.to] { preds[e.to].append((v, e.action)) }
        }
        let seedSet = Set(seeds)
        var next: [Int: (Int, Int)] = [:]
        var queue = [target]
        var head = 0
        var found: Int? = seedSet.contains(target) ? target : nil
        var seen: Set<Int> = [target]
        while found == nil && head < queue.count {
            let v = queue[head]
            head += 1
            for (p, a) in preds[v] where !seen.contains(p) {
                seen.insert(p)
                next[p] = (v, a)
                if seedSet.contains(p) { found = p; break }
                queue.append(p)
            }
        }
        guard let seed = found else { return lasso(g, to: target, cycle: cycle) }
        var result = lasso(g, to: seed, cycle: cycle)
        var cur = seed
        while let (to, a) = next[cur] {
            result.prefix.append((g.actions[cur][a], g.states[to]))
            cur = to
        }
        return result
    }

    /// Tarjan's algorithm, iterative, over the `allowed` sub-graph.
    func stronglyConnectedComponents(_ g: Graph, allowed: [Bool]) -> [[Int]] {
        let n = g.states.count
        var index = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        var next = 0
        var out: [[Int]] = []
        for root in 0..<n where allowed[root] && index[root] < 0 {
            var work: [(Int, Int)] = [(root, 0)]
            index[root] = next; low[root] = next; next += 1
            stack.append(root); onStack[root] = true
            while let (v, ei) = work.last {
                let edges = g.edges[v]
                if ei < edges.count {
                    work[work.count - 1].1 += 1
                    let w = edges[ei].to
                    guard allowed[w] else { continue }
                    if index[w] < 0 {
                        index[w] = next; low[w] = next; next += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                } else {
                    work.removeLast()
                    if let (p, _) = work.last { low[p] = min(low[p], low[v]) }
                    if low[v] == index[v] {
                        var comp: [Int] = []
                        while let w = stack.popLast() {
                            onStack[w] = false
                            comp.append(w)
                            if w == v { break }
                        }
                        out.append(comp.sorted())
                    }
                }
            }
        }
        return out
    }

    /// A cycle through the whole SCC that takes every fair class that is
    /// enabled in all of its states; nil when the SCC admits no fair cycle.
    func fairCycle(_ g: Graph, scc: [Int], property: LivenessProperty<System>) -> (start: Int, steps: [(action: System.Action, state: System.State)])? {
        let members = Set(scc)
        let inner = scc.flatMap { v in g.edges[v].filter { members.contains($0.to) }.map { (v, $0) } }
        guard !inner.isEmpty else { return nil }                     // a single state without a self-loop
        var required: [(Int, Edge)] = []
        for cls in property.fairClasses {
            let enabledEverywhere = scc.allSatisfy { v in g.edges[v].contains { property.fairnessClass(g.actions[v][$0.action]) == cls } }
            guard enabledEverywhere else { continue }
            guard let e = inner.first(where: { property.fairnessClass(g.actions[$0.0][$0.1.action]) == cls }) else { return nil }
            required.append(e)
        }
        // Walk: start → each required edge → back to start, by shortest paths inside the SCC.
        let start = required.first?.0 ?? inner[0].0
        var steps: [(action: System.Action, state: System.State)] = []
        var at = start
        let targets = required.isEmpty ? [inner.first { $0.0 == start } ?? inner[0]] : required
        for (from, edge) in targets {
            steps += path(g, from: at, to: from, within: members)
            steps.append((g.actions[from][edge.action], g.states[edge.to]))
            at = edge.to
        }
        steps += path(g, from: at, to: start, within: members)
        return (start, steps)
    }

    func path(_ g: Graph, from: Int, to: Int, within: Set<Int>) -> [(action: System.Action, state: System.State)] {
        guard from != to else { return [] }
        var prev: [Int: (Int, Edge)] = [:]
        var queue = [from]
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for e in g.edges[v] where within.contains(e.to) && prev[e.to] == nil && e.to != from {
                prev[e.to] = (v, e)
                if e.to == to { head = queue.count; break }
                queue.append(e.to)
            }
        }
        var out: [(action: System.Action, state: System.State)] = []
        var cur = to
        while cur != from, let (p, e) = prev[cur] {
            out.append((g.actions[p][e.action], g.states[cur]))
            cur = p
        }
        return out.reversed()
    }

    /// The BFS-tree path from an initial state to `target`, then the cycle.
    func lasso(_ g: Graph, to target: Int, cycle: [(action: System.Action, state: System.State)]) -> Lasso<System> {
        var prefix: [(action: System.Action, state: System.State)] = []
        var cur = target
        while let (p, k) = g.parent[cur] {
            prefix.append((g.actions[p][k], g.states[cur]))
            cur = p
        }
        return Lasso(initial: g.states[cur], prefix: prefix.reversed(), cycle: cycle)
    }
}
