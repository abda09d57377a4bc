import Spec

/// Comparing an expectation with the state after a step and the step's result.
extension Expectation {
    /// Human-readable mismatches (`field: expected X, got Y`); empty = pass.
    /// Names that do not resolve are reported as mismatches too (a bound
    /// trace never has any).
    public func check(state: KernelState, result: StepResult, names: NameTable) -> [String] {
        var out: [String] = []
        func compare<T: Equatable>(_ field: String, _ expected: T, _ actual: T, _ show: (T) -> String) {
            if expected != actual { out.append("\(field): expected \(show(expected)), got \(show(actual))") }
        }
        func resolve(_ field: String, _ name: String, _ kinds: [ObjectKind]) -> ObjectRef? {
            guard let ref = names.resolve(name) else {
                out.append("\(field): unknown name '\(name)'")
                return nil
            }
            guard kinds.contains(ref.kind) else {
                out.append("\(field): '\(name)' is \(ref.kind.withArticle), expected \(describeKinds(kinds))")
                return nil
            }
            return ref
        }
        let nameOf = { (r: ObjectRef?) in r.map(names.name) ?? "none" }
        let text = { (s: String?) in s ?? "none" }

        if let r = self.result { compare("result", r, Self.resultName(result.outcome), { $0 }) }
        if let v = value {
            if case .ok(let got?) = result.outcome { compare("value", v, got, String.init) } else {
                out.append("value: expected \(v), got \(result.outcome)")
            }
        }
        if let a = actor, let ref = resolve("actor", a, [.thread]) {
            compare("actor", ref, result.actor.map { .thread($0) }, nameOf)
        }
        for t in threads {
            let f = "threads.\(t.thread)"
            guard let ref = resolve(f, t.thread, [.thread]) else { continue }
            let id = ThreadID(Int(ref.index)), rec = state.thread(id)
            if let s = t.state { compare("\(f).state", s, rec.state.description, { $0 }) }
            if let r = t.result { compare("\(f).result", r, state.lastResult(id).map(Self.resultName), text) }
            if let w = t.words { compare("\(f).words", w, state.receivedWords(id), { "\($0)" }) }
            if let l = t.label { compare("\(f).label", l, Int(rec.rcvLabel), String.init) }
            if let r = t.replyTo {
                let actual: ObjectRef? = Int(rec.replyTo) < Capacity.threads ? .thread(ThreadID(Int(rec.replyTo))) : nil
                let expected = r.flatMap { resolve("\(f).reply_to", $0, [.thread]) }
                if r == nil || expected != nil { compare("\(f).reply_to", expected, actual, nameOf) }
            }
            if let l = t.live { compare("\(f).live", l, state.life(of: ref) == .live, { "\($0)" }) }
            if let d = t.dying { compare("\(f).dying", d, rec.isDying, { "\($0)" }) }
            if let p = t.prio { compare("\(f).prio", p, Int(rec.prio), String.init) }
        }
        for s in slots {
            let f = "slots.\(s.task):\(s.slot)"
            guard let task = resolve(f, s.task, [.task]) else { continue }
            let slot = state.slot(TaskID(Int(task.index)), SlotIndex(s.slot))
            guard let cap = s.expected else {
                if let r = slot.ref { out.append("\(f): expected empty, got \(names.name(r)) \(slot.rights)") }
                continue
            }
            guard let actual = slot.ref else {
                out.append("\(f): expected a capability, got empty")
                continue
            }
            if let o = cap.object, let ref = resolve("\(f).object", o, ObjectKind.allCases) { compare("\(f).object", ref, actual, names.name) }
            if let r = cap.rights, let rights = RightsText.cap(r) { compare("\(f).rights", rights.union(.r), slot.rights, { $0.description }) }
            if let v = cap.server { compare("\(f).server", v, slot.server, { "\($0)" }) }
            if let v = cap.counted { compare("\(f).counted", v, slot.counted, { "\($0)" }) }
        }
        for p in pages {
            let f = "pages.\(p.task):\(p.page)"
            guard let task = resolve(f, p.task, [.task]) else { continue }
            let entry = state.page(TaskID(Int(task.index)), PageIndex(p.page))
            guard let m = p.expected else {
                if entry.isMapped { out.append("\(f): expected unmapped, got frame \(entry.frame) \(entry.rights)") }
                continue
            }
            guard entry.isMapped else {
                out.append("\(f): expected a mapping, got unmapped")
                continue
            }
            if let fr = m.frame { compare("\(f).frame", fr, Int(entry.frame), String.init) }
            if let r = m.rights, let rights = RightsText.mem(r) { compare("\(f).rights", rights, entry.rights, { $0.description }) }
        }
        for q in quota {
            guard let ref = resolve("quota.\(q.factory)", q.factory, [.factory]) else { continue }
            compare("quota.\(q.factory)", q.used, Int(state.factory(FactoryID(Int(ref.index))).used), String.init)
        }
        for r in running {
            let f = "running.\(r.cpu)"
            let expected = r.thread.flatMap { resolve(f, $0, [.thread]) }
            if r.thread != nil && expected == nil { continue }
            let actual = r.cpu < Capacity.cpus ? state.current(on: CPU(r.cpu)).map { ObjectRef.thread($0) } : nil
            compare(f, expected, actual, nameOf)
        }
        for q in queue {
            let f = "queue.\(q.thread)"
            guard let ref = resolve(f, q.thread, [.thread]) else { continue }
            let expected = q.senders.enumerated().compactMap { resolve("\(f)[\($0)]", $1, [.thread, .irq]) }
            guard expected.count == q.senders.count else { continue }
            compare(f, expected, state.senderQueue(ThreadID(Int(ref.index))), { "[" + $0.map(names.name).joined(separator: ", ") + "]" })
        }
        for i in irqs {
            guard let ref = resolve("irqs.\(i.irq)", i.irq, [.irq]) else { continue }
            compare("irqs.\(i.irq)", i.delivery, state.irq(IrqID(Int(ref.index))).delivery.description, { $0 })
        }
        for l in live {
            guard let ref = resolve("live.\(l.object)", l.object, ObjectKind.allCases) else { continue }
            compare("live.\(l.object)", l.live, state.life(of: ref) == .live, { "\($0)" })
        }
        return out
    }

