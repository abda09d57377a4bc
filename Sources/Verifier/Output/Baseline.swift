import Foundation
import Scenarios

/// A committed file of expected verdicts (`l4spec-baseline/1`, written by
/// `l4spec verify --write-baseline FILE`, read by `--baseline FILE`), so a
/// team can adopt `verify` on a system that is not clean yet: a verdict
/// counts against the run only when it changed (docs/output.md#baselines).
public struct Baseline: Sendable, Equatable {
    public static let schemaID = "l4spec-baseline/1"
    /// Result key (`ResultRecord.key`) → verdict.
    public var verdicts: [String: String]

    public init(verdicts: [String: String]) { self.verdicts = verdicts }

    public init(_ report: OutputReport) {
        verdicts = Dictionary(report.results.map { ($0.key, $0.verdict) }, uniquingKeysWith: { a, _ in a })
    }

    /// One verdict per line, sorted by key, so diffs of a committed baseline read well.
    public func encoded(toolVersion: String, settings: [Setting]) -> String {
        var lines = ["{", "  \"schema\": \(Self.quote(Self.schemaID)),", "  \"tool_version\": \(Self.quote(toolVersion)),"]
        lines.append("  \"settings\": [" + settings.map { "{\"name\": \(Self.quote($0.name)), \"value\": \(Self.quote($0.value))}" }
            .joined(separator: ", ") + "],")
        lines.append("  \"verdicts\": [")
        let entries = verdicts.keys.sorted().map { "    {\"key\": \(Self.quote($0)), \"verdict\": \(Self.quote(verdicts[$0] ?? ""))}" }
        lines.append(entries.joined(separator: ",\n"))
        lines += ["  ]", "}", ""]
        return lines.joined(separator: "\n")
    }

    /// Reads a baseline; anything malformed is bad input naming the file, line and field.
    public static func load(path: String) throws(InputError) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, field: "--baseline", message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw InputError(file: path, line: errorLine(error, text), field: "json", message: "not valid JSON")
        }
        guard let doc = root as? [String: Any] else { throw InputError(file: path, line: 1, field: "(top level)", message: "expected an object") }
        guard let schema = doc["schema"] as? String, schema == schemaID else {
            throw InputError(file: path, line: line(of: "\"schema\"", occurrence: 0, in: text), field: "schema",
                             message: "expected \"\(schemaID)\" (a file written by l4spec verify --write-baseline)")
        }
        guard let entries = doc["verdicts"] as? [Any] else {
            throw InputError(file: path, line: line(of: "\"verdicts\"", occurrence: 0, in: text), field: "verdicts", message: "expected a list")
        }
        var verdicts: [String: String] = [:]
        for (i, item) in entries.enumerated() {
            let at = line(of: "\"key\"", occurrence: i, in: text)
            guard let entry = item as? [String: Any], let key = entry["key"] as? String, !key.isEmpty else {
                throw InputError(file: path, line: at, field: "verdicts[\(i)].key", message: "expected a non-empty string")
            }
            guard let verdict = entry["verdict"] as? String, VerdictClass(verdict) != nil else {
                throw InputError(file: path, line: at, field: "verdicts[\(i)].verdict",
                                 message: "expected one of \(VerdictClass.words.joined(separator: ", "))")
            }
            guard verdicts.updateValue(verdict, forKey: key) == nil else {
                throw InputError(file: path, line: at, field: "verdicts[\(i)].key", message: "'\(key)' is listed twice")
            }
        }
        return Baseline(verdicts: verdicts)
    }

    /// Re-decides each record's outcome against the baseline: same verdict
    /// passes; a new violation, refutation, divergence or failure — or a
    /// violation that is no longer found — fails; a limit where there was a
    /// verdict is inconclusive; a proof or check that now settles what was
    /// open passes as an improvement. Records the baseline does not list keep
    /// their outcome. Returns the baseline keys that did not run.
    public func apply(to results: inout [ResultRecord]) -> [String] {
        var seen = Set<String>()
        for i in results.indices {
            let key = results[i].key
            guard let expected = verdicts[key] else { continue }
            seen.insert(key)
            results[i].expected = expected
            results[i].outcome = Self.outcome(actual: results[i].verdict, baseline: expected, current: results[i].outcome)
            if results[i].verdict != expected { results[i].detail += " (baseline: \(expected))" }
        }
        return verdicts.keys.filter { !seen.contains($0) }.sorted()
    }

    static func outcome(actual: String, baseline: String, current: ResultOutcome) -> ResultOutcome {
        if actual == baseline { return current == .error ? .error : .pass }
        guard let now = VerdictClass(actual), let before = VerdictClass(baseline) else { return .fail }
        switch (before, now) {
        case (_, .error): return .error
        case (_, .bad): return .fail
        case (.bad, .good): return .fail
        case (_, .open): return .inconclusive
        case (.open, .good), (.good, .good), (.error, .good): return .pass
        }
    }

    /// The verdict words in three classes (and bad input).
    enum VerdictClass {
        case good, open, bad, error
        static let table: [String: VerdictClass] = [
            "holds": .good, "proved": .good, "agree": .good, "pass": .good,
            "inconclusive": .open, "unknown": .open, "vacuous": .open,
            "violated": .bad, "refuted": .bad, "diverged": .bad, "fail": .bad, "error": .error,
        ]
        static var words: [String] { table.keys.sorted() }
        init?(_ word: String) {
            guard let c = Self.table[word] else { return nil }
            self = c
        }
    }

    /// The 1-based line of the n-th occurrence of `needle`, if any.
    static func line(of needle: String, occurrence: Int, in text: String) -> Int? {
        var count = 0
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where l.contains(needle) {
            if count == occurrence { return i + 1 }
            count += 1
        }
        return nil
    }

    /// The line of a JSON syntax error, from the byte index Foundation reports.
    static func errorLine(_ error: Error, _ text: String) -> Int? {
        guard let index = (error as NSError).userInfo["NSJSONSerializationErrorIndex"] as? Int else { return nil }
        return text.utf8.prefix(index).filter { $0 == 0x0A }.count + 1
    }

    static func quote(_ s: String) -> String { ProofRendering.quote(s) }
}
