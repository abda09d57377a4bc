import Foundation
import Spec

/// The scenario YAML as declarations (docs/scenarios.md): every key checked for
/// type and range, names not yet resolved. Each declaration keeps its `Field`
/// so the builder can still point at the right line.
struct ScenarioDocument {
    /// A name used to refer to an object or domain, with where it was written.
    struct NameRef {
        let name: String
        let field: Field
    }

    struct FactoryDecl {
        let name: String
        let field: Field
        let parent: NameRef?
        let limit: Int?
    }

    struct CapDecl {
        let field: Field
        let slot: Int
        let object: NameRef
        let rights: CapRights
        let server: Bool?
        let weak: Bool
    }

    struct PageDecl {
        let field: Field
        let page: Int
        let frame: Int
        let rights: MemRights
        let from: (task: NameRef, page: Int)?
    }

    struct TaskDecl {
        let name: String
        let field: Field
        let quota: NameRef?
        let caps: [CapDecl]
        let memory: [PageDecl]
    }

    struct ThreadDecl {
        let name: String
        let field: Field
        let task: NameRef?
        let quota: NameRef?
        let cpu: Int
        let priority: Int
        let pager: Int?
        let started: Bool
        let behaviour: Behaviour
    }

    struct EndpointDecl {
        let name: String
        let field: Field
        let thread: NameRef?
        let label: Int
        let line: Int?
        let quota: NameRef?
    }

    struct DomainDecl {
        let name: String
        let field: Field
        let tasks: [NameRef]
    }

    var name = ""
    var description = ""
    var bounds = Bounds.defaults
    var factories: [FactoryDecl] = []
    var tasks: [TaskDecl] = []
    var threads: [ThreadDecl] = []
    var gates: [EndpointDecl] = []
    var irqs: [EndpointDecl] = []
    /// nil when the policy key is absent.
    var domains: [DomainDecl]?
    var flows: [(from: NameRef, to: NameRef)] = []
    var policyField: Field?
    var expectations: [PropertyExpectation] = []

    static let topKeys = ["name", "description", "bounds", "factories", "tasks", "threads", "gates", "irqs", "policy", "expect"]

