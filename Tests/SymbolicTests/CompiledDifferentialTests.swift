import SMT
import Scenarios
import Spec
@testable import Symbolic
import Testing
import Verifier

/// The fast comparison of `prove --differential` (`CompiledDifferential`:
/// one compiled step per call, evaluated in Swift; fields compared
/// generically over `SymbolicState.fields`) must neither accept what the
/// Z3 comparison rejects nor report what `Spec` does not determine.
@Suite struct CompiledDifferentialTests {
    /// (state, event) pairs of the first `states` explored states of `name`
    /// (breadth-first, the explorer's own action domain).
    static func pairs(_ name: String, states: Int) throws -> [(KernelState, Event)] {
        let system = KernelSystem(scenario: try ScenarioLoader.builtIn(name))
        var queue = system.initialStates(), seen = Set(queue.map(system.fingerprint))
        var out: [(KernelState, Event)] = []
        var buffer: [Event] = []
        var next = 0
        while next < queue.count && next < states {
            let s = queue[next]
            next += 1
            buffer.removeAll(keepingCapacity: true)
            system.actions(in: s, into: &buffer)
            for e in buffer {
                out.append((s.kernel, e))
                if let t = system.successor(of: s, via: e), seen.insert(system.fingerprint(t)).inserted { queue.append(t) }
            }
        }
        return out
    }

    static func text(_ v: PairVerdict) -> String {
        switch v {
        case .notEncoded: "not encoded"
        case .outOfScope: "out of scope"
        case .agrees: "agrees"
        case .differs(let d): d.map(\.description).joined(separator: "; ")
        }
    }

    /// The compiled comparison — per call family, as `prove --differential`
    /// runs it, and per concrete call (faithful only) — gives Z3's verdict, differences word
    /// for word, for the faithful encoding and for weakened ones: the two
    /// compiled forms on every pair, Z3 on the first differing pairs and on
    /// every 16th.
    @Test(arguments: [("faithful", Weakening()), ("rights mask", .noRightsMask), ("flat revoke", .flatRevoke),
                      ("stale slots", .keepStaleSlots)])
    func compiledMatchesZ3(_ what: String, _ weakening: Weakening) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()), weakening: weakening)
        let perFamily = try ExploredDifferential.checker(kernel), perCall = CompiledDifferential(kernel)
        var (differing, checked) = (0, 0)
        for (n, (k, e)) in try Self.pairs("revocation-chain", states: 60).enumerated() {
            let fast = Self.text(try perFamily.compare(k, e))
            // One step per concrete call is slow to build: the faithful encoding only.
            if weakening.isEmpty {
                let other = Self.text(try perCall.compare(k, e))
                #expect(fast == other, "\(e): per family \(fast) — per call \(other)")
            }
            let differs = fast.contains(": symbolic ")
            differing += differs ? 1 : 0
            guard (differs && differing <= 20) || n % 16 == 0 else { continue }
            let slow = Self.text(try comparePair(k, e, kernel))
            #expect(fast == slow, "\(what), \(e): compiled \(fast) — Z3 \(slow)")
            checked += 1
        }
        #expect(perFamily.fallbacks + perCall.fallbacks == 0, "pairs not covered by the compiled steps")
        #expect(perFamily.programs < 20, "\(perFamily.programs) steps compiled, not one per family")
        #expect(checked > 50)
        #expect(weakening.isEmpty ? differing == 0 : differing > 0, "\(what): \(differing) differing pairs")
    }

    /// A weakened encoding is caught over explored states, and the report
    /// names the field in `Spec`'s vocabulary.
    @Test(arguments: [(Weakening.noRightsMask, "].rights: symbolic "), (.flatRevoke, "page[task")])
    func weakeningIsNamed(_ weakening: Weakening, _ field: String) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()), weakening: weakening)
        let result = try ExploredDifferential.run(ScenarioLoader.builtIn("revocation-chain"), maxDepth: 4, maxStates: 400, kernel: kernel)
        #expect(!result.disagreements.isEmpty, "the weakening was never observed")
        #expect(result.disagreements.contains { $0.contains(field) }, "\(result.disagreements.prefix(3))")
    }

    /// The first explored pair that runs an invocation in scope and agrees,
    /// with its symbolic step and `Spec`'s successor.
    static func agreeingStep(_ kernel: SymbolicKernel) throws -> (SymbolicStep, KernelState, Outcome)? {
        let v = kernel.v
        for (k, e) in try pairs("revocation-chain", states: 4) {
            guard case .agrees = try comparePair(k, e, kernel), let pair = try ConcretePair(k, e, v) else { continue }
            let step = try kernel.step(SymbolicState(concrete: k, v), caller: v.b8(pair.caller), pair.call)
            return (step, pair.next, pair.outcome)
        }
        return nil
    }

    /// Ghost fields and don't-care positions are not compared; a compared
    /// field is, under its `Spec` name.
    @Test func ghostsAndDontCareAreNotCompared() throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        let v = kernel.v
        let found = try Self.agreeingStep(kernel)
        let (step, next, outcome) = try #require(found)
        #expect(try DifferentialCheck.differences(step, expected: next, outcome: outcome, v).isEmpty)
        #expect(SymbolicState.ghostFields.contains("owner") && !DifferentialCheck.comparedFields.contains { $0.0 == "owner" })

        var ghost = step
        ghost.state.owner = try step.state.owner.store(v.b16(0x0100), v.b8(7))
        #expect(try DifferentialCheck.differences(ghost, expected: next, outcome: outcome, v).isEmpty)

        // page[task3][3] is rooted in every built-in's boot state; its parent means nothing.
        let rootedNode: UInt64 = 0x0303
        #expect(next.pages[3 * Capacity.pagesPerTask + 3].parent == 0xFF)
        var parent = step
        parent.state.pageParent = try step.state.pageParent.store(v.context.bv(rootedNode, v.bv16), v.b16(0x0102))
        #expect(try DifferentialCheck.differences(parent, expected: next, outcome: outcome, v).isEmpty)

        var rights = step
        let old = next.slots[1 * Capacity.slotsPerTask + 2].rightsRaw
        rights.state.slotRights = try step.state.slotRights.store(v.b16(0x0102), v.b8(old ^ 0x5))
        let d = try DifferentialCheck.differences(rights, expected: next, outcome: outcome, v).map(\.description)
        #expect(d == ["slot[task1][2].rights: symbolic \(old ^ 0x5), Spec \(old)"])
    }
}
