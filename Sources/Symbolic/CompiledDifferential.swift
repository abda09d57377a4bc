import SMT
import Spec

/// The differential test for whole explored state spaces: the same
/// comparison as `comparePair`, without Z3 in the loop.
///
/// The symbolic step is built once per call shape (`SymbolicCall.name`)
/// over a named pre-state (`SymbolicState(named: "pre")`), a constant
/// caller and the constant arguments `symbolicCall` supplies (the prover's
/// own, `ProofFamily.call`), and compiled into a `TermProgram`; each
/// explored (state, event) is then an input to that program — the state's
/// tables, the caller, the call's literal arguments matched by position —
/// and the program's output is compared with `Spec`'s successor by
/// `DifferentialCheck.compare`, field by field over `SymbolicState.fields`
/// (ghosts and don't-care positions excluded as declared there). Without
/// `symbolicCall`, or for a shape it does not give, the step is built per
/// distinct concrete call instead. States are converted by
/// `SymbolicState(concrete:)` and read back once each (successors repeat a
/// lot). A step the evaluator does not cover (a term outside
/// `TermProgram`) falls back to `comparePair`, which simplifies with Z3 —
/// slower, same verdict.
public final class CompiledDifferential {
    public let kernel: SymbolicKernel
    /// How many pairs fell back to Z3, and how many steps were compiled.
    public private(set) var fallbacks = 0
    public private(set) var programs = 0

    /// Where a program input comes from.
    enum Input {
        /// A field of the pre-state (index into `SymbolicState.fields`).
        case field(Int)
        case caller
        /// The call's n-th argument (`arguments(_:)` order).
        case argument(Int)
    }

    /// A compiled step: roots are `inScope`, the compared fields in
    /// `DifferentialCheck.comparedFields` order, then the result's kind,
    /// code, hasValue and value.
    struct Template {
        let program: TermProgram
        let fields: [(String, WritableKeyPath<SymbolicState, Expr>)]
        /// For each compared field, its index in `SymbolicState.fields`.
        let expectedIndex: [Int]
        let inputs: [Input]
    }

    private let symbolicCall: ((SymbolicCall) throws(SMTError) -> SymbolicCall?)?
    private var templates: [String: Template] = [:]
    /// Keys (shapes or concrete calls) whose step `TermProgram` does not cover.
    private var uncovered: Set<String> = []
    private var tables: [KernelState: [TermValue]] = [:]
    private let tableLimit: Int
    /// `SymbolicState.fields`' names, in order.
    private let fieldNames = SymbolicState.fields.map(\.0)

    /// `symbolicCall` gives, for a concrete call, the call of the same
    /// shape with uninterpreted constants as arguments.
    public init(_ kernel: SymbolicKernel, symbolicCall: ((SymbolicCall) throws(SMTError) -> SymbolicCall?)? = nil, tableLimit: Int = 20_000) {
        self.kernel = kernel
        self.symbolicCall = symbolicCall
        self.tableLimit = tableLimit
    }

    /// Runs `event` on `Spec` and on the compiled symbolic step from `state`.
    public func compare(_ state: KernelState, _ event: Event) throws(SMTError) -> PairVerdict {
        guard let pair = try ConcretePair(state, event, kernel.v) else { return .notEncoded }
        let arguments = Self.arguments(pair.call)
        guard let template = try template(pair, arguments) else {
            fallbacks += 1
            return try comparePair(state, event, kernel)
        }
        let pre = try self.tables(state)
        let outputs: [TermValue]
        do {
            var inputs: [TermValue] = []
            for source in template.inputs {
                switch source {
                case .field(let i): inputs.append(pre[i])
                case .caller: inputs.append(.scalar(.bits(UInt64(pair.caller))))
                case .argument(let i):
                    guard i < arguments.count, let value = arguments[i].literal else {
                        throw SMTError(code: SMTError.wrapperCode, message: "a call argument is not a literal")
                    }
                    inputs.append(.scalar(value))
                }
            }
            outputs = try template.program.evaluate(inputs)
        } catch {
            fallbacks += 1
            return try comparePair(state, event, kernel)
        }
        guard case .scalar(.truth(true)) = outputs[0] else { return .outOfScope }
        let diffs = try differences(template, outputs, expected: tables(pair.next), pre: pre, outcome: pair.outcome)
        return diffs.isEmpty ? .agrees : .differs(diffs)
    }

    /// As `DifferentialCheck.differences`: a table with a λ left in it is
    /// read at the expected and the pre-state's entries.
    func differences(_ t: Template, _ outputs: [TermValue], expected: [TermValue], pre: [TermValue], outcome: Outcome) throws(SMTError) -> [FieldDifference] {
        func wanted(_ name: String) -> FiniteArray? {
            guard let i = fieldNames.firstIndex(of: name), case .array(.table(let m)) = expected[i] else { return nil }
            return m
        }
        var found: [FieldDifference] = []
        for (j, (name, _)) in t.fields.enumerated() {
            let i = t.expectedIndex[j]
            switch (outputs[j + 1], expected[i]) {
            case (.scalar(let got), .scalar(let want)):
                if got != want { found.append(FieldDifference(field: name, symbolic: "\(got)", concrete: "\(want)")) }
            case (.array(let got), .array(.table(let want))):
                let skip = DifferentialCheck.dontCare(name, wanted)
                var map = t.program.finiteArray(got)
                if map == nil {
                    var entries: [UInt64: Literal] = [:]
                    var positions = Set(want.entries.keys)
                    if case .array(.table(let before)) = pre[i] { positions.formUnion(before.entries.keys) }
                    for p in positions { entries[p] = try t.program.read(got, at: p) }
                    map = FiniteArray(fill: want.fill, entries: entries)
                }
                if let map { found += DifferentialCheck.compare(name, map, want, skipping: skip) }
            default:
                throw SMTError(code: SMTError.wrapperCode, message: "evaluation: \(name) has different shapes in the two states")
            }
        }
        let results = try DifferentialCheck.expectedResults(outcome)
        for (k, r) in results.enumerated() {
            guard case .scalar(let got) = outputs[1 + t.fields.count + k], got != r.expected else { continue }
            found.append(FieldDifference(field: r.name, symbolic: "\(got)", concrete: "\(r.expected)"))
        }
        return found
    }

