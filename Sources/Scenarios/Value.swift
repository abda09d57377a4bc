/// A parsed YAML or JSON document as one small tree in which every node knows
/// its source line. Both readers produce it, so the scenario and trace decoders
/// (and the op syntax they share) are written once and report lines uniformly.
struct Value: Sendable {
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case string(String)
        /// A scalar that is none of the above (a float, an out-of-range integer).
        case other(String)
        case array([Value])
        case object([Member])
    }

    /// One key of an object, in source order, with the line of the key.
    struct Member: Sendable {
        var key: String
        var line: Int
        var value: Value
    }

    var kind: Kind
    var line: Int
    /// The scalar's text as written (YAML only): lets string fields accept
    /// plain scalars that happen to look like numbers or booleans.
    var raw: String?

    init(_ kind: Kind, line: Int, raw: String? = nil) {
        self.kind = kind
        self.line = line
        self.raw = raw
    }

    /// A short name of the kind, for "expected X, got Y" messages.
    var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .string: "a string"
        case .other(let s): "'\(s)'"
        case .array: "a list"
        case .object: "a mapping"
        }
    }
}
