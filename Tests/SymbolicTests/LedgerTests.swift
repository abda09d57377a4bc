import Properties
import SMT
import Scenarios
import Spec
import Symbolic
import Testing
import Verifier

/// The ghost ledgers of MEM-2 and CAP-5 (SymbolicLedger.swift,
/// SymbolicRefLedger.swift): the built-in boot states satisfy the counting
/// invariants at every table entry, a wrong `used` breaks MEM-2's symbolic
/// form and a wrong counter CAP-5's, and the symbolic step moves both
/// ledgers exactly as `Spec`'s step changes the charged objects and the
/// counted slots.
@Suite struct LedgerTests {
    /// The entries an invariant is evaluated at: every `Spec` factory and
    /// object, the object above the tables and the last object.
    static func points(_ b: BoundSort, _ v: Vocabulary) throws -> [Expr] {
        switch b {
        case .factory: return try (0..<Capacity.factories).map { try v.b8(UInt8($0)) }
        case .object:
            return try ConcreteLayout.objects.map { try v.context.bv($0.0, v.bv16) } + [try v.b16(0x0600), try v.b16(0xFFFF)]
        case .slot:
            return try ConcreteLayout.slotPositions.map { try v.context.bv($0.0, v.bv16) } + [try v.b16(0x0400), try v.b16(0xFFFF)]
        default: return []
        }
    }

    /// The ids of the counting invariants that `s` breaks at some point.
    static func broken(_ s: SymbolicState, _ p: ProofSetting) throws -> [String] {
        var out: [String] = []
        for inv in SymbolicInvariants.counting {
            var tuples: [[Expr]] = [[]]
            for b in inv.bound { tuples = try tuples.flatMap { t in try points(b, p.v).map { t + [$0] } } }
            for t in tuples where try inv.body(p, s, t).simplified().boolValue != true {
                out.append(inv.id)
                break
            }
        }
        return out
    }

    static func setting() throws -> ProofSetting {
        try .permissive(SymbolicKernel(Vocabulary(SMTContext())))
    }

    @Test(arguments: ScenarioLoader.builtInNames)
    func bootStatesKeepTheLedger(_ name: String) throws {
        let p = try Self.setting()
        let s = try SymbolicState(concrete: ScenarioLoader.builtIn(name).initial, p.v)
        #expect(try Self.broken(s, p).isEmpty)
    }

    /// Negative: one unit more or less in an account's `used` breaks MEM-2 (and only MEM-2).
    @Test func aWrongUsedBreaksMem2() throws {
        let p = try Self.setting(), v = p.v
        let k = try ScenarioLoader.builtIn("client-server").initial
        let f = try #require((0..<Capacity.factories).first { k.factory(FactoryID($0)).life != .free })
        for delta: Int in [1, -1] {
            var s = try SymbolicState(concrete: k, v)
            let wrong = UInt16(truncatingIfNeeded: Int(k.factory(FactoryID(f)).used) + delta)
            s.used = try s.used.store(v.b8(UInt8(f)), v.b16(wrong))
            #expect(try Self.broken(s, p) == ["MEM-2"])
        }
    }

    /// Negative: one more or one less on an object's counter breaks CAP-5 (and only CAP-5).
    @Test func aWrongCounterBreaksCap5() throws {
        let p = try Self.setting(), v = p.v
        let k = try ScenarioLoader.builtIn("client-server").initial
        let r = try #require(ConcreteLayout.objects.first { k.countedRefs($0.1) > 0 })
        for delta: Int in [1, -1] {
            var s = try SymbolicState(concrete: k, v)
            let wrong = UInt8(truncatingIfNeeded: k.countedRefs(r.1) + delta)
            s.counted = try s.counted.store(v.context.bv(r.0, v.bv16), v.b8(wrong))
            #expect(try Self.broken(s, p) == ["CAP-5"])
        }
    }

