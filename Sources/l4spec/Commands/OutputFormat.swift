import ArgumentParser
import Foundation
import Scenarios
import Verifier

/// `--format` of every subcommand (docs/output.md): text for people; json
/// (the `l4spec-output/1` envelope), junit and sarif for machines.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit, sarif
}

/// Prints an output report in a machine format (text is each command's own).
enum OutputPrinter {
    /// `SOURCE_DATE_EPOCH`, the only timestamp machine formats carry; malformed is exit 2.
    static func timestamp() throws(InputError) -> Date? {
        try JUnitRendering.sourceDateEpoch(ProcessInfo.processInfo.environment)
    }

    static func tool(z3: String? = nil) -> ToolInfo { ToolInfo(version: L4Spec.configuration.version, z3: z3) }

    /// `details`: the command's own JSON document, carried under `report`.
    static func emit(_ report: OutputReport, _ format: OutputFormat, details: @autoclosure () -> String? = nil) {
        switch format {
        case .text: break
        case .json: print(OutputJSON.render(report, details: details()))
        case .junit: print(OutputJUnit.xml(report, timestamp: report.timestamp.flatMap(parse)), terminator: "")
        case .sarif: print(OutputSarif.json(report))
        }
    }

    static func parse(_ iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    /// Exit per DESIGN §9 from the report's outcomes.
    static func exit(_ report: OutputReport) throws {
        if report.summary.exitCode != 0 { throw ExitCode(report.summary.exitCode) }
    }
}
