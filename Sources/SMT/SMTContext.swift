import CZ3

/// A Z3 error turned into a Swift error: Z3's default handler would exit the
/// process, so every fallible call is checked and reported here instead.
public struct SMTError: Error, CustomStringConvertible, Equatable {
    public var code: Int
    public var message: String
    public var description: String { "Z3 error \(code): \(message)" }
}

/// One Z3 context with reference-counted terms (`Z3_mk_context_rc`). A
/// context and everything made from it must stay on one thread: use one
/// context per thread (reference/swift-z3-and-explorer.md §6).
public final class SMTContext {
    let raw: Z3_context

    public init() throws(SMTError) {
        let cfg = Z3_mk_config()
        let made = Z3_mk_context_rc(cfg)
        Z3_del_config(cfg)
        guard let made else { throw SMTError(code: -1, message: "Z3 could not create a context") }
        raw = made
        // Never Z3's default handler, which exits: record nothing, and let
        // `check` read the error code after each call.
        Z3_set_error_handler(raw) { _, _ in }
    }

    deinit { Z3_del_context(raw) }

    /// The version of the linked libz3, e.g. "4.8.12".
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
        Z3_get_version(&major, &minor, &build, &revision)
        return "\(major).\(minor).\(build)"
    }

    /// Throws the pending Z3 error, if any, and clears it.
    func check() throws(SMTError) {
        let code = Z3_get_error_code(raw)
        guard code != Z3_OK else { return }
        let message = Z3_get_error_msg(raw, code).map { String(cString: $0) } ?? "unknown error"
        Z3_set_error(raw, Z3_OK)
        throw SMTError(code: Int(code.rawValue), message: message)
    }

    func symbol(_ name: String) -> Z3_symbol { Z3_mk_string_symbol(raw, name) }

    /// Wraps a freshly made term, or throws the error that made it nil.
    func expr(_ ast: Z3_ast?) throws(SMTError) -> Expr {
        try check()
        guard let ast else { throw SMTError(code: -1, message: "Z3 returned no term") }
        return Expr(self, ast)
    }

    // MARK: - Sorts and constants

    func sort(_ s: Z3_sort?) throws(SMTError) -> Sort {
        try check()
        guard let s else { throw SMTError(code: -1, message: "Z3 returned no sort") }
        return Sort(self, s)
    }

    public func boolSort() throws(SMTError) -> Sort { try sort(Z3_mk_bool_sort(raw)) }
    public func bitVector(_ width: UInt32) throws(SMTError) -> Sort { try sort(Z3_mk_bv_sort(raw, width)) }
    public func array(_ index: Sort, _ element: Sort) throws(SMTError) -> Sort { try sort(Z3_mk_array_sort(raw, index.raw, element.raw)) }

    public func constant(_ name: String, _ sort: Sort) throws(SMTError) -> Expr {
        try expr(Z3_mk_const(raw, symbol(name), sort.raw))
    }
    public func bv(_ value: UInt64, _ sort: Sort) throws(SMTError) -> Expr {
        try expr(Z3_mk_unsigned_int64(raw, value, sort.raw))
    }
    public func bool(_ value: Bool) throws(SMTError) -> Expr { try expr(value ? Z3_mk_true(raw) : Z3_mk_false(raw)) }
    /// The array mapping every index to `value`.
    public func constArray(_ index: Sort, _ value: Expr) throws(SMTError) -> Expr {
        try expr(Z3_mk_const_array(raw, index.raw, value.ast))
    }
}

/// A Z3 sort, kept alive by a reference count.
public final class Sort {
    let context: SMTContext
    let raw: Z3_sort
    init(_ context: SMTContext, _ raw: Z3_sort) {
        self.context = context
        self.raw = raw
        Z3_inc_ref(context.raw, Z3_sort_to_ast(context.raw, raw))
    }
    deinit { Z3_dec_ref(context.raw, Z3_sort_to_ast(context.raw, raw)) }
}
