/// Typed access to a document node that knows its file and field path, so a
/// wrong type, a missing key or an unknown key becomes an `InputError` naming
/// `file:line: field`.
struct Field {
    let value: Value
    let path: String
    let file: String

    var line: Int { value.line }
    var isNull: Bool { if case .null = value.kind { true } else { false } }

    func error(_ message: String) -> InputError {
        InputError(file: file, line: value.line, field: path.isEmpty ? "(document)" : path, message: message)
    }

    func child(_ key: String, _ v: Value) -> Field {
        Field(value: v, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    private func expected(_ what: String) -> InputError {
        error("expected \(what), got \(value.typeName)")
    }

    func int(_ range: ClosedRange<Int>) throws(InputError) -> Int {
        guard case .int(let n) = value.kind else {
            if case .other(let s) = value.kind, s.allSatisfy({ $0.isHexDigit || $0 == "-" || $0 == "+" || $0 == "x" }) {
                throw error("\(s) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
            throw expected("an integer")
        }
        guard range.contains(n) else { throw error("\(n) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    /// Strings; YAML plain scalars that look like numbers or booleans count as their text.
    func string() throws(InputError) -> String {
        if case .string(let s) = value.kind { return s }
        if let raw = value.raw, !isNull { return raw }
        throw expected("a string")
    }

    func bool() throws(InputError) -> Bool {
        guard case .bool(let b) = value.kind else { throw expected("true or false") }
        return b
    }

    func array() throws(InputError) -> [Field] {
        guard case .array(let items) = value.kind else { throw expected("a list") }
        return items.enumerated().map { Field(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// An object whose keys must all be in `allowed`.
    func object(_ allowed: [String]) throws(InputError) -> Fields {
        guard case .object(let members) = value.kind else { throw expected("a mapping") }
        for m in members where !allowed.contains(m.key) {
            let list = allowed.isEmpty ? "no keys are allowed here" : "expected one of: \(allowed.joined(separator: ", "))"
            throw InputError(file: file, line: m.line, field: child(m.key, m.value).path, message: "unknown key '\(m.key)' (\(list))")
        }
        return Fields(owner: self, members: members)
    }

    /// An object with arbitrary keys (maps from names to values).
    func map() throws(InputError) -> [(key: String, keyLine: Int, field: Field)] {
        guard case .object(let members) = value.kind else { throw expected("a mapping") }
        return members.map { ($0.key, $0.line, child($0.key, $0.value)) }
    }
}

/// The members of an object node, looked up by key.
struct Fields {
    let owner: Field
    let members: [Value.Member]

    var line: Int { owner.line }
    var keys: [String] { members.map(\.key) }

    func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// The member, including an explicit null.
    subscript(_ key: String) -> Field? {
        members.first { $0.key == key }.map { owner.child(key, $0.value) }
    }

    /// The member unless it is absent or null.
    func present(_ key: String) -> Field? {
        guard let f = self[key], !f.isNull else { return nil }
        return f
    }

    func required(_ key: String) throws(InputError) -> Field {
        guard let f = self[key] else {
            throw InputError(file: owner.file, line: owner.line, field: owner.child(key, owner.value).path, message: "missing required key '\(key)'")
        }
        return f
    }

    func int(_ key: String, _ range: ClosedRange<Int>) throws(InputError) -> Int {
        try required(key).int(range)
    }

    func int(_ key: String, _ range: ClosedRange<Int>, default d: Int) throws(InputError) -> Int {
        try present(key)?.int(range) ?? d
    }

    func optionalInt(_ key: String, _ range: ClosedRange<Int>) throws(InputError) -> Int? {
        try present(key)?.int(range)
    }

    func string(_ key: String) throws(InputError) -> String {
        try required(key).string()
    }

    func optionalString(_ key: String) throws(InputError) -> String? {
        try present(key)?.string()
    }

    func bool(_ key: String, default d: Bool) throws(InputError) -> Bool {
        try present(key)?.bool() ?? d
    }

    func optionalBool(_ key: String) throws(InputError) -> Bool? {
        try present(key)?.bool()
    }
}