    /// Every object name the expectation uses, with its field, line and the
    /// kinds it may name (for `TraceLoader.bind`).
    func nameUses() -> [(field: String, line: Int?, name: String, kinds: [ObjectKind])] {
        var out: [(String, Int?, String, [ObjectKind])] = []
        if let actor { out.append(("actor", line, actor, [.thread])) }
        for t in threads {
            out.append(("threads.\(t.thread)", t.line, t.thread, [.thread]))
            if let r = t.replyTo, let r { out.append(("threads.\(t.thread).reply_to", t.line, r, [.thread])) }
        }
        for s in slots {
            out.append(("slots.\(s.task):\(s.slot)", s.line, s.task, [.task]))
            if let o = s.expected?.object { out.append(("slots.\(s.task):\(s.slot).object", s.line, o, ObjectKind.allCases)) }
        }
        for p in pages { out.append(("pages.\(p.task):\(p.page)", p.line, p.task, [.task])) }
        for q in quota { out.append(("quota.\(q.factory)", q.line, q.factory, [.factory])) }
        for r in running { if let t = r.thread { out.append(("running.\(r.cpu)", r.line, t, [.thread])) } }
        for q in queue {
            out.append(("queue.\(q.thread)", q.line, q.thread, [.thread]))
            for (k, s) in q.senders.enumerated() { out.append(("queue.\(q.thread)[\(k)]", q.line, s, [.thread, .irq])) }
        }
        for i in irqs { out.append(("irqs.\(i.irq)", i.line, i.irq, [.irq])) }
        for l in live { out.append(("live.\(l.object)", l.line, l.object, ObjectKind.allCases)) }
        return out
    }
}
