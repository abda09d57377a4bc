import Foundation
import Spec

/// Reading, writing and binding `l4spec-trace/1` files (DESIGN §4, docs/traces.md).
public enum TraceLoader {
    public static let format = "l4spec-trace/1"
    /// Trace files larger than this are refused before they are read.
    public static let sizeLimit = 16 << 20
    static let topKeys = ["format", "scenario", "reference", "description", "property", "events", "expect", "changes"]

    public static func load(path: String) throws(InputError) -> Trace {
        let text = try SourceFile.read(path: path, limit: sizeLimit, limitText: "16 MiB")
        var trace = try parse(json: text, file: path)
        trace.sourcePath = path
        return trace
    }

    /// Loads a trace, its scenario, and binds them (what `l4spec run` needs).
    public static func loadBound(path: String) throws(InputError) -> BoundTrace {
        let trace = try load(path: path)
        return try bind(trace, to: scenario(for: trace))
    }

    public static func parse(json: String, file: String) throws(InputError) -> Trace {
        guard json.utf8.count <= sizeLimit else {
            throw InputError(file: file, line: nil, field: "file", message: "file too large (\(json.utf8.count) bytes; limit 16 MiB)")
        }
        let root = Field(value: try JSONReader.parse(json, file: file), path: "", file: file)
        let top = try root.object(topKeys)
        let formatField = try top.required("format")
        let format = try formatField.string()
        guard format == Self.format else { throw formatField.error("unsupported format '\(format)' (expected '\(Self.format)')") }
        let scenarioField = try top.required("scenario")
        let scenario = try scenarioField.string()
        guard !scenario.isEmpty else { throw scenarioField.error("expected a built-in scenario name or a path") }

        let eventFields = try top.required("events").array()
        var events: [TraceEvent] = []
        for f in eventFields { events.append(TraceEvent(event: try decodeEvent(f), line: f.line)) }
        if let ef = top.present("expect") {
            let items = try ef.array()
            guard items.count == events.count else {
                throw ef.error("\(items.count) expectations for \(events.count) events (use null for a step without one)")
            }
            for (k, item) in items.enumerated() where !item.isNull { events[k].expect = try Expectation.parse(item) }
        }
        if let cf = top.present("changes") {
            let items = try cf.array()
            guard items.count == events.count else { throw cf.error("\(items.count) change lists for \(events.count) events") }
            for (k, item) in items.enumerated() where !item.isNull {
                events[k].changes = try item.array().map { c throws(InputError) in try c.string() }
            }
        }
        return Trace(scenario: scenario, reference: try top.optionalString("reference"), description: try top.optionalString("description"),
                     property: try top.optionalString("property"), events: events, sourcePath: nil, scenarioLine: scenarioField.line)
    }

    /// `{"tick": cpu}`, `{"irq": line}` or `{"cpu": c, "op": ..., args}`.
    static func decodeEvent(_ f: Field) throws(InputError) -> Event {
        let members = try f.map()
        if members.contains(where: { $0.key == "tick" }) {
            return .tick(cpu: CPU(try f.object(["tick"]).int("tick", 0...255)))
        }
        if members.contains(where: { $0.key == "irq" }) {
            return .irqLine(UInt8(try f.object(["irq"]).int("irq", 0...255)))
        }
        let invocation = try OpSyntax.decode(f, extra: ["cpu"])
        let cpu = try members.first { $0.key == "cpu" }?.field.int(0...255) ?? 0
        return .invoke(cpu: CPU(cpu), invocation)
    }

    static func encodeEvent(_ e: Event) -> JSONOut {
        switch e {
        case .tick(let cpu): .object([("tick", .int(cpu.index))])
        case .irqLine(let line): .object([("irq", .int(Int(line)))])
        case .invoke(let cpu, let inv): .object([("cpu", .int(cpu.index))] + OpEncoding.encode(inv))
        }
    }

    /// Pretty JSON with a fixed key order: one event (and one expectation)
    /// per line. `names` orders the entries of expectation maps by the object
    /// they name, so equal traces encode to equal text.
    public static func encode(_ trace: Trace, names: NameTable) -> String {
        func order(_ name: String) -> (Int, Int) {
            names.resolve(name).map { (Int($0.kind.rawValue), Int($0.index)) } ?? (Int.max, 0)
        }
        var lines = ["{"]
        var top: [(String, String)] = [("format", JSONOut.quote(format)), ("scenario", JSONOut.quote(trace.scenario))]
        if let r = trace.reference { top.append(("reference", JSONOut.quote(r))) }
        if let d = trace.description { top.append(("description", JSONOut.quote(d))) }
        if let p = trace.property { top.append(("property", JSONOut.quote(p))) }
        top.append(("events", list(trace.events.map { encodeEvent($0.event).compact })))
        if trace.events.contains(where: { $0.expect != nil }) {
            top.append(("expect", list(trace.events.map { $0.expect?.encoded(order: order).compact ?? "null" })))
        }
        if trace.events.contains(where: { $0.changes != nil }) {
            top.append(("changes", list(trace.events.map { e in e.changes.map { JSONOut.array($0.map { .string($0) }).compact } ?? "null" })))
        }
        for (k, (key, value)) in top.enumerated() {
            lines.append("  \(JSONOut.quote(key)): \(value)\(k == top.count - 1 ? "" : ",")")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func list(_ items: [String]) -> String {
        guard !items.isEmpty else { return "[]" }
        return "[\n" + items.map { "    \($0)" }.joined(separator: ",\n") + "\n  ]"
    }

    // MARK: - Scenario and names

    /// The trace's scenario: a built-in name, or a path relative to the trace
    /// file. A scenario that does not exist is reported at the trace's `scenario` key.
    public static func scenario(for trace: Trace) throws(InputError) -> Scenario {
        let directory = trace.sourcePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        do {
            return try ScenarioLoader.resolve(trace.scenario, relativeTo: directory)
        } catch where error.field == "scenario" && error.file == trace.scenario {
            throw InputError(file: trace.sourcePath ?? "trace", line: trace.scenarioLine, field: "scenario", message: error.message)
        }
    }

    /// Checks that every name in the trace's expectations resolves in the
    /// scenario to an object of the right kind.
    public static func bind(_ trace: Trace, to scenario: Scenario) throws(InputError) -> BoundTrace {
        for (k, e) in trace.events.enumerated() {
            guard let expect = e.expect else { continue }
            for use in expect.nameUses() {
                let field = "expect[\(k)].\(use.field)"
                let file = trace.sourcePath ?? "trace"
                guard let ref = scenario.names.resolve(use.name) else {
                    throw InputError(file: file, line: use.line, field: field,
                                     message: "unknown name '\(use.name)' in scenario \(scenario.name) (known: \(known(scenario.names)))")
                }
                guard use.kinds.contains(ref.kind) else {
                    throw InputError(file: file, line: use.line, field: field,
                                     message: "'\(use.name)' is \(ref.kind.withArticle), expected \(describeKinds(use.kinds))")
                }
            }
        }
        return BoundTrace(trace: trace, scenario: scenario)
    }

    private static func known(_ names: NameTable) -> String {
        (names.entries.map(\.name) + ["scheduler", "kind#index"]).joined(separator: ", ")
    }
}
