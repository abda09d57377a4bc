import Foundation
import Scenarios
import Spec
import Verifier

/// Writing a shrunk divergence: the events as an ordinary `l4spec-trace/1`
/// file (replayable by `l4spec run` and `l4spec refine --trace`, with the
/// spec's per-step state diff in `changes` like a counterexample), plus a
/// sidecar `<name>.refine` (`l4spec-refine/1`, JSON) with both sides' results
/// and every differing field per step, for `l4spec show`. The sidecar has no
/// `.json` suffix, so directory scans for traces skip it, and the trace file
/// stays in the unchanged trace format.
public enum DivergenceFile {
    public static let sidecarFormat = "l4spec-refine/1"

    /// Writes `<directory>/<name>.json` and `<directory>/<name>.refine`; returns the trace path.
    static func write(_ f: DivergenceFinding, directory: String, name: String) throws(InputError) -> String {
        let path = directory + "/" + name + ".json"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try TraceLoader.encode(trace(f, sidecar: name + ".refine"), names: f.scenario.names).write(toFile: path, atomically: true, encoding: .utf8)
            try sidecar(f, traceFile: name + ".json").write(to: URL(fileURLWithPath: sidecarPath(for: path)))
        } catch {
            throw InputError(file: directory, line: nil, field: "--out", message: "cannot write the divergence trace: \(error.localizedDescription)")
        }
        return path
    }

    /// The sidecar of a trace file: `x.json` → `x.refine`.
    public static func sidecarPath(for trace: String) -> String {
        (trace.hasSuffix(".json") ? String(trace.dropLast(5)) : trace) + ".refine"
    }

    /// A file-name-safe form of a path or name.
    static func slug(_ s: String) -> String {
        let kept = s.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(kept).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
    }

    static func trace(_ f: DivergenceFinding, sidecar: String) -> Trace {
        var spec = f.scenario.initial
        let events = f.events.map { e -> TraceEvent in
            let before = spec
            _ = spec.apply(e)
            return TraceEvent(event: e, changes: spec.changes(since: before, name: f.scenario.names.name).map(\.description))
        }
        var scenarioRef = f.scenario.name
        if !ScenarioLoader.builtInNames.contains(f.scenario.name), let src = f.scenario.sourcePath {
            scenarioRef = URL(fileURLWithPath: src).standardizedFileURL.path
        }
        let d = f.divergence
        return Trace(scenario: scenarioRef, reference: "DESIGN §8 refinement: spec and KernelImpl diverge",
                     description: "l4spec refine: \(d.summary). Shrunk from \(f.originalLength) to \(f.events.count) event(s) (\(f.origin)); "
                        + "spec and implementation values per step: \(sidecar) (l4spec show).",
                     events: events)
    }

    static func actor(_ name: String?) -> Any { name.map { $0 as Any } ?? NSNull() }

    static func sidecar(_ f: DivergenceFinding, traceFile: String) throws -> Data {
        let n = f.scenario.names.name
        let steps: [[String: Any]] = f.steps.map { r in
            [
                "step": r.index,
                "event": EventText.describe(r.event, names: f.scenario.names),
                "spec": ["actor": actor(r.spec.actor.map { n(.thread($0)) }), "result": "\(r.spec.outcome)"] as [String: Any],
                "impl": ["actor": actor(r.implActor.map(n)), "result": r.implResult] as [String: Any],
                "diffs": r.diffs.map { ["path": $0.path, "spec": $0.spec, "impl": $0.impl] },
            ]
        }
        let doc: [String: Any] = [
            "format": sidecarFormat,
            "trace": traceFile,
            "scenario": f.scenario.name,
            "origin": f.origin,
            "original_length": f.originalLength,
            "divergence": [
                "step": f.divergence.step, "event": f.divergence.eventText,
                "diffs": f.divergence.diffs.map { ["path": $0.path, "spec": $0.spec, "impl": $0.impl] },
            ],
            "steps": steps,
        ]
        return try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
    }
}

/// A sidecar read back (`l4spec show`): per step both results and the differing fields.
public struct RefineSidecar: Sendable {
    public struct Step: Sendable {
        public var step: Int
        public var specActor: String?
        public var specResult: String
        public var implActor: String?
        public var implResult: String
        public var diffs: [FieldDiff]
    }
    public var divergenceStep: Int
    public var steps: [Step]

    /// Reads the sidecar next to `trace`; nil when there is none. A sidecar
    /// that exists but cannot be read is bad input.
    public static func load(for trace: String) throws(InputError) -> RefineSidecar? {
        let path = DivergenceFile.sidecarPath(for: trace)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        func bad(_ m: String) -> InputError { InputError(file: path, line: nil, field: "sidecar", message: m) }
        guard let data = FileManager.default.contents(atPath: path),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw bad("not a JSON object") }
        guard doc["format"] as? String == DivergenceFile.sidecarFormat else { throw bad("expected format '\(DivergenceFile.sidecarFormat)'") }
        guard let div = doc["divergence"] as? [String: Any], let at = div["step"] as? Int, let raw = doc["steps"] as? [[String: Any]] else {
            throw bad("missing 'divergence' or 'steps'")
        }
        var steps: [Step] = []
        for s in raw {
            guard let i = s["step"] as? Int, let sp = s["spec"] as? [String: Any], let im = s["impl"] as? [String: Any] else { throw bad("malformed step") }
            let diffs = (s["diffs"] as? [[String: Any]] ?? []).map {
                FieldDiff(path: $0["path"] as? String ?? "?", spec: $0["spec"] as? String ?? "?", impl: $0["impl"] as? String ?? "?")
            }
            steps.append(Step(step: i, specActor: sp["actor"] as? String, specResult: sp["result"] as? String ?? "?",
                              implActor: im["actor"] as? String, implResult: im["result"] as? String ?? "?", diffs: diffs))
        }
        return RefineSidecar(divergenceStep: at, steps: steps)
    }
}
