import Foundation
import Scenarios
import Verification
import Verifier

/// `l4spec evidence --out DIR` (issue 7 points 3 and 5): checks the input
/// and the output directory, runs the jobs, writes the bundle into a
/// staging directory next to DIR and renames it into place. On any error the
/// staging directory is removed and DIR is left as it was.
public enum EvidencePipeline {
    public struct Written: Sendable {
        public var document: EvidenceDocument
        public var path: String
        /// DESIGN §9, decided as `verify` decides it: 0 as required, 1 a failure, 3 inconclusive.
        public var exitCode: Int32
    }

    public static func run(_ options: EvidenceOptions, out: String, force: Bool,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           progress: PhaseProgress? = nil) throws -> Written {
        let epoch = try JUnitRendering.sourceDateEpoch(environment)
        var options = options
        options.verify.timestamp = epoch
        let noninterference = try EvidenceJobs.load(options)
        let output = try OutputDirectory.prepare(out, force: force)
        let interrupts = output.removeOnInterrupt()
        defer { OutputDirectory.restoreInterrupts(interrupts) }
        do {
            let results = try EvidenceJobs.run(options, noninterference: noninterference, bundle: output.staging, progress: progress)
            progress?.update("evidence", "writing the bundle")
            let document = try BundleAssembler(bundle: output.staging, environment: environment, epoch: epoch).assemble(results)
            try output.commit()
            progress?.done("evidence", "bundle written")
            progress?.finish()
            let codes = results.records.map(\.outcome) + results.noninterference.flatMap(\.obligations).map(Self.outcome)
            return Written(document: document, path: out, exitCode: ResultOutcome.exitCode(codes))
        } catch {
            output.discard()
            throw error
        }
    }

    /// A noninterference condition counts like a proof obligation under `verify`'s
    /// strict policy: a refutation fails, anything not proved is inconclusive.
    static func outcome(_ o: NIObligation) -> ResultOutcome {
        switch o.verdict {
        case .proved: .pass
        case .refuted: .fail
        case .unknown, .vacuous: .inconclusive
        }
    }
}

/// Turns results into the files of the bundle, in an order that lets every
/// file list the hashes of those written before it.
struct BundleAssembler {
    let bundle: URL
    let environment: [String: String]
    let epoch: Date?

    func assemble(_ r: EvidenceResults) throws -> EvidenceDocument {
        let graphviz = Graphviz(environment: environment)
        var findings = FindingBuilder(figures: FigureWriter(bundle: bundle, graphviz: graphviz))
        try findings.build(r)
        var figures = findings.figures
        let systems = try SystemBuilder.sections(r, figures: &figures)
        let requirements = MatrixBuilder.requirements(r, figures: findings.byName)
        let coverage = SystemBuilder.coverage(r)
        let inventory = SourceInventory.locate()
        let git = inventory.git(environment: environment)
        let inputs = try Inputs.collect(r, inventory: inventory, bundle: bundle)
        try BundleFiles.write(Manifest.checksums(inputs.filter { $0.path.first != "/" }), to: BundleLayout.sourceChecksums, in: bundle)
        var d = EvidenceDocument(
            header: header(r, git: git, inventory: inventory, graphviz: graphviz),
            overall: SummaryBuilder.overall(requirements), summary: SummaryBuilder.rows(requirements), requirements: requirements,
            assumptions: AssumptionBuilder.sets(r), findings: findings.findings, systems: systems, coverage: coverage,
            outOfScope: ScopeBuilder.items(r, coverage: coverage), inputs: inputs, artifacts: [],
            notices: notices(graphviz: graphviz, failures: figures.failures, inventory: inventory, git: git))
        try ResultFiles.write(r, to: bundle)
        d.artifacts = try Manifest.hashAll(Manifest.files(below: bundle), in: bundle, category: "artifact")
        try BundleFiles.write(try ResultFiles.encode(d), to: BundleLayout.document, in: bundle)
        let svg = try svgTexts(d)
        try BundleFiles.write(HTMLRendering.render(d, svg: svg), to: BundleLayout.index, in: bundle)
        try BundleFiles.write(MarkdownRendering.render(d), to: BundleLayout.markdown, in: bundle)
        let listed = Manifest.files(below: bundle)
        try BundleFiles.write(try Manifest.json(d, artifacts: try Manifest.hashAll(listed, in: bundle, category: "artifact")),
                              to: BundleLayout.manifest, in: bundle)
        let all = try Manifest.hashAll(Manifest.files(below: bundle), in: bundle, category: "artifact")
        try BundleFiles.write(Manifest.checksums(all), to: BundleLayout.checksums, in: bundle)
        return d
    }

    func header(_ r: EvidenceResults, git: (commit: String, modified: Int?, time: Int64?), inventory: SourceInventory,
                graphviz: Graphviz) -> EvidenceDocument.Header {
        let (generated, source): (String?, String) =
            if let epoch { (Self.iso8601(epoch), "SOURCE_DATE_EPOCH") }
            else if let t = git.time { (Self.iso8601(Date(timeIntervalSince1970: TimeInterval(t))), "the commit time; set SOURCE_DATE_EPOCH to choose it") }
            else { (nil, "set SOURCE_DATE_EPOCH to record one") }
        let z3 = r.proof?.z3Version ?? r.noninterference.first?.z3Version
        return .init(toolVersion: r.options.verify.toolVersion, commit: git.commit, modifiedTrackedFiles: git.modified, generated: generated,
                     generatedSource: source, command: r.options.commandLine, z3Version: z3, graphvizVersion: graphviz.version,
                     sourceRoot: inventory.located)
    }

    func notices(graphviz: Graphviz, failures: [String], inventory: SourceInventory,
                 git: (commit: String, modified: Int?, time: Int64?)) -> [String] {
        var out: [String] = []
        if !graphviz.available {
            out.append("Graphviz (`dot`) was not found on PATH: the pictures are kept as DOT sources under `figures/` and not rendered. Install the `graphviz` package (scripts/ensure-deps does) and run again to get SVG.")
        }
        out += failures.map { "Graphviz could not render \($0); its DOT source is kept." }
        if inventory.root == nil {
            out.append("Sources not available: no L4Spec package tree was found (current directory, above the executable, build location), so the Spec and Properties sources are NOT hashed in this bundle.")
        }
        if git.commit == "unknown" { out.append("The git commit is unknown (no git, or the sources are not a git checkout).") }
        if let n = git.modified, n > 0 {
            out.append("The working tree has \(n) tracked file(s) that differ from commit \(git.commit.prefix(12)): the source hashes, not the commit, identify what was checked.")
        }
        return out
    }

    /// Figure path → SVG text, for inlining.
    func svgTexts(_ d: EvidenceDocument) throws -> [String: String] {
        var out: [String: String] = [:]
        for f in d.findings.compactMap(\.figure) + d.systems.compactMap(\.figure) {
            guard let p = f.svg else { continue }
            out[p] = try String(contentsOf: bundle.appendingPathComponent(p), encoding: .utf8)
        }
        return out
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
