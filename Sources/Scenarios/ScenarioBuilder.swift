import Spec

/// Declarations → boot state, with the kernel's own boot builders in the order
/// factories, tasks, threads, gates, irqs, caps, memory (DESIGN §3). Every
/// refusal of a builder becomes an `InputError` at the declaration's line.
struct ScenarioBuilder {
    typealias Doc = ScenarioDocument
    let doc: Doc
    let file: String
    var state: KernelState
    var names = NameTable()
    /// Name → (kind, line) of every declared object, filled before building.
    var declared: [String: (kind: ObjectKind, line: Int)] = [:]
    var sourceLines: [String: Int] = [:]

    init(_ doc: Doc, file: String) {
        self.doc = doc
        self.file = file
        state = KernelState(config: Config(slotBound: doc.bounds.slots, pageBound: doc.bounds.pages, cpuCount: doc.bounds.cpus))
    }

    static func build(_ doc: Doc, file: String, sourcePath: String?) throws(InputError) -> Scenario {
        var b = ScenarioBuilder(doc, file: file)
        try b.declareNames()
        try b.buildFactories()
        let tasks = try b.buildTasks()
        try b.buildThreads()
        try b.buildEndpoints()
        try b.buildCaps()
        try b.buildMemory()
        if let v = b.state.wellFormed().first {
            throw InputError(file: file, line: nil, field: "(initial state)", message: "the boot state is not well formed: \(v)")
        }
        let policy = try b.buildPolicy(tasks)
        let threads = doc.threads.enumerated().map { i, t in
            ThreadBehaviour(id: ThreadID(Int(b.names.resolve(t.name)?.index ?? UInt8(i))), name: t.name, behaviour: t.behaviour)
        }
        return Scenario(name: doc.name, description: doc.description, sourcePath: sourcePath, initial: b.state, names: b.names,
                        threads: threads, bounds: doc.bounds, policy: policy, sourceLines: b.sourceLines,
                        expectations: doc.expectations)
    }

    // MARK: - Names

    mutating func declareNames() throws(InputError) {
        var all: [(String, Field, ObjectKind)] = doc.factories.map { ($0.name, $0.field, .factory) }
        all += doc.tasks.map { ($0.name, $0.field, .task) }
        all += doc.threads.map { ($0.name, $0.field, .thread) }
        all += doc.gates.map { ($0.name, $0.field, .gate) }
        all += doc.irqs.map { ($0.name, $0.field, .irq) }
        // In document order, so a duplicate is reported at its second occurrence.
        for (name, field, kind) in all.sorted(by: { $0.1.line < $1.1.line }) {
            let nameField = field.child("name", field.value)
            if name == "scheduler" { throw nameField.error("'scheduler' is reserved for the scheduler") }
            if let first = declared[name] {
                throw nameField.error("duplicate name '\(name)' (already declared as \(first.kind.withArticle) at line \(first.line))")
            }
            declared[name] = (kind, field.line)
            sourceLines[name] = field.line
        }
        // Without declared factories there is an implicit unlimited root,
        // named `root` unless something else took the name.
        if doc.factories.isEmpty && declared["root"] == nil { declared["root"] = (.factory, 0) }
    }

    /// Resolves a name to a built object of one of `kinds`.
    func resolve(_ ref: Doc.NameRef, _ kinds: [ObjectKind]) throws(InputError) -> ObjectRef {
        let wanted = describeKinds(kinds)
        if ref.name == "scheduler" {
            guard kinds.contains(.scheduler) else { throw ref.field.error("'scheduler' is the scheduler, expected \(wanted)") }
            return .scheduler
        }
        guard let decl = declared[ref.name] else { throw ref.field.error("unknown name '\(ref.name)' (not declared in this scenario)") }
        guard kinds.contains(decl.kind) else { throw ref.field.error("'\(ref.name)' is \(decl.kind.withArticle), expected \(wanted)") }
        guard let r = names.resolve(ref.name) else {
            throw ref.field.error("'\(ref.name)' is declared at line \(decl.line), after this use; declare it first")
        }
        return r
    }

