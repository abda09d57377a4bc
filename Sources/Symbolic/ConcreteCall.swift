import SMT
import Spec

extension SymbolicCall {
    /// The encoded form of a `Spec` invocation, or nil when the encoding does
    /// not cover it (other operations, flexpages of order > 0, the special
    /// "self" selector as an argument, gate creation with a thread to bind).
    public static func concrete(_ inv: Invocation, in k: KernelState, _ v: Vocabulary) throws(SMTError) -> SymbolicCall? {
        func b8(_ x: UInt8) throws(SMTError) -> Expr { try v.b8(x) }
        func bool(_ x: Bool) throws(SMTError) -> Expr { try v.truth(x) }
        switch inv {
        case .taskMap(.slot(let d), .slot(let s), let item, 0, let base):
            return .map(MapCall(space: item.space == .object ? .object : .memory, dst: try b8(d.raw), src: try b8(s.raw),
                                index: try b8(item.index), mask: try b8(item.rights), sndBase: try b8(base),
                                grant: try bool(item.grant), server: try bool(item.server), weak: try bool(item.weak)))
        case .taskUnmap(.slot(let t), let space, let index, 0, let rights, let scope, let delete):
            return .unmap(UnmapCall(space: space == .object ? .object : .memory, task: try b8(t.raw), index: try b8(index),
                                    rights: try b8(rights), allSpaces: try bool(scope == .allSpaces), delete: try bool(delete)))
        case .factoryCreate(.slot(let f), let kind, let slot):
            guard let created = createdKind(kind) else { return nil }
            var limit: UInt16 = 0
            if case .factory(let l) = kind { limit = l }
            let entry = firstFree(created, in: k)
            return .create(CreateCall(kind: created, factory: try b8(f.raw), slot: try b8(slot?.raw ?? 0), hasSlot: try bool(slot != nil),
                                      limit: try v.b16(limit), entry: try b8(UInt8(entry ?? 0)), tableFull: try bool(entry == nil)))
        case .taskCapValid(.slot(let t), .slot(let c)):
            return .capValid(task: try b8(t.raw), cap: try b8(c.raw))
        case .taskCapEqual(.slot(let t), .slot(let a), .slot(let b)):
            return .capEqual(task: try b8(t.raw), a: try b8(a.raw), b: try b8(b.raw))
        default:
            return nil
        }
    }

    static func createdKind(_ kind: CreateKind) -> CreatedKind? {
        switch kind {
        case .task: .task
        case .thread: .thread
        case .gate(_, nil): .gate
        case .gate: nil
        case .irq: .irq
        case .factory: .factory
        }
    }

    /// `Spec`'s allocation choice: the first free table entry.
    static func firstFree(_ kind: CreatedKind, in k: KernelState) -> Int? {
        let objectKind: ObjectKind = switch kind {
        case .task: .task
        case .thread: .thread
        case .gate: .gate
        case .irq: .irq
        case .factory: .factory
        }
        return (0..<objectKind.capacity).first { k.life(of: ObjectRef(objectKind, $0)) == .free }
    }
}

/// One field that differs between the symbolic and the concrete step.
public struct FieldDifference: CustomStringConvertible, Sendable {
    public var field: String
    public var symbolic: String
    public var concrete: String
    public var description: String { "\(field): symbolic \(symbolic), Spec \(concrete)" }
}

/// Compares a symbolic step, evaluated on concrete inputs, with `Spec`'s step.
///
/// Generic over `SymbolicState.fields`: every field but the declared ghosts
/// (`SymbolicState.ghostFields`) is compared, so a field added to the state
/// is compared without a change here. The symbolic post-state's fields are
/// simplified in one rewriter pass; a field that comes out as a store chain
/// over literals is read back into a finite map and compared with the
/// expected state's map in Swift, entry by entry. A field Z3 does not
/// normalise (a λ of a revocation left in place) is read at each position
/// the expected or the pre-state lists, one `select` each.
public enum DifferentialCheck {
    /// Every differing field (empty when they agree). `pre`, the converted
    /// pre-state, adds its entries to the positions read of a field Z3 does
    /// not normalise.
    public static func differences(_ step: SymbolicStep, expected k: KernelState, outcome: Outcome, _ v: Vocabulary,
                                   pre: SymbolicState? = nil) throws(SMTError) -> [FieldDifference] {
        try differences(step, expected: SymbolicState(concrete: k, v), outcome: outcome, v, pre: pre)
    }

