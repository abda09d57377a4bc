/// A small strict JSON parser producing `Value`, so that every event,
/// expectation and argument of a trace keeps its line for error messages
/// (Foundation's `JSONSerialization` loses positions). Nesting is limited to
/// `depthLimit` levels, which also bounds the recursion.
enum JSONReader {
    static let depthLimit = 64

    static func parse(_ text: String, file: String) throws(InputError) -> Value {
        var p = Parser(bytes: Array(text.utf8), file: file)
        if p.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        p.skipSpace()
        let v = try p.value(depth: 1)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.fail("unexpected text after the top-level value") }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        let file: String
        var i = 0
        var line = 1

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        func fail(_ message: String) -> InputError {
            InputError(file: file, line: line, field: "json", message: message)
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                if c == 0x0A { line += 1 }
                i += 1
            }
        }

        mutating func expect(_ c: UInt8, _ what: String) throws(InputError) {
            skipSpace()
            guard peek == c else { throw fail("expected \(what)") }
            i += 1
        }

        mutating func value(depth: Int) throws(InputError) -> Value {
            guard depth <= JSONReader.depthLimit else { throw fail("nesting deeper than \(JSONReader.depthLimit) levels") }
            let start = line
            switch peek {
            case UInt8(ascii: "{")?: return try object(depth: depth)
            case UInt8(ascii: "[")?: return try array(depth: depth)
            case UInt8(ascii: "\"")?: return Value(.string(try string()), line: start)
            case UInt8(ascii: "t")?: try literal("true"); return Value(.bool(true), line: start)
            case UInt8(ascii: "f")?: try literal("false"); return Value(.bool(false), line: start)
            case UInt8(ascii: "n")?: try literal("null"); return Value(.null, line: start)
            case let c? where c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39): return Value(try number(), line: start)
            case nil: throw fail("unexpected end of input")
            default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
            }
        }

        mutating func object(depth: Int) throws(InputError) -> Value {
            let start = line
            i += 1
            var members: [Value.Member] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return Value(.object([]), line: start) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let keyLine = line
                let key = try string()
                if members.contains(where: { $0.key == key }) {
                    throw InputError(file: file, line: keyLine, field: key, message: "duplicate key '\(key)'")
                }
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
                members.append(Value.Member(key: key, line: keyLine, value: try value(depth: depth + 1)))
                skipSpace()
                switch peek {
                case UInt8(ascii: ",")?: i += 1
                case UInt8(ascii: "}")?: i += 1; return Value(.object(members), line: start)
                default: throw fail("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(InputError) -> Value {
            let start = line
            i += 1
            var items: [Value] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return Value(.array([]), line: start) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                switch peek {
                case UInt8(ascii: ",")?: i += 1
                case UInt8(ascii: "]")?: i += 1; return Value(.array(items), line: start)
                default: throw fail("expected ',' or ']' in a list")
                }
            }
        }

        mutating func literal(_ word: String) throws(InputError) {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("invalid literal (expected \(word))") }
            i += w.count
        }

        mutating func number() throws(InputError) -> Value.Kind {
            let start = i
            if peek == UInt8(ascii: "-") { i += 1 }
            func digits() -> Int {
                let s = i
                while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
                return i - s
            }
            let intDigits = digits()
            guard intDigits > 0 else { throw fail("invalid number") }
            guard !(intDigits > 1 && bytes[i - intDigits] == 0x30) else { throw fail("invalid number (leading zero)") }
            var integral = true
            if peek == UInt8(ascii: ".") {
                i += 1
                integral = false
                guard digits() > 0 else { throw fail("invalid number") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                integral = false
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("invalid number") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if integral, let n = Int(text) { return .int(n) }
            return .other(text)
        }

        mutating func string() throws(InputError) -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw fail("unterminated string") }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                    default: throw fail("invalid escape in a string")
                    }
                case 0..<0x20:
                    throw fail("control character in a string")
                default:
                    out.append(c)
                }
            }
        }

        /// `\uXXXX`, with a following low surrogate when the first is high.
        mutating func unicodeEscape() throws(InputError) -> [UInt8] {
            let first = try hex4()
            var scalarValue = first
            if (0xD800...0xDBFF).contains(first) {
                guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate in a string") }
                i += 2
                let second = try hex4()
                guard (0xDC00...0xDFFF).contains(second) else { throw fail("unpaired surrogate in a string") }
                scalarValue = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("unpaired surrogate in a string") }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws(InputError) -> UInt32 {
            guard i + 4 <= bytes.count, bytes[i..<(i + 4)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                  let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\u escape")
            }
            i += 4
            return v
        }
    }
}