    func quota(_ ref: Doc.NameRef?) throws(InputError) -> FactoryID {
        guard let ref else { return FactoryID(0) }
        return FactoryID(Int(try resolve(ref, [.factory]).index))
    }

    func thread(_ ref: Doc.NameRef?) throws(InputError) -> ThreadID? {
        try ref.map { r throws(InputError) in ThreadID(Int(try resolve(r, [.thread]).index)) }
    }

    /// Why a boot builder refused: the model's table is full, or the account is.
    func refusal(_ kind: ObjectKind, _ name: String, quota f: FactoryID, capacity: Int, cost: UInt16) -> String {
        let full = (0..<capacity).allSatisfy { state.life(of: ObjectRef(kind, $0)) != .free }
        if full { return "capacity of \(capacity) \(kind)s exceeded (Capacity)" }
        let acc = state.factory(f)
        let limit = acc.unlimited != 0 ? "unlimited" : "limit \(acc.limit)"
        return "factory '\(names.name(.factory(f)))' cannot pay \(cost) units for \(kind) '\(name)' (used \(acc.used), \(limit))"
    }

    // MARK: - Objects

    mutating func buildFactories() throws(InputError) {
        guard !doc.factories.isEmpty else {
            _ = state.bootFactory(limit: nil, parent: nil)
            if declared["root"]?.kind == .factory { names.add("root", .factory(FactoryID(0))) }
            return
        }
        for (i, f) in doc.factories.enumerated() {
            let o = try f.field.object(["name", "parent", "limit"])
            var parent: FactoryID?
            var limit: UInt16?
            if i == 0 {
                if let p = o.present("parent") { throw p.error("the first factory is the root: it has no parent") }
                if let l = o.present("limit") { throw l.error("the first factory is the root: it is unlimited") }
            } else {
                limit = UInt16(try o.int("limit", 1...1000))
                parent = try f.parent.map { p throws(InputError) in try quota(p) } ?? FactoryID(0)
            }
            guard let id = state.bootFactory(limit: limit, parent: parent) else {
                let cost = KernelMemory.cost(of: .factory) &+ (limit ?? 0)
                throw f.field.error(refusal(.factory, f.name, quota: parent ?? FactoryID(0), capacity: Capacity.factories, cost: cost))
            }
            names.add(f.name, .factory(id))
        }
    }

    mutating func buildTasks() throws(InputError) -> [TaskID] {
        var ids: [TaskID] = []
        for t in doc.tasks {
            let q = try quota(t.quota)
            guard let id = state.bootTask(quota: q) else {
                throw t.field.error(refusal(.task, t.name, quota: q, capacity: Capacity.tasks, cost: KernelMemory.cost(of: .task)))
            }
            names.add(t.name, .task(id))
            ids.append(id)
        }
        return ids
    }

    mutating func buildThreads() throws(InputError) {
        for t in doc.threads {
            let q = try quota(t.quota)
            let task = try t.task.map { r throws(InputError) in TaskID(Int(try resolve(r, [.task]).index)) }
            guard let id = state.bootThread(quota: q, task: task, prio: UInt8(t.priority), cpu: CPU(t.cpu),
                                            pager: t.pager.map { SlotIndex($0) }, started: t.started) else {
                throw t.field.error(refusal(.thread, t.name, quota: q, capacity: Capacity.threads, cost: KernelMemory.cost(of: .thread)))
            }
            names.add(t.name, .thread(id))
        }
    }

    mutating func buildEndpoints() throws(InputError) {
        for g in doc.gates {
            let q = try quota(g.quota)
            guard let id = state.bootGate(quota: q, thread: try thread(g.thread), label: UInt16(g.label)) else {
                throw g.field.error(refusal(.gate, g.name, quota: q, capacity: Capacity.gates, cost: KernelMemory.cost(of: .gate)))
            }
            names.add(g.name, .gate(id))
        }
        for i in doc.irqs {
            let q = try quota(i.quota)
            guard let id = state.bootIrq(quota: q, thread: try thread(i.thread), label: UInt16(i.label), line: i.line.map { UInt8($0) }) else {
                throw i.field.error(refusal(.irq, i.name, quota: q, capacity: Capacity.irqs, cost: KernelMemory.cost(of: .irq)))
            }
            names.add(i.name, .irq(id))
        }
    }

