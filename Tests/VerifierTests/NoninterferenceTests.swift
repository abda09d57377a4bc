import Scenarios
import Symbolic
import Testing
import Verifier

/// Issue 5 point 4: the noninterference unwinding conditions (INFO-3,
/// INFO-4, INFO-5) over two copies of the encoded state. The two-partition
/// policy is proved for gate creation and cap_valid (every condition; the
/// map and unmap families take minutes and are measured by `l4spec prove
/// --noninterference`, docs/prove.md); an insecure built-in is refuted with a
/// concrete pair anchored at its boot state; a deliberately weakened relation
/// is refuted (a check that cannot fail proves nothing). Serialized: the
/// queries are CPU-bound (about 40 s in all on two loaded cores).
@Suite(.serialized) struct NoninterferenceTests {
    static func run(_ scenario: String, _ families: [ProofFamily], _ conditions: [NICondition] = NICondition.allCases,
                    observation: NIObservation = .inbound, defect: NIRelationDefect? = nil) throws -> NIReport {
        var options = NIOptions()
        options.families = families
        options.conditions = conditions
        options.observation = observation
        options.defect = defect
        // Generous: a loaded machine slows Z3 several-fold.
        options.timeoutMilliseconds = 120_000
        return try Noninterference.run(try ScenarioLoader.builtIn(scenario), options)
    }

    static func describe(_ r: NIReport) -> String {
        r.obligations.map { "\($0.condition.name) \($0.family): \($0.verdict.word)" }.joined(separator: "; ")
    }

    /// A vacuity witness search that hits its time limit is inconclusive,
    /// not vacuous: only an unsat search makes a family vacuous (as for the
    /// prover's families, `ProveTests.aTimedOutWitnessSearchIsNotVacuous`).
    @Test func aTimedOutWitnessSearchIsNotVacuous() throws {
        var options = NIOptions()
        options.families = [.capValid, .create(.gate)]
        options.timeoutMilliseconds = 1
        options.anchored = false
        let report = try Noninterference.run(try ScenarioLoader.builtIn("two-partitions"), options)
        #expect(!report.obligations.isEmpty)
        for o in report.obligations {
            #expect(o.verdict != .vacuous, "\(o.condition.name) \(o.family) called vacuous after a 1 ms search")
        }
    }

    @Test func twoPartitionsPolicyIsProvedForGateCreationAndCapValid() throws {
        let report = try Self.run("two-partitions", [.create(.gate), .capValid])
        #expect(report.obligations.count == 2 * NICondition.allCases.count)
        #expect(report.allProved, "\(Self.describe(report))")
    }

    /// insecure-revocation-exit: b holds a capability to c's task (B → C is
    /// allowed, as authority), so b's task.cap_valid reads c's object space:
    /// C → B, which the policy forbids. The pair: the boot state and a state
    /// that differs only in c's items.
    @Test func insecureRevocationExitIsRefutedWithAConcretePair() throws {
        let report = try Self.run("insecure-revocation-exit", [.capValid], [.outputConsistency])
        let o = try #require(report.obligations.first)
        guard case .refuted = o.verdict else {
            Issue.record("expected a refutation, got \(o.verdict)")
            return
        }
        let pair = try #require(o.pair, "no concrete pair: \(o.anchorNote ?? "")")
        #expect(pair.secret == "C")
        #expect(!pair.differences.isEmpty)
        for d in pair.differences {
            #expect(d.owner == "C", "\(d.item) belongs to \(d.owner), not to the secret domain")
        }
        #expect(pair.lines.contains { $0.hasPrefix("action: ") })
        #expect(pair.lines.contains { $0.hasPrefix("result: ") })

        // The machine formats: one failing `l4spec-output/1` record carrying the pair.
        let records = NIRendering.records(report, timeoutMilliseconds: 120_000)
        #expect(records.map(\.outcome) == [.fail])
        #expect(records.first?.evidence?.steps.count == pair.lines.count)
        let output = OutputReport(command: "prove", tool: ToolInfo(version: "9.9.9", z3: report.z3Version), results: records, seconds: 1)
        try OutputValidation.expectValidOutput(OutputJSON.render(output, details: NIRendering.json([report])))
    }

    /// Two peers that may flow to each other; x holds two capabilities to
    /// y's task (W and RW), as authority (X → Y) the policy allows.
    static let peersYAML = """
        name: ni-peers
        description: Two peers; x may map into y and read its object space.
        bounds: {slots: 5, pages: 1, cpus: 1, depth: 2, words: 0, word_values: [0], labels: [0]}
        tasks:
          - name: x
            caps:
              - {slot: 1, object: x, rights: RWSD}
              - {slot: 2, object: y, rights: W}
              - {slot: 3, object: x_main, rights: RWSD}
              - {slot: 4, object: y, rights: RW}
          - name: y
            caps:
              - {slot: 1, object: y, rights: RWSD}
              - {slot: 3, object: y_main, rights: RWSD}
        threads:
          - {name: x_main, task: x, priority: 10, behaviour: any}
          - {name: y_main, task: y, priority: 10, behaviour: any}
        policy:
          domains:
            - {name: X, tasks: [x]}
            - {name: Y, tasks: [y]}
          flows:
            - {from: X, to: Y}
            - {from: Y, to: X}
        """

    static func peers(_ family: ProofFamily, observation: NIObservation = .inbound, defect: NIRelationDefect? = nil) throws -> NIObligation {
        var options = NIOptions()
        options.families = [family]
        options.conditions = [.outputConsistency]
        options.observation = observation
        options.defect = defect
        options.timeoutMilliseconds = 60_000
        let report = try Noninterference.run(try ScenarioLoader.load(yaml: Self.peersYAML, file: "ni-peers.yaml"), options)
        return try #require(report.obligations.first)
    }

    /// An observation that ignores the rights of slots cannot separate states
    /// that task.cap_equal tells apart (it compares the W and S bits).
    @Test func relationIgnoringSlotRightsIsRefuted() throws {
        #expect(try Self.peers(.capEqual).verdict == .proved)
        let weak = try Self.peers(.capEqual, defect: .ignoreSlotRights)
        if case .unknown = weak.verdict {
            // About 10 s at load 2; two fresh-clone builds alongside once pushed it
            // past the 60 s limit. A weak relation that is *proved* still fails.
            withKnownIssue("not decided within the Z3 limit on a loaded machine", isIntermittent: true) {
                Issue.record("the weakened relation is not decided")
            }
            return
        }
        guard case .refuted = weak.verdict else {
            Issue.record("expected a refutation, got \(weak.verdict.word)")
            return
        }
        #expect(weak.pair != nil, "no concrete pair: \(weak.anchorNote ?? "")")
    }

    /// The literal relation (u sees only its own items) is too fine for a
    /// policy that lets one domain hold authority over another's objects:
    /// x's task.cap_valid through its capability to y's task reads y's
    /// object space, which the policy lets flow to X (Y → X) but `owned`
    /// leaves out of X's view. (`inbound` proves it: `l4spec prove
    /// --noninterference` on this scenario, 5–15 s.)
    @Test func ownedObservationIsTooFineForAuthorityAcrossDomains() throws {
        let owned = try Self.peers(.capValid, observation: .owned)
        guard case .refuted = owned.verdict else {
            Issue.record("expected a refutation, got \(owned.verdict.word)")
            return
        }
        let pair = try #require(owned.pair, "no concrete pair: \(owned.anchorNote ?? "")")
        #expect(pair.secret == "Y")
        #expect(pair.differences.allSatisfy { $0.owner == "Y" })
    }
}
