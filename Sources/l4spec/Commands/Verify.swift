import ArgumentParser
import Verifier

extension L4Spec {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the main job: the conformance suite on the spec, with one summary table.")

        @Option(help: "Directory of conformance traces (default: ./Conformance or the package's).")
        var conformance: String?

        func run() throws {
            guard let dir = FileList.conformanceDirectory(explicit: conformance) else {
                throw ValidationError("no Conformance/ directory found; pass --conformance DIR")
            }
            let report = VerifyPipeline.run(conformanceDirectory: dir)
            print(VerifyPipeline.renderText(report))
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
