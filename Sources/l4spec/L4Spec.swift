import ArgumentParser
import Foundation
import Scenarios

/// The `l4spec` command line tool: parses arguments and prints; the work is
/// done in `Verifier` (DESIGN §1, §9). Exit codes: 0 all hold, 1 a violation
/// or mismatch, 2 bad input or usage, 3 inconclusive.
@main
struct L4Spec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "l4spec",
        abstract: "Executable specification and checker of the L4Re / Fiasco.OC kernel API.",
        version: "0.1.0",
        groupedSubcommands: [
            CommandGroup(name: "Verify", subcommands: [Verify.self, Check.self, Prove.self, EvidenceCommand.self]),
            CommandGroup(name: "Traces", subcommands: [Run.self, Refine.self, Show.self]),
            CommandGroup(name: "Other", subcommands: [List.self, Bench.self]),
        ]
    )

    /// Maps every failure to the documented exit codes; swift-argument-parser
    /// alone would exit 64 on usage errors.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            FileHandle.standardError.write(Data("l4spec: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            Foundation.exit(2)
        }
    }
}

extension ContinuousClock.Instant {
    /// Seconds from this instant to now, as the reports give timings.
    var secondsToNow: Double {
        let d = ContinuousClock.now - self
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