    /// Every differing field against an already converted expected state.
    public static func differences(_ step: SymbolicStep, expected: SymbolicState, outcome: Outcome, _ v: Vocabulary,
                                   pre: SymbolicState? = nil) throws(SMTError) -> [FieldDifference] {
        let fields = comparedFields
        let o = step.outcome
        let simplified = try v.context.simplified(fields.map { step.state[keyPath: $0.1] } + [o.kind, o.code, o.hasValue, o.value])
        var wanted: [String: FiniteArray] = [:]
        for (name, key) in fields {
            let term = expected[keyPath: key]
            var read = term.finiteArray
            if read == nil && term.literal == nil { read = try term.simplified().finiteArray }
            wanted[name] = read
        }
        var found: [FieldDifference] = []
        for (i, (name, key)) in fields.enumerated() {
            let term = simplified[i], want = expected[keyPath: key]
            if term.isIdentical(to: want) { continue }
            if let scalar = want.literal {
                if term.literal != scalar { found.append(FieldDifference(field: name, symbolic: text(term), concrete: "\(scalar)")) }
                continue
            }
            guard let table = wanted[name] else {
                throw SMTError(code: SMTError.wrapperCode, message: "the expected \(name) is not a table of literals: \(want)")
            }
            let skip = dontCare(name) { wanted[$0] }
            if let map = term.finiteArray {
                found += compare(name, map, table, skipping: skip)
            } else {
                let before = pre.flatMap { $0[keyPath: key].finiteArray }?.entries.keys
                found += try compare(name, term, table, also: before.map(Array.init) ?? [], skipping: skip, v)
            }
        }
        for (r, term) in zip(try expectedResults(outcome), simplified.suffix(4)) where term.literal != r.expected {
            found.append(FieldDifference(field: r.name, symbolic: text(term), concrete: "\(r.expected)"))
        }
        return found
    }

    /// The fields compared: every field of `SymbolicState.fields` but the ghosts.
    static var comparedFields: [(String, WritableKeyPath<SymbolicState, Expr>)] {
        SymbolicState.fields.filter { !SymbolicState.ghostFields.contains($0.0) }
    }

    /// Whether `SymbolicState.dontCare` exempts a position of `field`, given
    /// the expected state's tables by field name.
    static func dontCare(_ field: String, _ expected: (String) -> FiniteArray?) -> (UInt64) -> Bool {
        let guards = SymbolicState.dontCare.filter { $0.field == field }.map { (expected($0.unless), $0.value) }
        return { p in guards.contains { $0.0.map { table in table[p] } == $0.1 } }
    }

    /// Two finite maps, at every position either lists, and their fills.
    static func compare(_ field: String, _ got: FiniteArray, _ want: FiniteArray, skipping skip: (UInt64) -> Bool) -> [FieldDifference] {
        if got == want { return [] }
        var out: [FieldDifference] = []
        if got.fill != want.fill {
            out.append(FieldDifference(field: "\(field)[every other position]", symbolic: "\(got.fill)", concrete: "\(want.fill)"))
        }
        for p in Set(got.entries.keys).union(want.entries.keys).sorted() where !skip(p) && got[p] != want[p] {
            out.append(FieldDifference(field: FieldNames.name(field, at: p), symbolic: "\(got[p])", concrete: "\(want[p])"))
        }
        return out
    }

