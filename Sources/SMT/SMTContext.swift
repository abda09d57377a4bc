import CZ3

/// One Z3 context with reference-counted terms (`Z3_mk_context_rc`).
///
/// Why reference counting: in a non-rc context every term made stays alive
/// until the context dies, so a long-lived prover grows without bound; here
/// each `Sort`, `Expr`, `Solver` and `Model` holds one count and gives it
/// back in `deinit`, and each holds the context strongly, so
/// `Z3_del_context` runs last (reference/swift-z3-and-explorer.md §1,
/// pitfall 3).
///
/// Z3 contexts are not thread-safe: a context and everything made from it
/// must stay on the thread (task) that created it. Use one context per
/// worker. The type is deliberately not `Sendable`, so Swift's strict
/// concurrency checking rejects sharing it.
public final class SMTContext {
    let raw: Z3_context

    public init() throws(SMTError) {
        guard let cfg = Z3_mk_config() else { throw .wrapper("Z3 could not create a configuration") }
        let made = Z3_mk_context_rc(cfg)
        Z3_del_config(cfg)
        guard let made else { throw .wrapper("Z3 could not create a context") }
        raw = made
        // Never Z3's default handler, which exits the process. A C function
        // pointer cannot capture or throw, so the handler does nothing and
        // `check()` reads the error code after each fallible call.
        Z3_set_error_handler(raw) { _, _ in }
    }

    deinit { Z3_del_context(raw) }

