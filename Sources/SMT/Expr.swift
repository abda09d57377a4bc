import CZ3

/// A Z3 term. It holds a reference count on the term and a strong reference
/// to its context, so a term never outlives the context that owns it.
/// Operators that Z3 can reject (ill-sorted arguments) throw `SMTError`.
public final class Expr: CustomStringConvertible {
    let context: SMTContext
    let ast: Z3_ast

    init(_ context: SMTContext, _ ast: Z3_ast) {
        self.context = context
        self.ast = ast
        Z3_inc_ref(context.raw, ast)
    }

    deinit { Z3_dec_ref(context.raw, ast) }

    var c: Z3_context { context.raw }

    public var description: String { String(cString: Z3_ast_to_string(c, ast)) }

    func make(_ f: (Z3_context) -> Z3_ast?) throws(SMTError) -> Expr { try context.expr(f(c)) }

    func many(_ f: (Z3_context, UInt32, UnsafePointer<Z3_ast?>) -> Z3_ast?, _ args: [Expr]) throws(SMTError) -> Expr {
        let asts: [Z3_ast?] = args.map { $0.ast }
        return try withExtendedLifetime(args) { () throws(SMTError) -> Expr in
            try context.expr(asts.withUnsafeBufferPointer { p in p.baseAddress.flatMap { f(c, UInt32(asts.count), $0) } })
        }
    }

    // MARK: - Boolean structure

    public func eq(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_eq($0, ast, o.ast) } }
    public func not() throws(SMTError) -> Expr { try make { Z3_mk_not($0, ast) } }
    public func and(_ o: Expr...) throws(SMTError) -> Expr { try many(Z3_mk_and, [self] + o) }
    public func or(_ o: Expr...) throws(SMTError) -> Expr { try many(Z3_mk_or, [self] + o) }
    public func implies(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_implies($0, ast, o.ast) } }
    public func ite(_ then: Expr, _ otherwise: Expr) throws(SMTError) -> Expr { try make { Z3_mk_ite($0, ast, then.ast, otherwise.ast) } }

    // MARK: - Bit vectors (unsigned)

    public func bvadd(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvadd($0, ast, o.ast) } }
    public func bvsub(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvsub($0, ast, o.ast) } }
    public func bvmul(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvmul($0, ast, o.ast) } }
    public func bvand(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvand($0, ast, o.ast) } }
    public func bvor(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvor($0, ast, o.ast) } }
    public func ule(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvule($0, ast, o.ast) } }
    public func ult(_ o: Expr) throws(SMTError) -> Expr { try make { Z3_mk_bvult($0, ast, o.ast) } }
    public func zeroExtend(by bits: UInt32) throws(SMTError) -> Expr { try make { Z3_mk_zero_ext($0, bits, ast) } }

    // MARK: - Arrays

    public func select(_ index: Expr) throws(SMTError) -> Expr { try make { Z3_mk_select($0, ast, index.ast) } }
    public func store(_ index: Expr, _ value: Expr) throws(SMTError) -> Expr { try make { Z3_mk_store($0, ast, index.ast, value.ast) } }
}