    init(_ root: Field) throws(InputError) {
        let top = try root.object(Self.topKeys)
        name = try Self.scenarioName(top.required("name"))
        description = try top.string("description")
        guard !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw try top.required("description").error("the description must not be empty")
        }
        if let b = top.present("bounds") { bounds = try Self.bounds(b) }
        factories = try top.present("factories")?.array().map { f throws(InputError) in try Self.factory(f) } ?? []
        tasks = try top.present("tasks")?.array().map { f throws(InputError) in try task(f) } ?? []
        threads = try top.present("threads")?.array().map { f throws(InputError) in try thread(f) } ?? []
        gates = try top.present("gates")?.array().map { f throws(InputError) in try Self.endpoint(f, irq: false) } ?? []
        irqs = try top.present("irqs")?.array().map { f throws(InputError) in try Self.endpoint(f, irq: true) } ?? []
        if let p = top.present("policy") { try policy(p) }
        if let e = top.present("expect") { expectations = try Self.expectations(e) }
    }

    // MARK: - Names and small values

    static func scenarioName(_ f: Field) throws(InputError) -> String {
        let s = try f.string()
        guard !s.isEmpty, s.count <= 64, s.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw f.error("invalid scenario name '\(s)' (use 1 to 64 of a-z, 0-9 and -)")
        }
        return s
    }

    /// Object and domain names: a letter or `_`, then letters, digits, `_`, `-`.
    static func objectName(_ f: Field) throws(InputError) -> String {
        let s = try f.string()
        let ok = s.count <= 64 && s.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard ok else { throw f.error("invalid name '\(s)' (start with a letter or _, then letters, digits, _ or -; at most 64)") }
        return s
    }

    static func ref(_ o: Fields, _ key: String) throws(InputError) -> NameRef? {
        guard let f = o.present(key) else { return nil }
        return NameRef(name: try f.string(), field: f)
    }

    static func ranged(_ o: Fields, _ key: String, below bound: Int, bounds name: String) throws(InputError) -> Int {
        let f = try o.required(key)
        let n = try f.int(Int.min...Int.max)
        guard (0..<bound).contains(n) else { throw f.error("\(n) is out of range 0...\(bound - 1) (bounds.\(name) is \(bound))") }
        return n
    }

    // MARK: - Sections

    static func bounds(_ f: Field) throws(InputError) -> Bounds {
        let o = try f.object(["slots", "pages", "cpus", "depth", "words", "word_values", "labels"])
        let d = Bounds.defaults
        func values(_ key: String, _ def: [UInt16]) throws(InputError) -> [UInt16] {
            guard let v = o.present(key) else { return def }
            let items = try v.array()
            guard !items.isEmpty, items.count <= 16 else { throw v.error("give 1 to 16 values") }
            var out: [UInt16] = []
            for item in items {
                let n = UInt16(try item.int(0...65535))
                guard !out.contains(n) else { throw item.error("\(n) is listed twice") }
                out.append(n)
            }
            return out
        }
        return Bounds(slots: try o.int("slots", 1...Capacity.slotsPerTask, default: d.slots),
                      pages: try o.int("pages", 0...Capacity.pagesPerTask, default: d.pages),
                      cpus: try o.int("cpus", 1...Capacity.cpus, default: d.cpus),
                      depth: try o.int("depth", 1...1000, default: d.depth),
                      words: try o.int("words", 0...Capacity.words, default: d.words),
                      wordValues: try values("word_values", d.wordValues),
                      labels: try values("labels", d.labels))
    }

    static func factory(_ f: Field) throws(InputError) -> FactoryDecl {
        let o = try f.object(["name", "parent", "limit"])
        return FactoryDecl(name: try objectName(o.required("name")), field: f, parent: try ref(o, "parent"),
                           limit: try o.optionalInt("limit", 1...1000))
    }

    func task(_ f: Field) throws(InputError) -> TaskDecl {
        let o = try f.object(["name", "quota", "caps", "memory"])
        let caps = try o.present("caps")?.array().map { c throws(InputError) in try cap(c) } ?? []
        let memory = try o.present("memory")?.array().map { m throws(InputError) in try page(m) } ?? []
        return TaskDecl(name: try Self.objectName(o.required("name")), field: f, quota: try Self.ref(o, "quota"), caps: caps, memory: memory)
    }

    func cap(_ f: Field) throws(InputError) -> CapDecl {
        let o = try f.object(["slot", "object", "rights", "server", "weak"])
        let slot = try Self.ranged(o, "slot", below: bounds.slots, bounds: "slots")
        guard let object = try Self.ref(o, "object") else { throw try o.required("object").error("expected an object name") }
        let rf = try o.required("rights")
        let text = try rf.string()
        guard let rights = RightsText.cap(text) else { throw rf.error("invalid rights '\(text)' (letters from RWSD; R is implied)") }
        return CapDecl(field: f, slot: slot, object: object, rights: rights, server: try o.optionalBool("server"),
                       weak: try o.bool("weak", default: false))
    }

    func page(_ f: Field) throws(InputError) -> PageDecl {
        let o = try f.object(["page", "frame", "rights", "from"])
        let page = try Self.ranged(o, "page", below: bounds.pages, bounds: "pages")
        let frame = try o.int("frame", 0...(Capacity.frames - 1))
        let rf = try o.required("rights")
        let text = try rf.string()
        guard let rights = RightsText.mem(text), !rights.isEmpty else { throw rf.error("invalid rights '\(text)' (one or more of RWX)") }
        var from: (NameRef, Int)?
        if let ff = o.present("from") {
            let fo = try ff.object(["task", "page"])
            guard let t = try Self.ref(fo, "task") else { throw try fo.required("task").error("expected a task name") }
            from = (t, try Self.ranged(fo, "page", below: bounds.pages, bounds: "pages"))
        }
        return PageDecl(field: f, page: page, frame: frame, rights: rights, from: from)
    }

    func thread(_ f: Field) throws(InputError) -> ThreadDecl {
        let o = try f.object(["name", "task", "quota", "cpu", "priority", "pager", "started", "behaviour", "script"])
        let cpu = o.has("cpu") ? try Self.ranged(o, "cpu", below: bounds.cpus, bounds: "cpus") : 0
        var pager: Int?
        if o.present("pager") != nil { pager = try Self.ranged(o, "pager", below: bounds.slots, bounds: "slots") }
        return ThreadDecl(name: try Self.objectName(o.required("name")), field: f, task: try Self.ref(o, "task"), quota: try Self.ref(o, "quota"),
                          cpu: cpu, priority: try o.int("priority", 1...255, default: 1), pager: pager,
                          started: try o.bool("started", default: true), behaviour: try Self.behaviour(o))
    }

    static func behaviour(_ o: Fields) throws(InputError) -> Behaviour {
        let kind = try o.present("behaviour").map { b throws(InputError) in (try b.string(), b) }
        switch kind?.0 {
        case nil, "any":
            if let s = o.present("script") { throw s.error("'script' needs 'behaviour: script'") }
            return .any
        case "script":
            let s = try o.required("script")
            let so = try s.object(["loop", "steps"])
            let stepsField = try so.required("steps")
            let steps = try stepsField.array()
            guard !steps.isEmpty else { throw stepsField.error("a script needs at least one step") }
            let invocations = try steps.map { step throws(InputError) in try OpSyntax.decode(step, extra: []) }
            return .script(steps: invocations, loop: try so.bool("loop", default: false))
        case let other?:
            throw (kind?.1 ?? o.owner).error("invalid behaviour '\(other)' (expected any or script)")
        }
    }

    static func endpoint(_ f: Field, irq: Bool) throws(InputError) -> EndpointDecl {
        let o = try f.object(irq ? ["name", "thread", "label", "line", "quota"] : ["name", "thread", "label", "quota"])
        let label = try o.int("label", 0...65535, default: 0)
        if !irq && label & 0x3 != 0, let lf = o.present("label") { throw lf.error("a gate label must have its low 2 bits clear (got \(label))") }
        return EndpointDecl(name: try objectName(o.required("name")), field: f, thread: try ref(o, "thread"), label: label,
                            line: irq ? try o.optionalInt("line", 0...255) : nil, quota: try ref(o, "quota"))
    }

    /// `expect: {PROPERTY-ID: violated | holds, ...}`. The IDs are checked
    /// against the catalogue by the Verifier, which knows it.
    static func expectations(_ f: Field) throws(InputError) -> [PropertyExpectation] {
        var out: [PropertyExpectation] = []
        for (key, keyLine, value) in try f.map() {
            guard !key.isEmpty else { throw value.error("expected a property ID such as CAP-2") }
            let text = try value.string()
            guard let verdict = PropertyExpectation.Verdict(rawValue: text) else {
                let known = PropertyExpectation.Verdict.allCases.map(\.rawValue).joined(separator: " or ")
                throw value.error("invalid expected verdict '\(text)' (expected \(known))")
            }
            out.append(PropertyExpectation(property: key, verdict: verdict, line: keyLine))
        }
        return out
    }

    mutating func policy(_ f: Field) throws(InputError) {
        policyField = f
        let o = try f.object(["domains", "flows"])
        var decls: [DomainDecl] = []
        for d in try o.required("domains").array() {
            let dom = try d.object(["name", "tasks"])
            let name = try Self.objectName(dom.required("name"))
            if decls.contains(where: { $0.name == name }) { throw try dom.required("name").error("duplicate domain '\(name)'") }
            let tasks = try dom.required("tasks").array().map { t throws(InputError) in NameRef(name: try t.string(), field: t) }
            decls.append(DomainDecl(name: name, field: d, tasks: tasks))
        }
        domains = decls
        for fl in try o.present("flows")?.array() ?? [] {
            let fo = try fl.object(["from", "to"])
            let from = NameRef(name: try fo.string("from"), field: try fo.required("from"))
            let to = NameRef(name: try fo.string("to"), field: try fo.required("to"))
            flows.append((from, to))
        }
    }
}
