import CZ3

/// A literal read back from a simplified term: a bit vector of at most 64
/// bits or a truth value.
public enum Literal: Hashable, Sendable, CustomStringConvertible {
    case bits(UInt64)
    case truth(Bool)

    public var description: String {
        switch self {
        case .bits(let n): "\(n)"
        case .truth(let b): "\(b)"
        }
    }
}

/// An array over literals as a finite map: `entries` where it was stored
/// to, `fill` everywhere else (the value of the constant array the store
/// chain starts from).
public struct FiniteArray: Equatable, Sendable {
    public var fill: Literal
    public var entries: [UInt64: Literal]

    public init(fill: Literal, entries: [UInt64: Literal]) {
        self.fill = fill
        self.entries = entries
    }

    public subscript(_ index: UInt64) -> Literal { entries[index] ?? fill }
}

/// Reading simplified terms back into Swift values, so that a caller can
/// compare whole tables in Swift instead of asking Z3 one equality per
/// entry (the differential test of `prove --differential`).
extension Expr {
    /// The term's value when it is a literal; nil for any other term.
    public var literal: Literal? { context.literal(ast) }

    /// The array as a finite map when the term is a chain of `store`s with
    /// literal indices and values over a constant array of a literal (what
    /// `simplified()` makes of a store chain over literals); nil for any
    /// other shape (a λ, an `ite`, an array constant). Of two stores to one
    /// index the outer one wins, as in `select`.
    public var finiteArray: FiniteArray? {
        let c = context.raw
        var entries: [UInt64: Literal] = [:]
        var node = ast
        // The raw subterms stay alive while `self` holds the root.
        return withExtendedLifetime(self) { () -> FiniteArray? in
            while Z3_get_ast_kind(c, node) == Z3_APP_AST, let app = Z3_to_app(c, node) {
                let kind = Z3_get_decl_kind(c, Z3_get_app_decl(c, app))
                let n = Z3_get_app_num_args(c, app)
                if kind == Z3_OP_CONST_ARRAY && n == 1 {
                    guard let fill = context.literal(Z3_get_app_arg(c, app, 0)) else { return nil }
                    return FiniteArray(fill: fill, entries: entries)
                }
                guard kind == Z3_OP_STORE && n == 3, let next = Z3_get_app_arg(c, app, 0),
                      case .bits(let index)? = context.literal(Z3_get_app_arg(c, app, 1)),
                      let value = context.literal(Z3_get_app_arg(c, app, 2)) else { return nil }
                if entries[index] == nil { entries[index] = value }
                node = next
            }
            return nil
        }
    }

    /// The name of an uninterpreted constant; nil for any other term.
    public var constantName: String? {
        let c = context.raw
        guard Z3_get_ast_kind(c, ast) == Z3_APP_AST, let app = Z3_to_app(c, ast), Z3_get_app_num_args(c, app) == 0 else { return nil }
        let decl = Z3_get_app_decl(c, app)
        guard Z3_get_decl_kind(c, decl) == Z3_OP_UNINTERPRETED else { return nil }
        return withExtendedLifetime(self) { context.string(Z3_get_symbol_string(c, Z3_get_decl_name(c, decl))) }
    }

    /// Whether the two terms are the same Z3 AST. Z3 hash-conses terms, so
    /// two store chains built alike are identical and need no comparison.
    public func isIdentical(to other: Expr) -> Bool { other.context === context && other.ast == ast }
}

extension SMTContext {
    /// The literal an AST denotes, or nil. Reads only, so no reference count
    /// is needed while the caller keeps the AST alive.
    func literal(_ a: Z3_ast?) -> Literal? {
        guard let a else { return nil }
        switch Z3_get_sort_kind(raw, Z3_get_sort(raw, a)) {
        case Z3_BV_SORT:
            guard Z3_is_numeral_ast(raw, a) else { return nil }
            var n: UInt64 = 0
            let ok = Z3_get_numeral_uint64(raw, a, &n)
            guard (try? check()) != nil, ok else { return nil }
            return .bits(n)
        case Z3_BOOL_SORT:
            switch Z3_get_bool_value(raw, a) {
            case Z3_L_TRUE: return .truth(true)
            case Z3_L_FALSE: return .truth(false)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Each term simplified, in one pass of Z3's rewriter: the terms become
    /// the arguments of one uninterpreted predicate, so subterms they share
    /// (a successor state's fields all read the same pre-state) are
    /// rewritten once instead of once per term.
    public func simplified(_ terms: [Expr]) throws(SMTError) -> [Expr] {
        guard !terms.isEmpty else { return [] }
        for t in terms { try own(t) }
        let asts: [Z3_ast?] = terms.map(\.ast)
        let sorts: [Z3_sort?] = asts.map { Z3_get_sort(raw, $0) }
        guard let boolSort = Z3_mk_bool_sort(raw) else { throw .wrapper("Z3 returned no sort") }
        let made: Z3_func_decl? = sorts.withUnsafeBufferPointer {
            Z3_mk_func_decl(raw, symbol("simplify.pack"), UInt32($0.count), $0.baseAddress, boolSort)
        }
        try check()
        guard let made else { throw .wrapper("Z3 returned no function") }
        // Held by a term wrapper for the rest of the call (rc context).
        let decl = Expr(self, Z3_func_decl_to_ast(raw, made))
        let app = try withExtendedLifetime((terms, decl)) { () throws(SMTError) -> Expr in
            try expr(asts.withUnsafeBufferPointer { Z3_mk_app(raw, made, UInt32($0.count), $0.baseAddress) })
        }
        let packed = try app.simplified()
        guard Z3_get_ast_kind(raw, packed.ast) == Z3_APP_AST, let out = Z3_to_app(raw, packed.ast),
              Z3_get_app_num_args(raw, out) == UInt32(terms.count) else {
            throw .wrapper("simplify changed the shape of a packed term")
        }
        var result: [Expr] = []
        for i in 0..<UInt32(terms.count) { result.append(try expr(Z3_get_app_arg(raw, out, i))) }
        return withExtendedLifetime(decl) { result }
    }
}
