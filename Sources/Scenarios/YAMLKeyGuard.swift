/// A lexical pre-check that runs before Yams composes a document.
///
/// Yams rejects duplicate mapping keys by hashing every key *with its aliases
/// expanded*, so an alias bomb placed in key position (`? *lol9 : x`,
/// `[*lol9, *lol9]: x`) would hang inside the composer, before the node-count
/// limit of `YAMLReader` ever runs. Scenario files only need plain string
/// keys, so when a document defines anchors at all, any alias, explicit `?`
/// key or flow collection in key position is rejected here, in linear time.
/// Documents without anchors cannot expand and skip the check.
enum YAMLKeyGuard {
    static func check(_ text: String, file: String) throws(InputError) {
        let bytes = Array(text.utf8)
        guard hasAnchor(bytes) else { return }
        var scanner = Scanner(bytes: bytes)
        if let line = scanner.firstComplexKey() {
            throw InputError(file: file, line: line, field: "yaml",
                             message: "aliases, '?' keys and lists or mappings used as mapping keys are not supported (only plain keys)")
        }
    }

    /// True if some `&name` starts at a token boundary (outside any context
    /// analysis: a false positive only enables the stricter check).
    static func hasAnchor(_ b: [UInt8]) -> Bool {
        for i in b.indices where b[i] == UInt8(ascii: "&") && i + 1 < b.count && isNameByte(b[i + 1]) {
            if i == 0 || isBoundary(b[i - 1]) { return true }
        }
        return false
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    static func isBoundary(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") || c == UInt8(ascii: ",")
    }

    /// A single forward pass that skips comments, quoted scalars and block
    /// scalars (`|`, `>`), and tracks the flow depth.
    struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var flow = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func at(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : 0x0A }
        func isBlankOrEnd(_ k: Int) -> Bool { k >= bytes.count || at(k) == 0x20 || at(k) == 0x09 || at(k) == 0x0A || at(k) == 0x0D }

        /// After a token ending before `k`: is it followed by a value indicator?
        func followedByColon(_ k: Int) -> Bool {
            var j = k
            while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
            return at(j) == UInt8(ascii: ":") && j < bytes.count && (flow > 0 || isBlankOrEnd(j + 1))
        }

        mutating func firstComplexKey() -> Int? {
            var blockIndent: Int?          // inside a block scalar whose parent starts at this column
            var lineStart = true
            var indent = 0
            var keyColumn = 0              // the line's indentation plus any `- ` indicators
            while i < bytes.count {
                let c = bytes[i]
                if c == 0x0A {
                    line += 1; i += 1; lineStart = true; indent = 0
                    continue
                }
                if lineStart {
                    if c == 0x20 { indent += 1; i += 1; continue }
                    lineStart = false
                    if let b = blockIndent {
                        if c == 0x0D || indent > b { skipToEndOfLine(); continue }
                        blockIndent = nil
                    }
                    var j = i
                    while at(j) == UInt8(ascii: "-") && (at(j + 1) == 0x20 || at(j + 1) == 0x09) {
                        j += 2
                        while j < bytes.count && bytes[j] == 0x20 { j += 1 }
                    }
                    keyColumn = indent + (j - i)
                }
                let boundary = i == 0 || YAMLKeyGuard.isBoundary(bytes[i - 1])
                switch c {
                case UInt8(ascii: "#") where boundary:
                    skipToEndOfLine()
                case UInt8(ascii: "'") where boundary, UInt8(ascii: "\"") where boundary:
                    skipQuoted(c)
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flow += 1; i += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flow = max(0, flow - 1); i += 1
                    if followedByColon(i) { return line }
                case UInt8(ascii: "*") where boundary && YAMLKeyGuard.isNameByte(at(i + 1)):
                    i += 1
                    while i < bytes.count && YAMLKeyGuard.isNameByte(bytes[i]) { i += 1 }
                    if followedByColon(i) { return line }
                case UInt8(ascii: "?") where boundary && isBlankOrEnd(i + 1):
                    return line
                case UInt8(ascii: "|"), UInt8(ascii: ">"):
                    // Block scalar content is indented deeper than the key (or
                    // sequence entry) it belongs to; anything else is structure.
                    if boundary && flow == 0 && restIsBlockHeader(i + 1) { blockIndent = keyColumn }
                    i += 1
                default:
                    i += 1
                }
            }
            return nil
        }

        /// `|` or `>` followed only by chomping/indent indicators and a comment.
        func restIsBlockHeader(_ k: Int) -> Bool {
            var j = k
            while j < bytes.count, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") || (bytes[j] >= 0x30 && bytes[j] <= 0x39) { j += 1 }
            while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
            return j >= bytes.count || bytes[j] == 0x0A || bytes[j] == UInt8(ascii: "#")
        }

        mutating func skipToEndOfLine() {
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        }

        /// Skips a quoted scalar (which may span lines), counting its newlines.
        mutating func skipQuoted(_ quote: UInt8) {
            i += 1
            while i < bytes.count {
                let c = bytes[i]
                if c == 0x0A { line += 1 }
                if quote == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") {
                    if at(i + 1) == 0x0A && i + 1 < bytes.count { line += 1 }
                    i += 2
                    continue
                }
                if c == quote {
                    if quote == UInt8(ascii: "'") && at(i + 1) == quote { i += 2; continue }
                    i += 1
                    return
                }
                i += 1
            }
        }
    }
}
