/// JSON output with a fixed key order (the order the encoder appends keys),
/// so an encoded trace is byte-for-byte deterministic and diffs well.
enum JSONOut: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONOut])
    case object([(String, JSONOut)])

    static func == (a: JSONOut, b: JSONOut) -> Bool { a.compact == b.compact }

    /// One line: `{"a": 1, "b": [1, 2]}`.
    var compact: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let n): String(n)
        case .string(let s): JSONOut.quote(s)
        case .array(let items): "[" + items.map(\.compact).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { "\(JSONOut.quote($0.0)): \($0.1.compact)" }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
