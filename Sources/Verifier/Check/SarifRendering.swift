import Foundation
import Scenarios

/// `l4spec check --format sarif`: SARIF 2.1.0 (docs/check-formats.md). The
/// reports become output records (`CheckRecords`) and are rendered by the
/// renderer every subcommand shares (`OutputSarif`): one rule per checked
/// property, one result per violated property (kind `fail`, level `error`)
/// and per inconclusive one (kind `review`, level `none`), pointing at the
/// scenario file and at the Spec rule of the counterexample's last event,
/// with `codeFlows` listing the steps.
public enum SarifRendering {
    /// `workingDirectory` makes user scenario paths relative and is where the
    /// Spec sources are looked for first (then the compiled-in package root).
    public static func json(_ reports: [CheckReport], tracePaths: [String: [String: String]], toolVersion: String,
                            workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        var sources = OutputSources(workingDirectory: workingDirectory)
        var records: [ResultRecord] = []
        for report in reports {
            records += CheckRecords.records(report, tracePaths: tracePaths[report.scenario.name] ?? [:], sources: &sources)
        }
        let report = OutputReport(command: "check", tool: ToolInfo(version: toolVersion), results: records,
                                  seconds: reports.reduce(0) { $0 + $1.seconds })
        return OutputSarif.json(report, workingDirectory: workingDirectory)
    }

    /// "Take-grant confinement: authority islands never merge" → "TakeGrantConfinementAuthorityIslandsNeverMerge".
    static func pascalCase(_ title: String) -> String {
        title.split { !$0.isLetter && !$0.isNumber }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
