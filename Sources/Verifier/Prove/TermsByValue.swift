import SMT

/// The index terms of a round's formulas by their value in its model, for
/// instantiating a failed hypothesis at a *term* rather than at a literal
/// (model-based instantiation as in Z3's MBQI): an instance at a literal
/// only moves the term elsewhere in the next model, an instance at the term
/// settles it. Besides the terms read, their task / object-index parts
/// (high and low bytes) and object references built from 8-bit terms.
struct TermsByValue {
    private var table: [String: [Expr]] = [:]
    /// At most this many terms per value, and instances per failed point.
    static let perValue = 6, perPoint = 12

    init(_ reads: [Expr], _ model: Model, _ context: SMTContext) throws(SMTError) {
        var bytes: [Expr] = [], words: [Expr] = []
        for i in reads {
            switch i.bitWidth {
            case 8: bytes.append(i)
            case 16: words.append(i)
            case 32: words += [try i.extract(high: 31, low: 16), try i.extract(high: 15, low: 0)]
            default: break
            }
        }
        for w in words { bytes += [try w.extract(high: 15, low: 8), try w.extract(high: 7, low: 0)] }
        for b in bytes { try add(b, model) }
        for w in words { try add(w, model) }
        let byte = try context.bitVector(8)
        for b in bytes {
            for kind: UInt64 in 1...6 { try add(try context.bv(kind, byte).concat(b), model) }
        }
    }

    private mutating func add(_ term: Expr, _ model: Model) throws(SMTError) {
        let value = try model.eval(term)
        let key = "\(term.bitWidth ?? 0):\(value)"
        if table[key, default: []].count < Self.perValue { table[key, default: []].append(term) }
    }

    /// The terms whose value is the literal `value` (the literal itself when none was read).
    func terms(for value: Expr) -> [Expr] { table["\(value.bitWidth ?? 0):\(value)"] ?? [value] }

    /// Argument tuples for instantiating at a failed point: the terms of
    /// each coordinate, combined (at most `perPoint` tuples).
    func instances(_ point: [Expr]) -> [[Expr]] {
        var tuples: [[Expr]] = [[]]
        for x in point {
            tuples = tuples.flatMap { t in terms(for: x).map { t + [$0] } }
            if tuples.count > Self.perPoint { tuples = Array(tuples.prefix(Self.perPoint)) }
        }
        return tuples
    }
}