    /// The compiled step for the pair's call shape, or else for its
    /// concrete call, built on first use; nil when `TermProgram` covers
    /// neither.
    private func template(_ pair: ConcretePair, _ arguments: [Expr]) throws(SMTError) -> Template? {
        let v = kernel.v
        let shape = "shape " + pair.call.name
        if let known = templates[shape] { return known }
        if let symbolicCall, !uncovered.contains(shape) {
            let general = try symbolicCall(pair.call)
            let names = general.map { Self.arguments($0).map(\.constantName) } ?? []
            if let general, names.count == arguments.count, names.allSatisfy({ $0 != nil }) {
                let caller = try v.context.constant("caller", v.bv8)
                if let made = try build(shape, general, caller: caller, arguments: names.compactMap { $0 }) { return made }
            }
            uncovered.insert(shape)
        }
        let key = "\(pair.caller) " + Self.key(pair.call)
        if let known = templates[key] { return known }
        guard !uncovered.contains(key) else { return nil }
        if let made = try build(key, pair.call, caller: v.b8(pair.caller), arguments: []) { return made }
        uncovered.insert(key)
        return nil
    }

    /// Builds, compiles and records the step of `call` by `caller` over the
    /// named pre-state; nil when the program has an input it cannot bind.
    private func build(_ key: String, _ call: SymbolicCall, caller: Expr, arguments: [String]) throws(SMTError) -> Template? {
        let pre = try SymbolicState(named: "pre", kernel.v)
        let step = try kernel.step(pre, caller: caller, call)
        let fields = DifferentialCheck.comparedFields
        let o = step.outcome
        let roots = [step.inScope] + fields.map { step.state[keyPath: $0.1] } + [o.kind, o.code, o.hasValue, o.value]
        guard let program = try? TermProgram(roots) else { return nil }
        let names = fieldNames.map { "pre.\($0)" }, callerName = caller.constantName
        var inputs: [Input] = []
        for name in program.inputNames {
            if let i = names.firstIndex(of: name) {
                inputs.append(.field(i))
            } else if name == callerName {
                inputs.append(.caller)
            } else if let i = arguments.firstIndex(of: name) {
                inputs.append(.argument(i))
            } else {
                return nil
            }
        }
        let made = Template(program: program, fields: fields, expectedIndex: fields.compactMap { f in fieldNames.firstIndex(of: f.0) },
                            inputs: inputs)
        templates[key] = made
        programs += 1
        return made
    }

    /// Every field of `k` read back from `SymbolicState(concrete:)`, in
    /// `SymbolicState.fields` order.
    private func tables(_ k: KernelState) throws(SMTError) -> [TermValue] {
        if let known = tables[k] { return known }
        if tables.count >= tableLimit { tables.removeAll(keepingCapacity: true) }
        let s = try SymbolicState(concrete: k, kernel.v)
        var out: [TermValue] = []
        for (name, key) in SymbolicState.fields {
            let term = s[keyPath: key]
            if let l = term.literal {
                out.append(.scalar(l))
            } else if let m = term.finiteArray {
                out.append(.array(.table(m)))
            } else if SymbolicState.ghostFields.contains(name), let m = try Self.zeros(like: term, kernel.v).finiteArray {
                // A ghost that is not a table (the λ-built `ledger`) is not
                // compared, and no compared field reads it: zeros stand in.
                out.append(.array(.table(m)))
            } else {
                throw SMTError(code: SMTError.wrapperCode, message: "the concrete \(name) is not a table of literals: \(term)")
            }
        }
        tables[k] = out
        return out
    }

    /// The all-zero array of `term`'s sort.
    static func zeros(like term: Expr, _ v: Vocabulary) throws(SMTError) -> Expr {
        let sort = try term.sort()
        return try v.context.constArray(sort.arrayIndex(), v.context.bv(0, sort.arrayElement()))
    }

    /// A call's identity: its case, Swift-level parameters and argument
    /// literals, read generically so new call cases need no change here.
    static func key(_ call: SymbolicCall) -> String {
        var parts: [String] = []
        walk(call) { parts.append($0.literal.map { "\($0)" } ?? $0.description) } other: { parts.append($0) }
        return parts.joined(separator: " ")
    }

    /// A call's argument terms in declaration order (read by reflection, so
    /// a concrete call and its symbolic twin list them alike).
    static func arguments(_ call: SymbolicCall) -> [Expr] {
        var out: [Expr] = []
        walk(call) { out.append($0) } other: { _ in }
        return out
    }

    private static func walk(_ x: Any, term: (Expr) -> Void, other: (String) -> Void) {
        if let e = x as? Expr {
            term(e)
            return
        }
        let m = Mirror(reflecting: x)
        if m.children.isEmpty { other("\(x)") }
        for c in m.children {
            other(c.label ?? "_")
            walk(c.value, term: term, other: other)
        }
    }
}

/// Not `Sendable`: it holds one context's terms.
@available(*, unavailable)
extension CompiledDifferential: Sendable {}
