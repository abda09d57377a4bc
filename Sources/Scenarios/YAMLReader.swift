import Foundation
import Yams

/// YAML text → `Value`, with the limits that keep hostile input cheap: the
/// tree is walked with aliases expanded, counting nodes (an alias bomb stops
/// at `nodeLimit`) and levels (deeper than `depthLimit` is rejected). libyaml
/// itself refuses nesting beyond 1000 levels, which bounds the composer's
/// recursion before our walk starts.
enum YAMLReader {
    static let nodeLimit = 100_000
    static let depthLimit = 64

    static func parse(_ text: String, file: String) throws(InputError) -> Value {
        try YAMLKeyGuard.check(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw describe(error, text: text, file: file)
        }
        guard let root else { throw InputError(file: file, line: 1, field: "(document)", message: "the document is empty") }
        var walker = Walker(file: file)
        return try walker.convert(root, path: "", depth: 1)
    }

    /// Converts Yams' errors (which carry a multi-line snippet) into one line.
    static func describe(_ error: any Error, text: String, file: String) -> InputError {
        func make(_ mark: Mark?, _ message: String, field: String = "yaml") -> InputError {
            InputError(file: file, line: mark.map(\.line), field: field, message: message)
        }
        guard let error = error as? YamlError else { return make(nil, "\(error)") }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if problem.hasPrefix("Maximum nesting level") { return make(mark, "nesting deeper than \(depthLimit) levels") }
            let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return make(mark, problem + ctx)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { o in 1 + text.utf8.prefix(o).count { $0 == 0x0A } }
            return InputError(file: file, line: line, field: "yaml", message: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return make(context.mark, "duplicate key \(keys)", field: duplicates.first ?? "yaml")
        default:
            return make(nil, "\(error)")
        }
    }

    struct Walker {
        let file: String
        var count = 0

        mutating func convert(_ node: Node, path: String, depth: Int) throws(InputError) -> Value {
            let line = node.mark?.line ?? 0
            count += 1
            guard count <= YAMLReader.nodeLimit else {
                throw InputError(file: file, line: line, field: path.isEmpty ? "(document)" : path,
                                 message: "the document expands to more than \(YAMLReader.nodeLimit) nodes (aliases are expanded)")
            }
            guard depth <= YAMLReader.depthLimit else {
                throw InputError(file: file, line: line, field: path.isEmpty ? "(document)" : path,
                                 message: "nesting deeper than \(YAMLReader.depthLimit) levels")
            }
            switch node {
            case .scalar(let s):
                return Value(YAMLReader.classify(s), line: line, raw: s.string)
            case .sequence(let seq):
                var items: [Value] = []
                for (k, item) in seq.enumerated() {
                    items.append(try convert(item, path: "\(path)[\(k)]", depth: depth + 1))
                }
                return Value(.array(items), line: line)
            case .mapping(let map):
                var members: [Value.Member] = []
                for (key, value) in map {
                    guard case .scalar(let k) = key else {
                        throw InputError(file: file, line: key.mark?.line ?? line, field: path.isEmpty ? "(document)" : path,
                                         message: "mapping keys must be plain strings")
                    }
                    let childPath = path.isEmpty ? k.string : "\(path).\(k.string)"
                    count += 1
                    members.append(Value.Member(key: k.string, line: key.mark?.line ?? line,
                                                value: try convert(value, path: childPath, depth: depth + 1)))
                }
                return Value(.object(members), line: line)
            case .alias:
                throw InputError(file: file, line: line, field: path.isEmpty ? "(document)" : path, message: "unresolved alias")
            }
        }
    }

    /// YAML 1.2 core-schema typing for plain scalars (so `no` stays a string);
    /// quoted scalars and `!!str` are always strings.
    static func classify(_ s: Node.Scalar) -> Value.Kind {
        let text = s.string
        let tag = s.tag.description
        guard s.style == .plain || s.style == .any, tag != Tag.Name.str.rawValue, tag != "!" else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let n = integer(text) { return n }
        if Double(text) != nil || [".inf", "-.inf", ".nan"].contains(text) { return .other(text) }
        return .string(text)
    }

    /// Decimal (optionally signed) or `0x` hexadecimal; out-of-range numerals
    /// become `.other` so the range error names the number.
    static func integer(_ text: String) -> Value.Kind? {
        var digits = Substring(text)
        var negative = false
        if let f = digits.first, f == "-" || f == "+" {
            negative = f == "-"
            digits = digits.dropFirst()
        }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            let hex = digits.dropFirst(2)
            guard !hex.isEmpty, hex.allSatisfy(\.isHexDigit) else { return nil }
            guard let v = Int(hex, radix: 16) else { return .other(text) }
            return .int(negative ? -v : v)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let v = Int(digits) else { return .other(text) }
        return .int(negative ? -v : v)
    }
}
