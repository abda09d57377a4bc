import KernelImpl
import Refinement
import Scenarios
import Spec
import Testing

/// The abstraction function on boot states (DESIGN §8): the implementation
/// booted from a scenario's initial state must look exactly like it.
@Suite struct AbstractionTests {
    @Test(arguments: ScenarioLoader.builtInNames)
    func bootState_ofEveryBuiltIn_abstractsToTheSpecBootState(_ name: String) throws {
        let session = try RefineSession(scenario: try ScenarioLoader.builtIn(name))
        #expect(session.stateDiffs().isEmpty, "\(session.stateDiffs())")
    }

    @Test(arguments: ["two-tasks", "chain", "ipc", "gate", "irq", "pager", "prio", "quota"])
    func bootState_ofEveryConformanceFixture_abstractsToTheSpecBootState(_ fixture: String) throws {
        let session = try RefineSession(scenario: try Fixtures.scenario(fixture))
        #expect(session.stateDiffs().isEmpty, "\(session.stateDiffs())")
    }

    /// Objects are paired by kind as they are created, so names stay right
    /// even when the two sides' table indices would not.
    @Test func createdObjects_arePairedWithTheirCounterpart() throws {
        let scenario = try Fixtures.scenario("two-tasks")
        var s = try RefineSession(scenario: scenario)
        let r = s.step(.invoke(cpu: CPU(0), .factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 8, thread: nil), slot: SlotIndex(6))))
        #expect(r.diffs.isEmpty, "\(r.diffs)")
        let gate = try #require(s.corr.impl(.gate(GateID(0))))
        #expect(gate.kind == .gate)
        #expect(s.corr.spec(gate) == .gate(GateID(0)))
    }

    /// The implementation keeps blocked threads in its ready list until the
    /// scheduler meets them (lazy removal, kernel-api §9); the abstraction
    /// counts only ready entries, so the views agree.
    @Test func staleReadyEntries_areAbstractedAway() throws {
        var s = try RefineSession(scenario: try Fixtures.scenario("two-tasks"))
        let r = s.step(.invoke(cpu: CPU(0), .ipcWait(timeout: .never, buffer: .none)))
        #expect(r.diffs.isEmpty, "\(r.diffs)")
        let ta = try #require(s.corr.impl(.thread(ThreadID(0))))
        #expect(s.impl.readyQueue(cpu: 0).listed.contains(ta.index))
        #expect(!s.impl.readyQueue(cpu: 0).order.contains(ta.index))
    }

    /// Quota is compared in the spec's units: the implementation is booted with
    /// object sizes equal to them.
    @Test func quota_isComparedInSpecUnits() throws {
        let s = try RefineSession(scenario: try Fixtures.scenario("two-tasks"))
        let root = try #require(s.corr.impl(.factory(FactoryID(0))))
        #expect(s.impl.factoryView(root.index)?.used == UInt64(s.spec.factory(FactoryID(0)).used))
    }
}
