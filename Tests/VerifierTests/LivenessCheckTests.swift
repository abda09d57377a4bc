import Foundation
import Properties
import Scenarios
import Testing
@testable import Verifier

/// IPC-8 through `check`: liveness on the depth-bounded graph under weak
/// fairness of ticks and of each CPU's running thread.
@Suite struct LivenessCheckTests {
    static func scenario(serverSteps: String, depth: Int, busy: Bool = false) throws -> Scenario {
        let text = """
            name: liveness-probe
            description: a client calls a one-thread server through a gate
            bounds: {slots: 5, pages: 1, cpus: 1, depth: \(depth), words: 1, word_values: [0], labels: [0]}
            tasks:
              - name: server
                caps:
                  - {slot: 1, object: server, rights: RWSD}
                  - {slot: 3, object: server_main, rights: RWSD}
                  - {slot: 4, object: service, rights: RWSD}
                  - {slot: 2, object: line0, rights: RWSD}
              - name: client
                caps:
                  - {slot: 1, object: client, rights: RWSD}
                  - {slot: 3, object: client_main, rights: RWSD}
                  - {slot: 4, object: service, rights: W, server: false}
            threads:
              - name: server_main
                task: server
                priority: 10
                behaviour: script
                script:
            \(serverSteps)
            \(busy ? busyThread : "")
              - name: client_main
                task: client
                priority: 10
                behaviour: script
                script:
                  steps:
                    - {op: ipc.call, cap: 4, words: [0]}
            gates:
              - {name: service, thread: server_main, label: 8}
            irqs:
              - {name: line0, thread: \(busy ? "busy" : "server_main"), label: 4, line: 0}
            policy:
              domains:
                - {name: Server, tasks: [server]}
                - {name: Client, tasks: [client]}
              flows:
                - {from: Client, to: Server}
                - {from: Server, to: Client}
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("liveness-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ScenarioLoader.load(path: path)
    }

    /// A higher-priority thread that waits for an interrupt, then blocks for good.
    static let busyThread = """
          - name: busy
            task: server
            priority: 20
            behaviour: script
            script:
              steps:
                - {op: irq.receive, cap: 2}
                - {op: ipc.sleep, timeout: never}
        """

    func ipc8(_ scenario: Scenario) throws -> PropertyResult {
        let report = try CheckPipeline.run(scenario, entries: CheckPipeline.entries(["IPC-8"]), options: CheckOptions())
        return try #require(report.results.first)
    }

    /// A server whose script ends after one receive: the client's call is
    /// queued at a partner that sleeps forever. A genuine wait-forever.
    @Test func serverThatStopsServing_violatesIPC8_withALasso() throws {
        let steps = """
                  steps:
                    - {op: ipc.sleep, timeout: never}
            """
        let r = try ipc8(try Self.scenario(serverSteps: steps, depth: 8))
        #expect(r.verdict == "violated", "\(r.detail)")
        #expect(r.detail.contains("client_main"))
        #expect(r.counterexample?.description?.contains("lasso") == true)
    }

    /// A server that answers every call, below a higher-priority thread that
    /// an interrupt wakes once, after which it blocks for good: the client's
    /// wait ends on every fair run. With fairness of ticks alone, a lasso in
    /// which the woken `busy` keeps the CPU through ticks and never takes its
    /// next step (so the server never runs) is reported as a violation: the
    /// spurious counterexample the built-in `realtime` showed.
    @Test func serverThatAnswers_holdsIPC8() throws {
        let steps = """
                  loop: true
                  steps:
                    - {op: ipc.wait}
                    - {op: ipc.reply}
            """
        let r = try ipc8(try Self.scenario(serverSteps: steps, depth: 8, busy: true))
        #expect(r.verdict == "holds", "\(r.detail)")
    }
}
