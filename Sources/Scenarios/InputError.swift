import Foundation

/// A problem with a user-supplied file (scenario YAML or trace JSON).
///
/// Bad input must end as one readable line naming where to look, never as a
/// trap or a stack trace (DESIGN §9, §10): `file:line: field: message`.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as the user named it (or a display name for in-memory text).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// Dotted/bracketed path of the offending key, e.g. `tasks[1].caps[0].rights`.
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let where_ = line.map { "\(file):\($0)" } ?? file
        return "\(where_): \(field): \(oneLine(message))"
    }
}

/// Keeps the rendered error on one line even when a parser message has newlines.
private func oneLine(_ s: String) -> String {
    s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
}