    /// The version of the linked libz3, e.g. "4.8.12" (major.minor.build).
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
        Z3_get_version(&major, &minor, &build, &revision)
        return "\(major).\(minor).\(build)"
    }

    // MARK: - Errors

    /// Throws the pending Z3 error, if any, and clears it so that the next
    /// call starts clean.
    func check() throws(SMTError) {
        let code = Z3_get_error_code(raw)
        guard code != Z3_OK else { return }
        // Copied at once: the message lives in a context-owned buffer.
        let message = Z3_get_error_msg(raw, code).map { String(cString: $0) } ?? "no message"
        Z3_set_error(raw, Z3_OK)
        throw SMTError(code: Int(code.rawValue), message: message)
    }

    /// Terms of two contexts must never meet in one Z3 call: Z3 does not
    /// check it and would corrupt memory.
    func own(_ e: Expr) throws(SMTError) {
        guard e.context === self else { throw .wrapper("a term of another context: \(e)") }
    }

    func own(_ s: Sort) throws(SMTError) {
        guard s.context === self else { throw .wrapper("a sort of another context: \(s)") }
    }

    /// Copies a string Z3 returns: it is only valid until the next call.
    func string(_ s: Z3_string?) -> String { s.map { String(cString: $0) } ?? "" }

    func symbol(_ name: String) -> Z3_symbol? { Z3_mk_string_symbol(raw, name) }

    /// Wraps a freshly made term, or throws the error that made it nil.
    func expr(_ ast: Z3_ast?) throws(SMTError) -> Expr {
        try check()
        guard let ast else { throw .wrapper("Z3 returned no term") }
        return Expr(self, ast)
    }

    func sort(_ s: Z3_sort?) throws(SMTError) -> Sort {
        try check()
        guard let s else { throw .wrapper("Z3 returned no sort") }
        return Sort(self, s)
    }

    // MARK: - Sorts

    public func boolSort() throws(SMTError) -> Sort { try sort(Z3_mk_bool_sort(raw)) }

    /// Bit vectors of `width` bits (width ≥ 1).
    public func bitVector(_ width: UInt32) throws(SMTError) -> Sort { try sort(Z3_mk_bv_sort(raw, width)) }

    /// Total functions from `index` to `element` (SMT-LIB arrays).
    public func array(_ index: Sort, _ element: Sort) throws(SMTError) -> Sort {
        try own(index)
        try own(element)
        return try sort(Z3_mk_array_sort(raw, index.raw, element.raw))
    }

    // MARK: - Constants and literals

    /// The uninterpreted constant `name` of `sort`. The same name and sort
    /// give the same constant (Z3 hash-conses terms).
    public func constant(_ name: String, _ sort: Sort) throws(SMTError) -> Expr {
        try own(sort)
        return try expr(Z3_mk_const(raw, symbol(name), sort.raw))
    }

    /// A constant distinct from every other, named `prefix!n`: for
    /// skolemising a ∀-invariant without clashing with the caller's names.
    public func freshConstant(_ prefix: String, _ sort: Sort) throws(SMTError) -> Expr {
        try own(sort)
        return try expr(Z3_mk_fresh_const(raw, prefix, sort.raw))
    }

    /// The bit-vector literal `value` of a bit-vector `sort`, taken modulo
    /// 2^width.
    public func bv(_ value: UInt64, _ sort: Sort) throws(SMTError) -> Expr {
        try own(sort)
        return try expr(Z3_mk_unsigned_int64(raw, value, sort.raw))
    }

    public func bool(_ value: Bool) throws(SMTError) -> Expr { try expr(value ? Z3_mk_true(raw) : Z3_mk_false(raw)) }

    /// The array mapping every index of sort `index` to `value`.
    public func constArray(_ index: Sort, _ value: Expr) throws(SMTError) -> Expr {
        try own(index)
        try own(value)
        return try expr(Z3_mk_const_array(raw, index.raw, value.ast))
    }

    // MARK: - n-ary connectives

    /// The conjunction of `terms`; `true` for none.
    public func and(_ terms: [Expr]) throws(SMTError) -> Expr {
        terms.isEmpty ? try bool(true) : try nary(Z3_mk_and, terms)
    }

    /// The disjunction of `terms`; `false` for none.
    public func or(_ terms: [Expr]) throws(SMTError) -> Expr {
        terms.isEmpty ? try bool(false) : try nary(Z3_mk_or, terms)
    }

    /// True when all `terms` are pairwise different; `true` for fewer than
    /// two.
    public func distinct(_ terms: [Expr]) throws(SMTError) -> Expr {
        terms.count < 2 ? try bool(true) : try nary(Z3_mk_distinct, terms)
    }

    /// Z3's `Z3_ast const[]` parameters: the raw handles in a buffer, the
    /// owning terms kept alive until the call has returned (pitfall 4, 5).
    func nary(_ make: (Z3_context?, UInt32, UnsafePointer<Z3_ast?>?) -> Z3_ast?, _ terms: [Expr]) throws(SMTError) -> Expr {
        for t in terms { try own(t) }
        let asts: [Z3_ast?] = terms.map(\.ast)
        let made = withExtendedLifetime(terms) {
            asts.withUnsafeBufferPointer { make(raw, UInt32($0.count), $0.baseAddress) }
        }
        return try expr(made)
    }

    // MARK: - Quantifiers

    /// ∀ `bound`. `body`. The prover normally instantiates ∀-invariants by
    /// hand (quantifier-free queries are faster, reference §6); this is for
    /// the cases that need a real quantifier, with a solver not restricted to
    /// a `QF_` logic.
    public func forall(_ bound: [Expr], _ body: Expr) throws(SMTError) -> Expr { try quantifier(true, bound, body) }

    /// ∃ `bound`. `body`.
    public func exists(_ bound: [Expr], _ body: Expr) throws(SMTError) -> Expr { try quantifier(false, bound, body) }

    /// λ `bound`. `body`: an array whose every element is given at once. The
    /// symbolic kernel uses it for whole-table updates (revocation, clearing
    /// every slot that names a deleted object); Z3 decides `select` on a
    /// lambda by β-reduction, so queries stay in the array theory.
    public func lambda(_ bound: [Expr], _ body: Expr) throws(SMTError) -> Expr { try binder(.lambda, bound, body) }

    enum Binder { case forall, exists, lambda }

    func quantifier(_ isForall: Bool, _ bound: [Expr], _ body: Expr) throws(SMTError) -> Expr {
        try binder(isForall ? .forall : .exists, bound, body)
    }

    func binder(_ kind: Binder, _ bound: [Expr], _ body: Expr) throws(SMTError) -> Expr {
        try own(body)
        var apps: [Z3_app?] = []
        for b in bound {
            try own(b)
            // Z3_to_app is an unchecked cast: only a constant may be bound.
            guard Z3_is_app(raw, b.ast), let app = Z3_to_app(raw, b.ast), Z3_get_app_num_args(raw, app) == 0 else {
                throw .wrapper("a quantifier binds constants, not \(b)")
            }
            apps.append(app)
        }
        let made = withExtendedLifetime(bound) {
            apps.withUnsafeBufferPointer { p in
                switch kind {
                case .forall: Z3_mk_forall_const(raw, 0, UInt32(p.count), p.baseAddress, 0, nil, body.ast)
                case .exists: Z3_mk_exists_const(raw, 0, UInt32(p.count), p.baseAddress, 0, nil, body.ast)
                case .lambda: Z3_mk_lambda_const(raw, UInt32(p.count), p.baseAddress, body.ast)
                }
            }
        }
        return try expr(made)
    }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension SMTContext: Sendable {}