    /// The step's ledger equals the ledger of `Spec`'s next state at every
    /// account and object, on random walks through creates and deletions.
    @Test func theStepMovesTheLedgerAsSpecCharges() throws {
        let p = try Self.setting(), v = p.v, kernel = p.kernel
        var compared = 0, moved = 0, recounted = 0
        for name in ["client-server", "two-partitions", "revocation-chain"] {
            let k0 = try ScenarioLoader.builtIn(name).initial
            let walk = RandomEvents(slots: Int(k0.config.slotBound), pages: Int(k0.config.pageBound), cpus: Int(k0.config.cpuCount))
            let encoded = EncodedEvents(slots: Int(k0.config.slotBound), pages: Int(k0.config.pageBound))
            var g = SplitMix64(seed: 0x1ED6E5)
            var k = k0
            for attempt in 1...300 {
                if attempt % 60 == 0 { k = k0 }
                let cpu = CPU(Int.random(in: 0..<Int(k.config.cpuCount), using: &g))
                guard let e = encoded.next(in: k, cpu: cpu, using: &g) else {
                    _ = k.apply(walk.next(in: k, using: &g))
                    continue
                }
                let (next, result) = Spec.step(k, e)
                if case .invoke(_, let inv) = e, let actor = result.actor, ![.tornDown, .faultRetried, .idle].contains(result.outcome),
                   let call = try SymbolicCall.concrete(inv, in: k, v) {
                    let step = try kernel.step(SymbolicState(concrete: k, v), caller: v.b8(actor.raw), call)
                    if try step.inScope.simplified().boolValue == true {
                        let expected = try SymbolicState(concrete: next, v)
                        try Self.compare(step.state.ledger, expected.ledger, Self.points(.factory, v), .object, "\(name): \(e) ledger", v)
                        try Self.compare(step.state.refLedger, expected.refLedger, Self.named(k, next, v), .slot, "\(name): \(e) refLedger", v)
                        compared += 1
                        let before = try SymbolicState(concrete: k, v)
                        for q in try Self.points(.factory, v)
                        where try kernel.ledgerTotal(before, q).simplified().description != kernel.ledgerTotal(expected, q).simplified().description {
                            moved += 1
                        }
                        for r in try Self.points(.object, v)
                        where try kernel.refTotal(before, r).simplified().description != kernel.refTotal(expected, r).simplified().description {
                            recounted += 1
                        }
                    }
                }
                k = next
            }
        }
        #expect(compared >= 100, "only \(compared) in-scope steps compared")
        #expect(moved > 0, "no step changed an account's ledger")
        #expect(recounted > 0, "no step changed an object's slot count")
    }

    /// The groups of the ref ledger worth comparing: the objects a counted
    /// slot names before or after the step (every other row is 0 in both),
    /// and one that no slot can name.
    static func named(_ a: KernelState, _ b: KernelState, _ v: Vocabulary) throws -> [Expr] {
        var refs = Set<UInt64>([0x0600])
        for k in [a, b] {
            for (_, i) in ConcreteLayout.slotPositions {
                if let r = k.slots[i].ref, k.slots[i].counted { refs.insert(UInt64(r.kind.rawValue) << 8 | UInt64(r.index)) }
            }
        }
        return try refs.sorted().map { try v.context.bv($0, v.bv16) }
    }

    /// Both ledgers agree at every given group and every position of
    /// `Spec`'s tables (a 32-bit position is group ‖ position).
    static func compare(_ got: Expr, _ want: Expr, _ groups: [Expr], _ position: BoundSort, _ what: String,
                        _ v: Vocabulary) throws {
        for g in groups {
            for x in try points(position, v) {
                let at = try (g.bitWidth == 8 ? v.b8(0).concat(g) : g).concat(x)
                #expect(try got.select(at).simplified().description == want.select(at).simplified().description, "\(what) at \(g) ‖ \(x)")
            }
        }
    }
}
