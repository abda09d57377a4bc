import Evidence
import Foundation
import Scenarios
import Testing

/// The initial authority graph shows what the boot state holds: one cluster
/// per policy domain with its tasks and threads, one edge per capability
/// slot with its rights, the pages, and the start-up bindings.
@Suite struct AuthorityGraphTests {
    @Test func twoPartitions_domainsCapsAndPages() throws {
        let dot = AuthorityGraph.dot(try ScenarioLoader.builtIn("two-partitions"))
        let clusters = dot.components(separatedBy: "subgraph cluster_").dropFirst().map { String($0.prefix { $0 != "}" }) }
        #expect(clusters.count == 2)
        #expect(clusters[0].contains("label=\"domain RTOS\"") && clusters[0].contains("label=\"task rtos\"") && clusters[0].contains("thread rtos_main"))
        #expect(clusters[1].contains("label=\"domain Compute\"") && clusters[1].contains("thread compute_main\\n(any: adversarial)"))
        #expect(!clusters[1].contains("rtos"))
        #expect(dot.contains("\"task1\" -> \"gate0\" [label=\"slot 4: RW\""))
        #expect(dot.contains("\"task0\" -> \"gate0\" [label=\"slot 4: RWSD server\""))
        #expect(dot.contains("\"task1\" -> \"frame_1\" [label=\"page 0: RW\""))
        #expect(dot.contains("\"gate0\" -> \"thread0\" [label=\"bound to\""))
        let capEdges = dot.split(separator: "\n").filter { $0.contains("label=\"slot ") }
        #expect(capEdges.count == 6)
    }
}
