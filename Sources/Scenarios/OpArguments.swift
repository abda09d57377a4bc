import Spec

/// Argument decoders shared by every op of the trace syntax (docs/traces.md).
/// Indices are range-checked as bytes (0...255) only: an index beyond the
/// scenario's bound is an empty slot to the kernel, not an input error.
extension Fields {
    static let byte = 0...255
    static let halfword = 0...65535

    /// A capability: a slot number or `"self"` (the calling thread).
    func cap(_ key: String) throws(InputError) -> CapName {
        try required(key).capName()
    }

    /// An optional object argument (slot); absent or null means none.
    func slot(_ key: String) throws(InputError) -> SlotIndex? {
        try optionalInt(key, Self.byte).map { SlotIndex($0) }
    }

    /// A required key whose value may be null (no object argument).
    func nullableSlot(_ key: String) throws(InputError) -> SlotIndex? {
        let f = try required(key)
        return f.isNull ? nil : SlotIndex(try f.int(Self.byte))
    }

    func byte(_ key: String, default d: Int) throws(InputError) -> UInt8 {
        UInt8(try int(key, Self.byte, default: d))
    }

    func halfword(_ key: String, default d: Int) throws(InputError) -> UInt16 {
        UInt16(try int(key, Self.halfword, default: d))
    }

    func words(_ key: String) throws(InputError) -> [UInt16] {
        guard let f = present(key) else { return [] }
        let items = try f.array()
        guard items.count <= Capacity.words else {
            throw f.error("\(items.count) words given; a message carries at most \(Capacity.words) (Capacity.words)")
        }
        var out: [UInt16] = []
        for item in items { out.append(UInt16(try item.int(Self.halfword))) }
        return out
    }

    func timeout(_ key: String) throws(InputError) -> Timeout {
        try present(key)?.timeout() ?? .never
    }

    /// `ipc.call`: one string for both phases, or `{"send": .., "receive": ..}`.
    func callTimeouts(_ key: String) throws(InputError) -> (send: Timeout, receive: Timeout) {
        guard let f = present(key) else { return (.never, .never) }
        if case .object = f.value.kind {
            let o = try f.object(["send", "receive"])
            return (try o.timeout("send"), try o.timeout("receive"))
        }
        let t = try f.timeout()
        return (t, t)
    }

    func message() throws(InputError) -> Message {
        Message(words: try words("words"), label: try halfword("label", default: 0), item: try item("item"))
    }

    /// A typed send item: `{"space", "index", "rights", "grant", "server", "weak"}`.
    func item(_ key: String) throws(InputError) -> SendItem? {
        guard let f = present(key) else { return nil }
        let o = try f.object(["space", "index", "rights", "grant", "server", "weak"])
        let space = try o.required("space").space()
        return SendItem(space: space, index: try o.int("index", Self.byte), rights: try o.rights("rights", space: space),
                        grant: try o.bool("grant", default: false), server: try o.bool("server", default: false),
                        weak: try o.bool("weak", default: false))
    }

    /// A receive buffer: `{"obj": slot}` or `{"mem": page}`; absent = none.
    func buffer(_ key: String) throws(InputError) -> ReceiveBuffer {
        guard let f = present(key) else { return .none }
        let o = try f.object(["obj", "mem"])
        switch (o.present("obj"), o.present("mem")) {
        case (let s?, nil): return .object(SlotIndex(try s.int(Self.byte)))
        case (nil, let p?): return .memory(PageIndex(try p.int(Self.byte)))
        default: throw f.error("give exactly one of 'obj' (a slot) or 'mem' (a page)")
        }
    }

    /// A flexpage: `{"space", "base", "order", "rights"}`.
    func fpage(_ key: String) throws(InputError) -> (space: SendItem.Space, base: UInt8, order: UInt8, rights: UInt8) {
        let o = try required(key).object(["space", "base", "order", "rights"])
        let space = try o.required("space").space()
        return (space, UInt8(try o.int("base", Self.byte)), try o.byte("order", default: 0), try o.rights("rights", space: space))
    }

    /// A rights mask, taken literally (R is not implied): letters of `RWSD`
    /// (object) or `RWX` (memory), or a raw bit mask 0...255. Default: all.
    func rights(_ key: String, space: SendItem.Space) throws(InputError) -> UInt8 {
        guard let f = present(key) else { return space == .object ? CapRights.all.rawValue : MemRights.all.rawValue }
        if case .int = f.value.kind { return UInt8(try f.int(Self.byte)) }
        let s = try f.string()
        let parsed = space == .object ? RightsText.cap(s)?.rawValue : RightsText.mem(s)?.rawValue
        guard let parsed else { throw f.error("invalid rights '\(s)' (letters from \(space == .object ? "RWSD" : "RWX"))") }
        return parsed
    }
}

extension Field {
    func capName() throws(InputError) -> CapName {
        if case .string(let s) = value.kind, s == "self" { return .this }
        guard case .int = value.kind else { throw error("expected a slot number (0...255) or \"self\", got \(value.typeName)") }
        return .slot(SlotIndex(try int(Fields.byte)))
    }

    func timeout() throws(InputError) -> Timeout {
        let s = try string()
        switch s {
        case "never": return .never
        case "zero": return .zero
        default: throw error("invalid timeout '\(s)' (expected \"never\" or \"zero\")")
        }
    }

    func space() throws(InputError) -> SendItem.Space {
        let s = try string()
        switch s {
        case "obj": return .object
        case "mem": return .memory
        default: throw error("invalid space '\(s)' (expected \"obj\" or \"mem\")")
        }
    }
}

/// Rights as letters, the way the spec prints them (`CapRights`/`MemRights`
/// descriptions); `-` or the empty string is no right.
enum RightsText {
    static func cap(_ s: String) -> CapRights? {
        letters(s, [("R", CapRights.r.rawValue), ("W", CapRights.w.rawValue), ("S", CapRights.s.rawValue), ("D", CapRights.d.rawValue)])
            .map { CapRights(rawValue: $0) }
    }

    static func mem(_ s: String) -> MemRights? {
        letters(s, [("R", MemRights.r.rawValue), ("W", MemRights.w.rawValue), ("X", MemRights.x.rawValue)])
            .map { MemRights(rawValue: $0) }
    }

    private static func letters(_ s: String, _ table: [(Character, UInt8)]) -> UInt8? {
        if s == "-" { return 0 }
        var bits: UInt8 = 0
        for c in s {
            guard let bit = table.first(where: { $0.0 == c })?.1, bits & bit == 0 else { return nil }
            bits |= bit
        }
        return bits
    }

    /// Letters for a raw object mask, or nil when it has bits no letter names.
    static func capLetters(_ raw: UInt8) -> String? {
        raw & ~CapRights.all.rawValue == 0 ? letters(CapRights(rawValue: raw).description) : nil
    }

    static func memLetters(_ raw: UInt8) -> String? {
        raw & ~MemRights.all.rawValue == 0 ? letters(MemRights(rawValue: raw).description) : nil
    }

    private static func letters(_ description: String) -> String { description == "-" ? "" : description }
}
