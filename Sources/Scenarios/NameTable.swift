import Spec

/// Names of kernel objects for people: scenario objects keep their YAML
/// names; objects created at run time (or unnamed) get the canonical
/// `kind#index` form (`thread#4`, `gate#1`); the scheduler is `scheduler`.
/// `resolve` accepts both forms, so traces may use either.
public struct NameTable: Sendable, Hashable {
    private var byName: [String: ObjectRef] = [:]
    private var byRef: [ObjectRef: String] = [:]
    /// The named objects in declaration order.
    public private(set) var entries: [(name: String, ref: ObjectRef)] = []

    public init() {}

    public init(_ entries: [(name: String, ref: ObjectRef)]) {
        for e in entries { add(e.name, e.ref) }
    }

    /// Adds a name; a name or object already present keeps its first entry.
    public mutating func add(_ name: String, _ ref: ObjectRef) {
        guard byName[name] == nil, byRef[ref] == nil else { return }
        byName[name] = ref
        byRef[ref] = name
        entries.append((name, ref))
    }

    public func name(_ ref: ObjectRef) -> String {
        if let n = byRef[ref] { return n }
        return Self.canonicalName(ref)
    }

    public func resolve(_ name: String) -> ObjectRef? {
        if let r = byName[name] { return r }
        if name == "scheduler" { return .scheduler }
        let parts = name.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[1]), index >= 0, String(index) == parts[1],
              let kind = ObjectKind.allCases.first(where: { $0.description == parts[0] }), kind != .scheduler,
              index < Self.capacity(of: kind) else { return nil }
        return ObjectRef(kind, index)
    }

    /// `task#3`, `thread#0`, ...; `scheduler` for the scheduler.
    public static func canonicalName(_ ref: ObjectRef) -> String {
        ref.kind == .scheduler ? "scheduler" : "\(ref.kind)#\(ref.index)"
    }

    static func capacity(of kind: ObjectKind) -> Int {
        switch kind {
        case .task: Capacity.tasks
        case .thread: Capacity.threads
        case .gate: Capacity.gates
        case .irq: Capacity.irqs
        case .factory: Capacity.factories
        case .scheduler: 1
        }
    }

    public static func == (a: NameTable, b: NameTable) -> Bool { a.byRef == b.byRef }
    public func hash(into h: inout Hasher) {
        for e in entries {
            h.combine(e.name)
            h.combine(e.ref)
        }
    }
}

extension ObjectKind {
    /// "a task", "an irq": for messages.
    var withArticle: String { self == .irq ? "an irq" : "a \(self)" }
}

/// "a task", "a task or thread", "a task, thread or gate": for messages.
func describeKinds(_ kinds: [ObjectKind]) -> String {
    guard let first = kinds.first else { return "an object" }
    if kinds.count == ObjectKind.allCases.count { return "an object" }
    let rest = kinds.dropFirst().map(\.description)
    guard let last = rest.last else { return first.withArticle }
    return ([first.withArticle] + rest.dropLast()).joined(separator: ", ") + " or " + last
}
