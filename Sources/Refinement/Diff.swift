import Scenarios
import Spec

/// One field on which spec and implementation disagree: its path in the
/// spec's naming (`<object>.<field>`, as `KernelState.changes` names them),
/// and both values.
public struct FieldDiff: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var spec: String
    public var impl: String
    public init(path: String, spec: String, impl: String) {
        self.path = path
        self.spec = spec
        self.impl = impl
    }
    public var description: String { "\(path): spec \(spec), impl \(impl)" }
}

/// The first step at which the two sides disagree.
public struct Divergence: Sendable {
    /// 0-based index of the step in the replayed event list.
    public var step: Int
    /// nil for the boot state.
    public var event: Event?
    public var eventText: String
    /// Every differing field, the result and message fields first.
    public var diffs: [FieldDiff]
    /// The field that identifies the divergence (shrinking keeps it).
    public var path: String { diffs.first?.path ?? "" }
    public var summary: String {
        guard let d = diffs.first else { return "step \(step): \(eventText)" }
        return "step \(step) (\(eventText)): \(d)" + (diffs.count > 1 ? " (+\(diffs.count - 1) more)" : "")
    }
}

/// Field-by-field rendering and comparison of two `AbstractState`s.
enum StateDiff {
    static func diff(spec a: AbstractState, impl b: AbstractState, names: NameTable) -> [FieldDiff] {
        var out: [FieldDiff] = []
        let n = names.name
        pairs(a.tasks, b.tasks, { n(.task(TaskID($0))) }, taskFields(n), &out)
        pairs(a.threads, b.threads, { n(.thread(ThreadID($0))) }, threadFields(n), &out)
        pairs(a.gates, b.gates, { n(.gate(GateID($0))) }, gateFields(n), &out)
        pairs(a.irqs, b.irqs, { n(.irq(IrqID($0))) }, irqFields(n), &out)
        pairs(a.factories, b.factories, { n(.factory(FactoryID($0))) }, factoryFields(n), &out)
        for c in 0..<max(a.ready.count, b.ready.count) {
            let x = c < a.ready.count ? list(a.ready[c], n) : "[]", y = c < b.ready.count ? list(b.ready[c], n) : "[]"
            if x != y { out.append(FieldDiff(path: "cpu\(c).ready", spec: x, impl: y)) }
        }
        if a.unmatched != b.unmatched {
            out.append(FieldDiff(path: "objects", spec: "none without counterpart", impl: "created without spec counterpart: \(b.unmatched.joined(separator: ", "))"))
        }
        return out
    }

    /// Compares one table: a free entry on one side differs only in `life`.
    static func pairs<T>(_ a: [T?], _ b: [T?], _ name: (Int) -> String, _ fields: (T) -> [(String, String)], _ out: inout [FieldDiff]) {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : nil, y = i < b.count ? b[i] : nil
            switch (x, y) {
            case (nil, nil): continue
            case (let x?, let y?):
                for ((key, u), (_, w)) in zip(fields(x), fields(y)) where u != w {
                    out.append(FieldDiff(path: "\(name(i)).\(key)", spec: u, impl: w))
                }
            case (let x?, nil): out.append(FieldDiff(path: "\(name(i)).life", spec: fields(x)[0].1, impl: "free"))
            case (nil, let y?): out.append(FieldDiff(path: "\(name(i)).life", spec: "free", impl: fields(y)[0].1))
            }
        }
    }

    static func list(_ refs: some Collection<ObjectRef>, _ n: (ObjectRef) -> String) -> String { "[" + refs.map(n).joined(separator: ", ") + "]" }
    static func opt(_ r: ObjectRef?, _ n: (ObjectRef) -> String) -> String { r.map(n) ?? "none" }
    static func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "none" }

    // MARK: - Per-object fields (life first)

    static func taskFields(_ n: @escaping (ObjectRef) -> String) -> (AbsTask) -> [(String, String)] {
        { t in
            var f = [("life", t.life.rawValue), ("quota", opt(t.quota, n)), ("counted", "\(t.counted)")]
            for (i, s) in t.slots.enumerated() { f.append(("slot[\(i)]", slot(s, n))) }
            for (i, p) in t.pages.enumerated() { f.append(("page[\(i)]", page(p, n))) }
            return f
        }
    }

    static func slot(_ s: AbsSlot?, _ n: (ObjectRef) -> String) -> String {
        guard let s else { return "empty" }
        return "\(n(s.object)) \(CapRights(rawValue: s.rights))\(s.server ? " server" : "")\(s.counted ? "" : " weak")"
    }

    static func page(_ p: AbsPage?, _ n: (ObjectRef) -> String) -> String {
        guard let p else { return "unmapped" }
        let from = p.parent.map { $0.task >= 0 ? "\(n(.task(TaskID($0.task)))):\($0.page)" : "node \($0.page)" } ?? "sigma0"
        return "frame\(p.frame) \(MemRights(rawValue: p.rights)) from \(from)"
    }

    static func threadFields(_ n: @escaping (ObjectRef) -> String) -> (AbsThread) -> [(String, String)] {
        { t in
            [("life", t.life.rawValue), ("state", state(t.state, n) + (t.dying ? " dying" : "")), ("task", opt(t.task, n)),
             ("pager", opt(t.pager)), ("exc_handler", opt(t.excHandler)), ("prio", "\(t.prio)"), ("cpu", opt(t.cpu)),
             ("reply_to", opt(t.replyTo, n)), ("reply_rights", "\(CapRights(rawValue: t.replyRights))"), ("senders", list(t.senders, n)),
             ("result", opt(t.result)), ("fault_retry", opt(t.retry)), ("quota", opt(t.quota, n)), ("counted", "\(t.counted)")]
        }
    }

    static func state(_ s: AbsThreadState, _ n: (ObjectRef) -> String) -> String {
        switch s {
        case .dead: "dead"
        case .ready: "ready"
        case .sending(let r): "sending to \(n(r))"
        case .receiving(nil): "receiving from any"
        case .receiving(let r?): "receiving from \(n(r))"
        case .onGate(let g): "blocked_on_gate \(n(g))"
        }
    }

    static func gateFields(_ n: @escaping (ObjectRef) -> String) -> (AbsGate) -> [(String, String)] {
        { g in
            [("life", g.life.rawValue), ("thread", opt(g.thread, n)), ("label", "\(g.label)"), ("waiters", list(g.waiters, n)),
             ("quota", opt(g.quota, n)), ("counted", "\(g.counted)")]
        }
    }

    static func irqFields(_ n: @escaping (ObjectRef) -> String) -> (AbsIrq) -> [(String, String)] {
        { q in
            [("life", q.life.rawValue), ("thread", opt(q.thread, n)), ("label", "\(q.label)"),
             ("delivery", ["idle", "queued", "pending"][Int(min(q.delivery, 2))]), ("masked", "\(q.masked)"), ("line", opt(q.line)),
             ("quota", opt(q.quota, n)), ("counted", "\(q.counted)")]
        }
    }

    static func factoryFields(_ n: @escaping (ObjectRef) -> String) -> (AbsFactory) -> [(String, String)] {
        { f in
            [("life", f.life.rawValue), ("limit", f.limit.map { "\($0)" } ?? "unlimited"), ("used", "\(f.used)"),
             ("parent", opt(f.parent, n)), ("counted", "\(f.counted)")]
        }
    }
}
