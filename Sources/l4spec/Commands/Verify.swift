import ArgumentParser
import StateExplorer
import Verifier

extension L4Spec {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the main job: the conformance suite, then check every built-in scenario against its expect list.",
            discussion: """
                Each scenario is explored within its own bounds with the whole property catalogue; a verdict other \
                than the one its `expect:` list declares (unlisted: holds) fails. Liveness properties left \
                inconclusive at the liveness checker's state cap are reported, not failed.
                """)

        @Argument(help: "Built-in scenario names or scenario YAML files to check (default: every built-in).")
        var scenarios: [String] = []

        @Option(help: "Directory of conformance traces (default: ./Conformance or the package's).")
        var conformance: String?

        @Option(help: "Worker threads per scenario (default: all cores).")
        var workers = ExplorerConfiguration.defaultWorkers

        func validate() throws {
            guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
        }

        func run() throws {
            guard let dir = FileList.conformanceDirectory(explicit: conformance) else {
                throw ValidationError("no Conformance/ directory found; pass --conformance DIR")
            }
            var options = CheckOptions()
            options.workers = workers
            var current: StderrProgress?
            let report = try VerifyPipeline.run(
                conformanceDirectory: dir, scenarios: scenarios.isEmpty ? nil : scenarios, relativeTo: ".", options: options,
                progress: { name in
                    let p = StderrProgress(label: "check \(name)")
                    current = p
                    return p
                },
                finished: { _ in current?.finish() })
            print(VerifyPipeline.renderText(report))
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
