import Dispatch
import Foundation
import SMT
import Scenarios
import Spec
import Symbolic

/// The differential test of issue "Z3 proofs", point 2, on explored states:
/// a breadth-first walk of a scenario's transition system (the explorer's
/// own `KernelSystem` actions, so `any` threads try their whole argument
/// domain) compares every encoded edge's symbolic step with `Spec`'s,
/// through `CompiledDifferential`: one compiled step per call family, its
/// arguments the prover's own constants (`ProofFamily.call`), evaluated in
/// Swift on every state and argument tuple that tries it.
///
/// Every state the walk admits is compared, those at the depth bound too
/// (their successors are not explored). Each level is split into chunks that
/// the workers (`Workers`, one checker each) take in turn; the chunks'
/// results are merged in level order, so counts, the next level and the
/// disagreements' order do not depend on the number of workers. The state
/// cap is checked while merging: the level that reaches it is compared in
/// full, the states admitted up to the cap are compared, and the walk stops.
public struct ExploredDifferential {
    public struct Result: Sendable {
        public var states = 0
        /// Edges tried (every action of every compared state).
        public var edges = 0
        /// Edges of an encoded call in scope, agreeing or not.
        public var compared = 0
        public var outOfScope = 0
        public var disagreements: [String] = []
        /// True when the walk stopped at `maxStates` before the depth bound.
        public var truncated = false
        /// Pairs the compiled evaluator did not cover, compared by Z3 instead.
        public var simplifiedByZ3 = 0
        /// Symbolic steps built and compiled (one per distinct call, per worker).
        public var compiledSteps = 0
        /// Edges that agree.
        public var agreeing: Int { compared - disagreements.count }
    }

    /// One checker per worker thread, each used by one thread at a time
    /// (its own Z3 context); reusable across scenarios.
    public final class Workers: @unchecked Sendable {
        let checkers: [CompiledDifferential]
        public var count: Int { checkers.count }

        /// `count` checkers over kernels from `kernel` (one context each).
        public init(count: Int, kernel: () throws(SMTError) -> SymbolicKernel) throws(SMTError) {
            var made: [CompiledDifferential] = []
            for _ in 0..<max(count, 1) { made.append(try ExploredDifferential.checker(kernel())) }
            checkers = made
        }
    }

    /// The comparison `run` uses: steps compiled per call family, with the
    /// prover's argument constants (`ProofFamily.call`).
    public static func checker(_ kernel: SymbolicKernel) throws(SMTError) -> CompiledDifferential {
        let pre = try SymbolicState(named: "pre", kernel.v)
        return CompiledDifferential(kernel) { (call) throws(SMTError) in
            try ProofFamily.allCases.first { $0.name == call.name }?.call(kernel, pre: pre).0
        }
    }

    /// One worker on one kernel (the tests' form).
    public static func run(_ scenario: Scenario, maxDepth: Int, maxStates: Int, kernel: SymbolicKernel) throws(SMTError) -> Result {
        try run(scenario, maxDepth: maxDepth, maxStates: maxStates, workers: Workers(count: 1) { () throws(SMTError) in kernel })
    }

    public static func run(_ scenario: Scenario, maxDepth: Int, maxStates: Int, workers: Workers) throws(SMTError) -> Result {
        let system = KernelSystem(scenario: scenario)
        var result = Result()
        var level = system.initialStates()
        var seen = Set(level.map(system.fingerprint))
        let (fallbacks, programs) = (workers.checkers.map(\.fallbacks), workers.checkers.map(\.programs))
        var depth = 0
        while !level.isEmpty {
            let expand = depth < maxDepth && !result.truncated
            let chunks = try compare(level, system, seen: seen, expand: expand, workers)
            result.states += level.count
            var next: [KernelSystem.State] = []
            for c in chunks {
                result.edges += c.edges
                result.compared += c.compared
                result.outOfScope += c.outOfScope
                result.disagreements += c.disagreements
                for (f, t) in c.successors where !result.truncated && seen.insert(f).inserted {
                    next.append(t)
                    result.truncated = seen.count >= maxStates
                }
            }
            level = next
            depth += 1
        }
        for (i, c) in workers.checkers.enumerated() {
            result.simplifiedByZ3 += c.fallbacks - fallbacks[i]
            result.compiledSteps += c.programs - programs[i]
        }
        return result
    }

    /// What one chunk of a level gave: counts, disagreements and the new
    /// successors (fingerprint, state) in the order they were found.
    struct Chunk: Sendable {
        var edges = 0, compared = 0, outOfScope = 0
        var disagreements: [String] = []
        var successors: [(UInt64, KernelSystem.State)] = []
    }

    /// The level's chunks, compared by the workers in parallel; in level order.
    static func compare(_ level: [KernelSystem.State], _ system: KernelSystem, seen: Set<UInt64>, expand: Bool,
                        _ workers: Workers) throws(SMTError) -> [Chunk] {
        let size = max(1, min(256, level.count / (workers.count * 8)))
        let bounds = stride(from: 0, to: level.count, by: size).map { $0..<min($0 + size, level.count) }
        let queue = IndexedWork<Chunk>(count: bounds.count)
        DispatchQueue.concurrentPerform(iterations: min(workers.count, bounds.count)) { w in
            let check = workers.checkers[w]
            while let i = queue.next() {
                do throws(SMTError) {
                    queue.store(i, try chunk(level[bounds[i]], system, seen: seen, expand: expand, check))
                } catch {
                    queue.fail(error)
                }
            }
        }
        return try queue.outputs()
    }

    static func chunk(_ states: ArraySlice<KernelSystem.State>, _ system: KernelSystem, seen: Set<UInt64>, expand: Bool,
                      _ check: CompiledDifferential) throws(SMTError) -> Chunk {
        var c = Chunk()
        var local = Set<UInt64>()
        var buffer: [Event] = []
        for s in states {
            let encoded = try check.encode(s.kernel)
            buffer.removeAll(keepingCapacity: true)
            system.actions(in: s, into: &buffer)
            c.edges += buffer.count
            for e in buffer {
                switch try check.compare(s.kernel, e, encoded: encoded) {
                case .agrees: c.compared += 1
                case .outOfScope: c.outOfScope += 1
                case .notEncoded: break
                case .differs(let d):
                    c.compared += 1
                    c.disagreements.append("\(system.describe(e)): \(d.prefix(4).map(\.description).joined(separator: "; "))")
                }
                guard expand, let t = system.successor(of: s, via: e) else { continue }
                let f = system.fingerprint(t)
                if !seen.contains(f) && local.insert(f).inserted { c.successors.append((f, t)) }
            }
        }
        return c
    }
}
