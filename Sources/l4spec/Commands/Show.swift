import ArgumentParser
import Refinement
import Scenarios
import Verifier

extension L4Spec {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a trace step by step as a sequence diagram (threads as lifelines, IPC as arrows).",
            discussion: "For a divergence trace written by `l4spec refine`, the spec and implementation values of each step are shown side by side (from the .refine sidecar next to the trace).")

        @Argument(help: "An l4spec-trace/1 JSON file.")
        var trace: String

        @Option(help: "Output format: text, mermaid or dot.")
        var format: ShowFormat = .text

        func run() throws {
            let (t, scenario) = try TraceRunner.load(path: trace)
            let sidecar = try RefineSidecar.load(for: trace)
            let diagram = SequenceDiagram.build(trace: t, scenario: scenario, sidecar: sidecar)
            switch format {
            case .text: print(SequenceRendering.text(diagram))
            case .mermaid: print(SequenceRendering.mermaid(diagram))
            case .dot: print(SequenceRendering.dot(diagram))
            }
        }
    }
}

enum ShowFormat: String, ExpressibleByArgument, CaseIterable {
    case text, mermaid, dot
}
