import CZ3

/// A Z3 sort (Bool, a bit-vector width, an array), kept alive by one
/// reference count on its AST and a strong reference to its context.
///
/// All Z3 handles import into Swift as the same `OpaquePointer`; distinct
/// wrapper types are what keeps a sort from being passed where a term or a
/// solver is expected (reference §1, pitfall 1).
public final class Sort: CustomStringConvertible {
    let context: SMTContext
    let raw: Z3_sort

    init(_ context: SMTContext, _ raw: Z3_sort) {
        self.context = context
        self.raw = raw
        Z3_inc_ref(context.raw, Z3_sort_to_ast(context.raw, raw))
    }

    deinit { Z3_dec_ref(context.raw, Z3_sort_to_ast(context.raw, raw)) }

    /// What a sort is, as far as this module's users need to know.
    public enum Kind: Equatable, Sendable {
        case bool
        case bitVector(width: UInt32)
        case array
        /// Any sort this module does not construct (integers, reals, ...).
        case other
    }

    public var kind: Kind {
        let c = context.raw
        switch Z3_get_sort_kind(c, raw) {
        case Z3_BOOL_SORT: return .bool
        case Z3_BV_SORT: return .bitVector(width: Z3_get_bv_sort_size(c, raw))
        case Z3_ARRAY_SORT: return .array
        default: return .other
        }
    }

    /// The index sort of an array sort.
    public func arrayIndex() throws(SMTError) -> Sort {
        guard kind == .array else { throw .wrapper("\(self) is not an array sort") }
        return try context.sort(Z3_get_array_sort_domain(context.raw, raw))
    }

    /// The element sort of an array sort.
    public func arrayElement() throws(SMTError) -> Sort {
        guard kind == .array else { throw .wrapper("\(self) is not an array sort") }
        return try context.sort(Z3_get_array_sort_range(context.raw, raw))
    }

    /// Whether the two sorts are the same Z3 sort.
    public func isSame(as other: Sort) -> Bool {
        other.context === context && Z3_is_eq_sort(context.raw, raw, other.raw)
    }

    /// Copied at once: Z3's string is only valid until the next call.
    public var description: String { context.string(Z3_sort_to_string(context.raw, raw)) }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension Sort: Sendable {}
