import Verification
import Verifier

/// What `l4spec evidence` runs (issue 7 point 3): exactly the jobs of
/// `l4spec verify` (`VerifyOptions`, the same defaults and bounds), plus the
/// noninterference proofs of the scenarios named for them. Every option
/// that changes a verdict is recorded in the bundle (the assumptions and
/// the command that reproduces it).
public struct EvidenceOptions: Sendable {
    public var verify: VerifyOptions
    /// Scenarios whose policy is checked for noninterference (unwinding conditions).
    public var noninterference: [String] = []
    public var noninterferenceTimeoutMilliseconds: UInt32 = 60_000
    /// The options as a command line (without `--out`), printed as "how to reproduce".
    public var commandLine = "l4spec evidence"

    public init(conformanceDirectory: String) {
        verify = VerifyOptions(conformanceDirectory: conformanceDirectory)
    }
}
