import SMT
import Scenarios
import Spec
import Symbolic
import Testing
import Verifier

/// Issue "Z3 proofs", point 2: the symbolic step evaluated on concrete
/// inputs equals `Spec`'s step, state and result. Random walks from every
/// built-in scenario give ≥ 1,000 compared in-scope pairs each (≥ 10,000 in
/// all); a disagreement names the event and the differing fields.
@Suite struct DifferentialTests {
    struct Tally {
        var compared = 0
        var outOfScope = 0
        var failures: [String] = []
        var kinds = Set<String>()
    }

    /// Walks from `scenario`, comparing an encoded event at each step, until
    /// `target` in-scope pairs agree or `maxAttempts` events were drawn.
    static func walk(_ name: String, target: Int, maxAttempts: Int, seed: UInt64, kernel: SymbolicKernel) throws -> Tally {
        let scenario = try ScenarioLoader.builtIn(name)
        let k0 = scenario.initial
        let walk = RandomEvents(slots: Int(k0.config.slotBound), pages: Int(k0.config.pageBound), cpus: Int(k0.config.cpuCount))
        let encoded = EncodedEvents(slots: Int(k0.config.slotBound), pages: Int(k0.config.pageBound))
        var g = SplitMix64(seed: seed)
        var tally = Tally()
        var k = k0, attempts = 0
        while tally.compared < target && attempts < maxAttempts && tally.failures.count < 5 {
            attempts += 1
            if attempts % 60 == 0 { k = k0 }
            let cpu = CPU(Int.random(in: 0..<Int(k.config.cpuCount), using: &g))
            if let e = encoded.next(in: k, cpu: cpu, using: &g) {
                switch try comparePair(k, e, kernel) {
                case .agrees: tally.compared += 1
                case .outOfScope: tally.outOfScope += 1
                case .notEncoded: break
                case .differs(let d):
                    tally.failures.append("\(name): \(e) — \(d.prefix(4).map(\.description).joined(separator: "; "))")
                }
                // Half the time follow the encoded event, so walks go through maps and creates.
                if Bool.random(using: &g) { _ = k.apply(e); continue }
            }
            _ = k.apply(walk.next(in: k, using: &g))
        }
        return tally
    }

    @Test(arguments: ScenarioLoader.builtInNames)
    func randomPairsAgreeWithSpec(_ name: String) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        let tally = try Self.walk(name, target: 1_000, maxAttempts: 20_000, seed: 0x5EED, kernel: kernel)
        #expect(tally.failures.isEmpty, "\(tally.failures.joined(separator: "\n"))")
        #expect(tally.compared >= 1_000, "only \(tally.compared) in-scope pairs compared (\(tally.outOfScope) out of scope)")
    }

    /// The comparison can fail: each test-only weakening of the encoding
    /// (the defects the proofs are meant to catch) disagrees with `Spec` on
    /// random walks, and the report names a field.
    @Test(arguments: [("rights mask", Weakening.noRightsMask), ("grant source", .grantKeepsSource),
                      ("stale slots", .keepStaleSlots), ("uncounted insert", .uncountedInsert)])
    func weakenedEncodingDisagrees(_ what: String, _ weakening: Weakening) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()), weakening: weakening)
        var found: [String] = []
        for name in ["revocation-chain", "client-server", "two-partitions"] where found.isEmpty {
            found = try Self.walk(name, target: 3_000, maxAttempts: 3_000, seed: 7, kernel: kernel).failures
        }
        #expect(!found.isEmpty, "the \(what) weakening was never observed")
        #expect(found.allSatisfy { $0.contains(": symbolic ") })
    }
}
