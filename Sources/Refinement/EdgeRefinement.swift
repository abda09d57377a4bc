import Foundation
import Scenarios
import Spec
import Verifier

/// `l4spec refine --edges`: every transition the explorer finds in a scenario
/// (`KernelSystem`: the same actions, successors and fingerprints as
/// `l4spec check`) is checked on both sides. The spec state space is
/// explored breadth first within the scenario's depth bound; each explored
/// state is reached on both sides by replaying its shortest path once, and
/// every edge out of it is then stepped from a copy of that session — the
/// "cached prefix" — and compared. A state reached again is not re-expanded,
/// but the edge that reached it is still checked. Only the current BFS level
/// keeps spec states; paths are rebuilt from parent links, so memory stays at
/// a few bytes per state.
public enum EdgeRefinement {
    public static func run(_ scenario: Scenario, options: RefineOptions) throws(InputError) -> RefineCase {
        let start = ContinuousClock.now
        var c = RefineCase(kind: .edges, name: scenario.name)
        let system = KernelSystem(scenario: scenario)
        let boot = try RefineRunner.session(scenario, options, file: scenario.name)
        let depthBound = options.maxDepth ?? scenario.bounds.depth
        var findings = Findings(options: options, prefix: "edges-" + DivergenceFile.slug(scenario.name))
        var links: [(parent: Int, event: Event)] = []
        var seen = Set<UInt64>()
        var level: [(id: Int, state: KernelSystem.State)] = []
        for s in system.initialStates() where seen.insert(system.fingerprint(s)).inserted {
            links.append((-1, .tick(cpu: CPU(0))))          // a root: its event is never replayed
            level.append((links.count - 1, s))
        }
        c.states = level.count
        let bootDiffs = boot.stateDiffs()
        if !bootDiffs.isEmpty {
            try findings.add([], Divergence(step: -1, event: nil, eventText: "boot", diffs: bootDiffs), scenario: scenario,
                             origin: "boot of \(scenario.name)", file: scenario.name)
            level = []
        }
        var depth = 0
        var actions: [Event] = []
        expansion: while !level.isEmpty {
            guard depth < depthBound else { break }
            var next: [(id: Int, state: KernelSystem.State)] = []
            for (id, state) in level {
                let path = pathTo(id, links)
                var prefix = boot
                for e in path { prefix.advance(e) }
                actions.removeAll(keepingCapacity: true)
                system.actions(in: state, into: &actions)
                for a in actions {
                    guard let succ = system.successor(of: state, via: a) else { continue }
                    var s = prefix
                    let r = s.step(a, index: path.count)
                    c.edges += 1
                    c.steps += 1
                    guard r.diffs.isEmpty else {
                        let d = Divergence(step: path.count, event: a, eventText: EventText.describe(a, names: scenario.names), diffs: r.diffs)
                        try findings.add(path + [a], d, scenario: scenario, origin: "edge at depth \(depth + 1) of \(scenario.name)", file: scenario.name)
                        if options.stopAtFirstDivergence { break expansion }
                        continue
                    }
                    guard seen.insert(system.fingerprint(succ)).inserted else { continue }
                    guard seen.count <= options.maxStates else {
                        c.limit = "states: the state bound \(options.maxStates) was reached at depth \(depth + 1)"
                        break expansion
                    }
                    links.append((id, a))
                    next.append((links.count - 1, succ))
                }
            }
            depth += 1
            c.depth = depth
            c.states = seen.count
            level = next
            options.progress?("\(scenario.name): depth \(depth), \(seen.count) states, \(c.edges) edges, "
                + String(format: "%.1f s", RefineRunner.seconds(since: start)))
        }
        c.states = seen.count
        c.findings = findings.list
        c.seconds = RefineRunner.seconds(since: start)
        return c
    }

    /// The events from the initial state to state `id`.
    static func pathTo(_ id: Int, _ links: [(parent: Int, event: Event)]) -> [Event] {
        var out: [Event] = []
        var cur = id
        while cur >= 0, links[cur].parent >= 0 {
            out.append(links[cur].event)
            cur = links[cur].parent
        }
        return out.reversed()
    }
}
