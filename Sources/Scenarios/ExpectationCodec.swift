import Spec

/// Expectation ⇄ JSON (docs/traces.md). Parsing checks shapes and the
/// vocabulary of result, state and delivery names; object names are checked
/// later, against the scenario, by `TraceLoader.bind`.
extension Expectation {
    static let keys = ["result", "value", "actor", "threads", "slots", "pages", "quota", "running", "queue", "irqs", "live"]
    static let threadKeys = ["state", "result", "words", "label", "reply_to", "live", "dying", "prio"]

    static func parse(_ f: Field) throws(InputError) -> Expectation {
        let o = try f.object(keys)
        var e = Expectation()
        e.line = f.line
        if let r = o.present("result") { e.result = try resultName(r) }
        e.value = try o.optionalInt("value", Int.min...Int.max)
        e.actor = try o.present("actor").map { a throws(InputError) in try name(a) }
        for (key, line, v) in try o.present("threads")?.map() ?? [] {
            e.threads.append(try thread(key, line, v))
        }
        for (key, line, v) in try o.present("slots")?.map() ?? [] {
            let (task, slot) = try location(key, v)
            var cap: SlotCheck.Cap?
            if !v.isNull {
                let c = try v.object(["object", "rights", "server", "counted"])
                let rights = try c.optionalString("rights")
                if let rights, RightsText.cap(rights) == nil {
                    throw try c.required("rights").error("invalid rights '\(rights)' (letters from RWSD)")
                }
                cap = SlotCheck.Cap(object: try c.present("object").map { x throws(InputError) in try name(x) }, rights: rights,
                                    server: try c.optionalBool("server"), counted: try c.optionalBool("counted"))
            }
            e.slots.append(SlotCheck(task: task, slot: slot, expected: cap, line: line))
        }
        for (key, line, v) in try o.present("pages")?.map() ?? [] {
            let (task, page) = try location(key, v)
            var mapping: PageCheck.Mapping?
            if !v.isNull {
                let m = try v.object(["frame", "rights"])
                let rights = try m.optionalString("rights")
                if let rights, RightsText.mem(rights) == nil {
                    throw try m.required("rights").error("invalid rights '\(rights)' (letters from RWX)")
                }
                mapping = PageCheck.Mapping(frame: try m.optionalInt("frame", 0...255), rights: rights)
            }
            e.pages.append(PageCheck(task: task, page: page, expected: mapping, line: line))
        }
        for (key, line, v) in try o.present("quota")?.map() ?? [] {
            e.quota.append(QuotaCheck(factory: key, used: try v.int(0...65535), line: line))
        }
        for (key, line, v) in try o.present("running")?.map() ?? [] {
            guard let cpu = Int(key), (0...255).contains(cpu), String(cpu) == key else { throw v.error("'\(key)' is not a CPU number (0...255)") }
            e.running.append(RunningCheck(cpu: cpu, thread: v.isNull ? nil : try name(v), line: line))
        }
        for (key, line, v) in try o.present("queue")?.map() ?? [] {
            let senders = try v.array().map { s throws(InputError) in try name(s) }
            e.queue.append(QueueCheck(thread: key, senders: senders, line: line))
        }
        for (key, line, v) in try o.present("irqs")?.map() ?? [] {
            let d = try v.string()
            guard deliveries.contains(d) else { throw v.error("unknown delivery state '\(d)' (expected \(deliveries.joined(separator: ", ")))") }
            e.irqs.append(IrqCheck(irq: key, delivery: d, line: line))
        }
        for (key, line, v) in try o.present("live")?.map() ?? [] {
            e.live.append(LiveCheck(object: key, live: try v.bool(), line: line))
        }
        return e
    }

    static func resultName(_ f: Field) throws(InputError) -> String {
        let r = try f.string()
        guard resultNames.contains(r) else { throw f.error("unknown result '\(r)' (expected one of: \(resultNames.joined(separator: ", ")))") }
        return r
    }

    static func name(_ f: Field) throws(InputError) -> String {
        let s = try f.string()
        guard !s.isEmpty else { throw f.error("expected an object name") }
        return s
    }

    /// `"task:index"` keys of `slots` and `pages`.
    static func location(_ key: String, _ f: Field) throws(InputError) -> (String, Int) {
        guard let colon = key.lastIndex(of: ":") else { throw f.error("expected a key of the form \"<task>:<index>\", got '\(key)'") }
        let task = String(key[..<colon]), index = String(key[key.index(after: colon)...])
        guard !task.isEmpty, let n = Int(index), (0...255).contains(n), String(n) == index else {
            throw f.error("expected a key of the form \"<task>:<index>\" with an index 0...255, got '\(key)'")
        }
        return (task, n)
    }