    /// A field Z3 left unnormalised, read at each position `want` or `also`
    /// (the pre-state's entries) lists: `Spec`'s tables and whatever the step
    /// could have changed.
    static func compare(_ field: String, _ got: Expr, _ want: FiniteArray, also: [UInt64], skipping skip: (UInt64) -> Bool,
                        _ v: Vocabulary) throws(SMTError) -> [FieldDifference] {
        let index = try got.sort().arrayIndex()
        let positions = Set(want.entries.keys).union(also).filter { !skip($0) }.sorted()
        var reads: [Expr] = []
        for p in positions { reads.append(try got.select(v.context.bv(p, index))) }
        var out: [FieldDifference] = []
        for (p, value) in zip(positions, try v.context.simplified(reads)) where value.literal != want[p] {
            out.append(FieldDifference(field: FieldNames.name(field, at: p), symbolic: text(value), concrete: "\(want[p])"))
        }
        return out
    }

    /// A simplified term as a report shows it: its literal, or Z3's text.
    static func text(_ term: Expr) -> String { term.literal.map { "\($0)" } ?? "\(term)" }

    /// `Spec`'s result, part by part, in the order of `SymbolicOutcome`'s
    /// kind, code, hasValue, value (the value only when there is one).
    static func expectedResults(_ outcome: Outcome) throws(SMTError) -> [(name: String, expected: Literal)] {
        let (kind, code, hasValue, value) = encode(outcome)
        var out: [(name: String, expected: Literal)] = [
            ("result.kind", .bits(UInt64(kind))), ("result.code", .bits(UInt64(code))), ("result.hasValue", .truth(hasValue)),
        ]
        if hasValue { out.append(("result.value", .bits(UInt64(value)))) }
        return out
    }

    /// `Spec`'s `ResultCode` encoding of an outcome, with the `ok` word.
    static func encode(_ o: Outcome) -> (UInt8, UInt8, Bool, UInt8) {
        switch o {
        case .ok(let value): (1, 0, value != nil, UInt8(truncatingIfNeeded: value ?? 0))
        case .ipc(let e): (2, e.rawValue, false, 0)
        case .error(let e): (3, e.rawValue, false, 0)
        case .killed: (4, 0, false, 0)
        case .blocked, .idle, .tornDown, .faultRetried: (0, 0, false, 0)
        }
    }
}

/// Outcome of comparing one (state, event) pair.
public enum PairVerdict: Sendable {
    /// The event is not an encoded operation, or did not run an invocation.
    case notEncoded
    /// The concrete path leaves the encoding (`inScope` evaluates false).
    case outOfScope
    case agrees
    case differs([FieldDifference])
}

/// An event of an encoded call, run on `Spec`: what both sides need.
struct ConcretePair {
    var call: SymbolicCall
    var caller: UInt8
    var next: KernelState
    var outcome: Outcome

    /// Nil when the event is not an encoded operation or did not run an invocation.
    init?(_ state: KernelState, _ event: Event, _ v: Vocabulary) throws(SMTError) {
        guard case .invoke(_, let inv) = event else { return nil }
        let (next, result) = Spec.step(state, event)
        guard let actor = result.actor, ![.tornDown, .faultRetried, .idle].contains(result.outcome) else { return nil }
        var encoded = try SymbolicCall.concrete(inv, in: state, v)
        if encoded == nil { encoded = try SymbolicCall.concreteIpc(inv, in: state, actor: actor, v) }
        guard let call = encoded else { return nil }
        self.call = call
        caller = actor.raw
        self.next = next
        outcome = result.outcome
    }
}

/// Runs `event` on `Spec` and on the symbolic kernel from `state`. `pre`,
/// when given, is `state` already converted (one conversion serves every
/// event tried from the same state).
public func comparePair(_ state: KernelState, _ event: Event, _ kernel: SymbolicKernel, pre given: SymbolicState? = nil) throws(SMTError) -> PairVerdict {
    let v = kernel.v
    guard let pair = try ConcretePair(state, event, v) else { return .notEncoded }
    let pre: SymbolicState
    if let given { pre = given } else { pre = try SymbolicState(concrete: state, v) }
    let step = try kernel.step(pre, caller: v.b8(pair.caller), pair.call)
    let scope = try step.inScope.simplified()
    guard scope.boolValue == true else { return .outOfScope }
    let diffs = try DifferentialCheck.differences(step, expected: pair.next, outcome: pair.outcome, v, pre: pre)
    return diffs.isEmpty ? .agrees : .differs(diffs)
}
