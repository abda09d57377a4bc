import CZ3

/// A Z3 error as a Swift error.
///
/// Z3's default error handler prints the message and calls `exit(1)`, which
/// would end a whole `l4spec prove` run at the first ill-sorted term. The
/// context therefore installs a handler that does nothing, and every call
/// that can fail is followed by a look at `Z3_get_error_code`: a non-OK code
/// becomes this error (and is cleared, so the context stays usable).
public struct SMTError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Z3's error code (the raw value of `Z3_error_code`, e.g. 1 for a sort
    /// error), or `SMTError.wrapperCode` for a misuse this module detects
    /// before Z3 sees it (terms of two contexts mixed, a non-numeral read as
    /// a number).
    public var code: Int
    /// Z3's message, copied when the error was raised.
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// The code of errors found by this module rather than by Z3.
    public static let wrapperCode = -1

    /// Z3's name for `code`, for messages.
    public var codeName: String {
        switch code {
        case Self.wrapperCode: "SMT wrapper"
        case Int(Z3_SORT_ERROR.rawValue): "sort error"
        case Int(Z3_IOB.rawValue): "index out of bounds"
        case Int(Z3_INVALID_ARG.rawValue): "invalid argument"
        case Int(Z3_PARSER_ERROR.rawValue): "parser error"
        case Int(Z3_NO_PARSER.rawValue): "no parser"
        case Int(Z3_INVALID_PATTERN.rawValue): "invalid pattern"
        case Int(Z3_MEMOUT_FAIL.rawValue): "out of memory"
        case Int(Z3_FILE_ACCESS_ERROR.rawValue): "file access error"
        case Int(Z3_INTERNAL_FATAL.rawValue): "internal fatal error"
        case Int(Z3_INVALID_USAGE.rawValue): "invalid usage"
        case Int(Z3_DEC_REF_ERROR.rawValue): "reference-count error"
        case Int(Z3_EXCEPTION.rawValue): "exception"
        default: "code \(code)"
        }
    }

    public var description: String { "Z3 error \(code) (\(codeName)): \(message)" }

    static func wrapper(_ message: String) -> SMTError { SMTError(code: wrapperCode, message: message) }
}