    static func thread(_ key: String, _ line: Int, _ f: Field) throws(InputError) -> ThreadCheck {
        let o = try f.object(threadKeys)
        var t = ThreadCheck(thread: key, line: line)
        if let s = o.present("state") {
            let st = try s.string()
            guard threadStates.contains(st) else { throw s.error("unknown thread state '\(st)' (expected \(threadStates.joined(separator: ", ")))") }
            t.state = st
        }
        if let r = o["result"] { t.result = .some(r.isNull ? nil : try resultName(r)) }
        if let w = o.present("words") {
            let items = try w.array()
            guard items.count <= Capacity.words else { throw w.error("\(items.count) words given; a message carries at most \(Capacity.words)") }
            var words: [UInt16] = []
            for item in items { words.append(UInt16(try item.int(0...65535))) }
            t.words = words
        }
        t.label = try o.optionalInt("label", 0...65535)
        if let r = o["reply_to"] { t.replyTo = .some(r.isNull ? nil : try name(r)) }
        t.live = try o.optionalBool("live")
        t.dying = try o.optionalBool("dying")
        t.prio = try o.optionalInt("prio", 0...255)
        return t
    }

    // MARK: - Encoding

    /// Keys in the documented order; map entries ordered by the object they
    /// name (`order`), so equal expectations encode identically.
    func encoded(order: (String) -> (Int, Int)) -> JSONOut {
        var out: [(String, JSONOut)] = []
        if let result { out.append(("result", .string(result))) }
        if let value { out.append(("value", .int(value))) }
        if let actor { out.append(("actor", .string(actor))) }
        func sorted<T>(_ items: [T], _ key: (T) -> (Int, Int, Int)) -> [T] {
            items.enumerated().sorted { a, b in
                let x = key(a.element), y = key(b.element)
                return (x.0, x.1, x.2, a.offset) < (y.0, y.1, y.2, b.offset)
            }.map(\.element)
        }
        func byName(_ n: String, _ extra: Int = 0) -> (Int, Int, Int) { let o = order(n); return (o.0, o.1, extra) }
        func nullable(_ s: String?) -> JSONOut { s.map { .string($0) } ?? .null }
        if !threads.isEmpty {
            out.append(("threads", .object(sorted(threads) { byName($0.thread) }.map { t in
                var m: [(String, JSONOut)] = []
                if let s = t.state { m.append(("state", .string(s))) }
                if let r = t.result { m.append(("result", nullable(r))) }
                if let w = t.words { m.append(("words", .array(w.map { .int(Int($0)) }))) }
                if let l = t.label { m.append(("label", .int(l))) }
                if let r = t.replyTo { m.append(("reply_to", nullable(r))) }
                if let l = t.live { m.append(("live", .bool(l))) }
                if let d = t.dying { m.append(("dying", .bool(d))) }
                if let p = t.prio { m.append(("prio", .int(p))) }
                return (t.thread, .object(m))
            })))
        }
        if !slots.isEmpty {
            out.append(("slots", .object(sorted(slots) { byName($0.task, $0.slot) }.map { s in
                guard let c = s.expected else { return ("\(s.task):\(s.slot)", .null) }
                var m: [(String, JSONOut)] = []
                if let o = c.object { m.append(("object", .string(o))) }
                if let r = c.rights { m.append(("rights", .string(r))) }
                if let v = c.server { m.append(("server", .bool(v))) }
                if let v = c.counted { m.append(("counted", .bool(v))) }
                return ("\(s.task):\(s.slot)", .object(m))
            })))
        }
        if !pages.isEmpty {
            out.append(("pages", .object(sorted(pages) { byName($0.task, $0.page) }.map { p in
                guard let e = p.expected else { return ("\(p.task):\(p.page)", .null) }
                var m: [(String, JSONOut)] = []
                if let f = e.frame { m.append(("frame", .int(f))) }
                if let r = e.rights { m.append(("rights", .string(r))) }
                return ("\(p.task):\(p.page)", .object(m))
            })))
        }
        if !quota.isEmpty {
            out.append(("quota", .object(sorted(quota) { byName($0.factory) }.map { ($0.factory, .int($0.used)) })))
        }
        if !running.isEmpty {
            out.append(("running", .object(sorted(running) { ($0.cpu, 0, 0) }.map { (String($0.cpu), nullable($0.thread)) })))
        }
        if !queue.isEmpty {
            out.append(("queue", .object(sorted(queue) { byName($0.thread) }.map { ($0.thread, .array($0.senders.map { .string($0) })) })))
        }
        if !irqs.isEmpty {
            out.append(("irqs", .object(sorted(irqs) { byName($0.irq) }.map { ($0.irq, .string($0.delivery)) })))
        }
        if !live.isEmpty {
            out.append(("live", .object(sorted(live) { byName($0.object) }.map { ($0.object, .bool($0.live)) })))
        }
        return .object(out)
    }
}
