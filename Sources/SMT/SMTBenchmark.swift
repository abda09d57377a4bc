import Foundation

/// `l4spec bench smt`: push/assert/check/pop queries on one long-lived
/// solver, each over fresh numerals (Z3 hash-conses equal terms, so only
/// fresh terms would show a reference-count leak), with the resident set
/// sampled after a warm-up tenth and at the end.
public struct SMTBenchmarkResult: Sendable {
    public var queries: Int
    public var seconds: Double
    public var residentAfterWarmup: Int
    public var residentAtEnd: Int
    public var peakResident: Int
    public var microsecondsPerQuery: Double { seconds * 1e6 / Double(max(queries, 1)) }
}

public enum SMTBenchmark {
    /// `timeoutMilliseconds` is each check's timeout; `UInt32.max` checks
    /// without one (Z3 4.8.12 then starts no timer, see docs/smt.md).
    public static func run(queries: Int, timeoutMilliseconds: UInt32 = 10_000) throws(SMTError) -> SMTBenchmarkResult {
        let z = try SMTContext()
        let bv32 = try z.bitVector(32)
        let x = try z.constant("x", bv32)
        let solver = try Solver(z)
        let warmup = max(1, queries / 10)
        var afterWarmup = 0
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<queries {
            if i == warmup { afterWarmup = resident("VmRSS") }
            try solver.push()
            let sum = try x.bvadd(z.bv(UInt64(i) &* 2_654_435_761 & 0xFFFF_FFFF, bv32))
            try solver.assert(try sum.eq(z.bv(UInt64(i) | 0x1000_0000, bv32)).and(sum.ult(z.bv(UInt64(i) + 7, bv32))))
            _ = try solver.check(timeoutMilliseconds: timeoutMilliseconds)
            try solver.pop()
        }
        let d = clock.now - start
        return SMTBenchmarkResult(queries: queries, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18,
                                  residentAfterWarmup: afterWarmup, residentAtEnd: resident("VmRSS"), peakResident: resident("VmHWM"))
    }

    /// A field of /proc/self/status in bytes (Linux; 0 elsewhere).
    static func resident(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }
}
