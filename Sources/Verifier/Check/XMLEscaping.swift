/// Escaping for XML 1.0 text and attribute values.
public enum XMLEscaping {
    /// Escapes `& < > " '`; in attributes also tab, newline and carriage
    /// return (which attribute-value normalisation would otherwise turn into
    /// spaces). Characters XML 1.0 cannot carry at all, not even as references
    /// (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF), become U+FFFD.
    public static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
