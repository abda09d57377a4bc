import Properties
import SMT
import Scenarios
import Spec
import Symbolic
import Testing
@testable import Verifier

/// Negative tests of AUX-NEW-ACCOUNT: states in which an object is charged
/// to a free factory entry — the precondition of `factory.create(factory)`
/// fails there, so the lemma's goal holds — and in which exactly one of the
/// invariants its proof uses is broken. Each shows what that invariant
/// excludes: a stale charge (the ledger), an allocated entry of no kind
/// (AUX-KIND, which makes its cost 0), a charged factory whose reservation
/// 1 + limit wraps to 0 (AUX-RESERVE).
@Suite struct PreconditionStateTests {
    /// The invariants the lemma's argument uses that a state can break at one point.
    static let used = ["CAP-6", "MEM-2", "AUX-LEDGER-STEP", "AUX-KIND", "AUX-RESERVE"]

    struct Setting {
        let p: ProofSetting
        let boot: KernelState
        var s: SymbolicState
        /// A free factory entry of the boot state: the new factory's.
        let entry: UInt8
        var v: Vocabulary { p.v }

        init() throws {
            let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
            p = try .permissive(kernel)
            let k = try ScenarioLoader.builtIn("client-server").initial
            let free = (0..<Capacity.factories).first { k.factory(FactoryID($0)).life == .free }
            boot = k
            s = try SymbolicState(concrete: k, kernel.v)
            entry = UInt8(try #require(free))
        }

        /// Whether the precondition holds at object `x` (false: the lemma's goal holds there).
        func precondition(at x: Expr) throws -> Bool {
            let call = CreateCall(kind: .factory, factory: try v.b8(0), slot: try v.b8(0), hasSlot: try v.truth(true),
                                  limit: try v.b16(1), entry: try v.b8(entry), tableFull: try v.truth(false))
            let pre = try #require(ProofFamily.create(.factory).universalPreconditions(p.kernel, pre: s, .create(call)).first)
            return try pre.body([x]).simplified().boolValue == true
        }

        /// The invariants of `used` that break at some tuple of the given points.
        func broken(objects extra: [Expr] = [], factories more: [Expr] = []) throws -> [String] {
            let objects = try ConcreteLayout.objects.map { try v.context.bv($0.0, v.bv16) } + extra + [try v.b16(0xFFFF)]
            let factories = try (0..<Capacity.factories).map { try v.b8(UInt8($0)) } + more
            var out: [String] = []
            for id in PreconditionStateTests.used {
                let inv = try #require((SymbolicInvariants.all + SymbolicInvariants.counting).first { $0.id == id })
                var tuples: [[Expr]] = [[]]
                for b in inv.bound { tuples = tuples.flatMap { t in (b == .factory ? factories : objects).map { t + [$0] } } }
                if try tuples.contains(where: { try inv.body(p, s, $0).simplified().boolValue != true }) { out.append(id) }
            }
            return out
        }
    }

    @Test func theBootStateKeepsThePreconditionAndTheInvariants() throws {
        let t = try Setting()
        let x = try t.v.context.bv(ConcreteLayout.objects[0].0, t.v.bv16)
        #expect(try t.precondition(at: x))
        #expect(try t.broken().isEmpty)
    }

    @Test func aStaleChargeBreaksTheLedger() throws {
        var t = try Setting()
        let r = try #require(ConcreteLayout.objects.first { $0.1.kind != .factory && t.boot.isLive($0.1) })
        let x = try t.v.context.bv(r.0, t.v.bv16)
        t.s.quota = try t.s.quota.store(x, t.v.b8(t.entry))
        #expect(try !t.precondition(at: x))
        #expect(try t.broken() == ["AUX-LEDGER-STEP"])
    }

    @Test func aChargedEntryOfNoKindBreaksAuxKind() throws {
        var t = try Setting()
        let x = try t.v.b16(0x0700)
        t.s.life = try t.s.life.store(x, t.v.b8(LifeValue.live))
        t.s.quota = try t.s.quota.store(x, t.v.b8(t.entry))
        #expect(try !t.precondition(at: x))
        #expect(try t.broken(objects: [x]) == ["AUX-KIND"])
    }

    @Test func aChargedFactoryWhoseReservationWrapsBreaksAuxReserve() throws {
        var t = try Setting()
        // An entry beyond Spec's table: free in every boot state, as the encoding's 2^8 entries are.
        let f = UInt8(Capacity.factories), x = try t.v.b16(0x0500 | UInt16(f))
        #expect(f != t.entry)
        t.s.life = try t.s.life.store(x, t.v.b8(LifeValue.live))
        t.s.quota = try t.s.quota.store(x, t.v.b8(t.entry))
        t.s.limit = try t.s.limit.store(t.v.b8(f), t.v.b16(0xFFFF))
        #expect(try !t.precondition(at: x))
        #expect(try t.broken(objects: [x], factories: [t.v.b8(f)]) == ["AUX-RESERVE"])
    }
}