    // MARK: - Capabilities and memory

    mutating func buildCaps() throws(InputError) {
        for (k, t) in doc.tasks.enumerated() {
            let task = TaskID(k)
            for c in t.caps {
                let ref = try resolve(c.object, [.task, .thread, .gate, .irq, .factory, .scheduler])
                if c.server == true && ref.kind != .gate {
                    throw c.field.child("server", c.field.value).error("'server' applies only to gate capabilities")
                }
                guard state.bootCap(ref, task: task, slot: SlotIndex(c.slot), rights: c.rights, server: c.server ?? true, weak: c.weak) else {
                    throw c.field.child("slot", c.field.value).error("slot \(c.slot) of task \(t.name) is already used")
                }
            }
        }
    }

    mutating func buildMemory() throws(InputError) {
        for (k, t) in doc.tasks.enumerated() {
            let task = TaskID(k)
            for m in t.memory {
                let here = m.field.child("page", m.field.value)
                guard !state.page(task, PageIndex(m.page)).isMapped else { throw here.error("page \(m.page) of task \(t.name) is already mapped") }
                var from: (TaskID, PageIndex)?
                if let (src, srcPage) = m.from {
                    let st = TaskID(Int(try resolve(src, [.task]).index))
                    let parent = state.page(st, PageIndex(srcPage))
                    let at = m.field.child("from", m.field.value)
                    guard parent.isMapped else {
                        throw at.error("page \(srcPage) of task \(src.name) is not mapped (a derived mapping must be declared after its parent)")
                    }
                    guard Int(parent.frame) == m.frame else { throw at.error("frame \(m.frame) differs from the parent's frame \(parent.frame)") }
                    guard m.rights.isSubset(of: parent.rights) else { throw at.error("rights \(m.rights) exceed the parent's rights \(parent.rights)") }
                    from = (st, PageIndex(srcPage))
                }
                guard state.bootPage(task: task, page: PageIndex(m.page), frame: FrameID(m.frame), rights: m.rights, from: from) else {
                    throw here.error("the mapping was refused by the boot builder")
                }
            }
        }
    }

    // MARK: - Policy

    /// Without a policy every task is its own domain and no flows are allowed.
    func buildPolicy(_ tasks: [TaskID]) throws(InputError) -> Policy {
        guard let decls = doc.domains else {
            return Policy(domains: zip(doc.tasks, tasks).map { Policy.Domain(name: $0.name, tasks: [$1]) }, flows: [])
        }
        var domains: [Policy.Domain] = []
        var owner: [String: String] = [:]
        for d in decls {
            var members: [TaskID] = []
            for t in d.tasks {
                let id = TaskID(Int(try resolve(t, [.task]).index))
                if let other = owner[t.name] { throw t.field.error("task '\(t.name)' is already in domain '\(other)'") }
                owner[t.name] = d.name
                members.append(id)
            }
            domains.append(Policy.Domain(name: d.name, tasks: members))
        }
        if let missing = doc.tasks.first(where: { owner[$0.name] == nil }), let pf = doc.policyField {
            throw pf.child("domains", pf.value).error("task '\(missing.name)' is in no domain (every task must be in exactly one)")
        }
        var flows: [Policy.Flow] = []
        for (from, to) in doc.flows {
            for r in [from, to] where !domains.contains(where: { $0.name == r.name }) {
                throw r.field.error("unknown domain '\(r.name)'")
            }
            if from.name == to.name { throw to.field.error("a domain always flows to itself; list flows between different domains") }
            if flows.contains(Policy.Flow(from: from.name, to: to.name)) { throw to.field.error("flow \(from.name) → \(to.name) is listed twice") }
            flows.append(Policy.Flow(from: from.name, to: to.name))
        }
        return Policy(domains: domains, flows: flows)
    }
}
