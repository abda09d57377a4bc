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
/// distinct concrete call instead. Each step is passed through Z3's
/// rewriter once before compiling (smaller programs; a field the step leaves
/// alone becomes its own input). States are encoded by `ConcreteTables`
/// (the values `SymbolicState(concrete:)` stores, without Z3), a pre-state
/// once for all its events (`encode(_:)`), successors through a small cache;
/// a field the step leaves alone is equal when the two states list it alike,
/// otherwise the tables are compared as maps. A step the evaluator does not
/// cover (a term outside `TermProgram`) falls back to `comparePair`, which
/// simplifies with Z3 — slower, same verdict.
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
        /// Whether `listed(_:)` gives the call's arguments as reflection
        /// does (checked on the symbolic call when the step is built).
        var listed = false
        /// For each compared field the step leaves as it was (its root is the
        /// field's own input), true: its value is the pre-state's table.
        var unchanged: [Bool] = []
    }

    private let symbolicCall: ((SymbolicCall) throws(SMTError) -> SymbolicCall?)?
    private var templates: [String: Template] = [:]
    /// Keys (shapes or concrete calls) whose step `TermProgram` does not cover.
    private var uncovered: Set<String> = []
    private var tables: [KernelState: Encoded] = [:]
    private let tableLimit: Int
    /// `SymbolicState.fields`' names, in order.
    private let fieldNames = SymbolicState.fields.map(\.0)

    /// `symbolicCall` gives, for a concrete call, the call of the same
    /// shape with uninterpreted constants as arguments.
    public init(_ kernel: SymbolicKernel, symbolicCall: ((SymbolicCall) throws(SMTError) -> SymbolicCall?)? = nil, tableLimit: Int = 2_048) {
        self.kernel = kernel
        self.symbolicCall = symbolicCall
        self.tableLimit = tableLimit
    }

    /// A state's fields as the compiled steps read them (`encode(_:)`):
    /// made once per explored state and used for every event tried from it.
    public struct Encoded {
        let values: [TermValue]
        /// Each table's listing (`ConcreteTables.Listing`); nil for scalars
        /// and ghosts.
        let listings: [ConcreteTables.Listing?]
    }

    public func encode(_ state: KernelState) throws(SMTError) -> Encoded { try Self.encode(state) }

    /// Runs `event` on `Spec` and on the compiled symbolic step from `state`;
    /// `encoded`, when given, is `encode(state)`.
    public func compare(_ state: KernelState, _ event: Event, encoded: Encoded? = nil) throws(SMTError) -> PairVerdict {
        guard let pair = try ConcretePair(state, event, kernel.v) else { return .notEncoded }
        let known = templates["shape " + pair.call.name]
        let arguments = known?.listed == true ? Self.listed(pair.call) : Self.arguments(pair.call)
        var found = known
        if found == nil { found = try template(pair, arguments) }
        guard let template = found else {
            fallbacks += 1
            return try comparePair(state, event, kernel)
        }
        var given = encoded
        if given == nil { given = try tables(state) }
        guard let encodedPre = given else { return .notEncoded }
        let pre = encodedPre.values
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
            let program = template.program
            try program.start(inputs)
            guard case .scalar(.truth(true)) = try program.root(0) else { return .outOfScope }
            outputs = try program.roots.indices.map { (r) throws(SMTError) in try program.root(r) }
        } catch {
            fallbacks += 1
            return try comparePair(state, event, kernel)
        }
        let diffs = try differences(template, outputs, expected: tables(pair.next), pre: encodedPre, outcome: pair.outcome)
        return diffs.isEmpty ? .agrees : .differs(diffs)
    }

    /// As `DifferentialCheck.differences`: a table with a λ left in it is
    /// read at the expected and the pre-state's entries. A field the step
    /// leaves alone is equal when the two states list it alike (most fields
    /// of most steps); otherwise the tables are compared as maps.
    func differences(_ t: Template, _ outputs: [TermValue], expected encodedNext: Encoded, pre encodedPre: Encoded,
                     outcome: Outcome) throws(SMTError) -> [FieldDifference] {
        let expected = encodedNext.values, pre = encodedPre.values
        func wanted(_ name: String) -> FiniteArray? {
            guard let i = fieldNames.firstIndex(of: name), case .array(.table(let m)) = expected[i] else { return nil }
            return m
        }
        var found: [FieldDifference] = []
        for (j, (name, _)) in t.fields.enumerated() {
            let i = t.expectedIndex[j]
            if t.unchanged[j], let before = encodedPre.listings[i], before == encodedNext.listings[i] { continue }
            switch (outputs[j + 1], expected[i]) {
            case (.scalar(let got), .scalar(let want)):
                if got != want { found.append(FieldDifference(field: name, symbolic: "\(got)", concrete: "\(want)")) }
            case (.array(let got), .array(.table(let want))):
                var map = t.program.finiteArray(got)
                if map == want { continue }
                let skip = DifferentialCheck.dontCare(name, wanted)
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
                if var made = try build(shape, general, caller: caller, arguments: names.compactMap { $0 }) {
                    made.listed = Self.listed(general).map(\.constantName) == names
                    templates[shape] = made
                    return made
                }
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
        // Z3's rewriter first (equivalence-preserving): smaller programs, and
        // a field the step leaves alone becomes its input; the raw terms when
        // the rewritten ones use an operator `TermProgram` does not cover.
        var compiled = try? TermProgram(kernel.v.context.simplified(roots))
        if compiled == nil { compiled = try? TermProgram(roots) }
        guard let program = compiled else { return nil }
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
        let expectedIndex = fields.compactMap { f in fieldNames.firstIndex(of: f.0) }
        var made = Template(program: program, fields: fields, expectedIndex: expectedIndex, inputs: inputs)
        made.unchanged = expectedIndex.indices.map { j in
            guard let k = program.rootInput(j + 1), case .field(let i) = inputs[k] else { return false }
            return i == expectedIndex[j]
        }
        templates[key] = made
        programs += 1
        return made
    }

    /// Every field of `k` in `SymbolicState.fields` order, from
    /// `ConcreteTables` (the values `SymbolicState(concrete:)` stores, without
    /// building terms). A ghost the columns do not give (the λ-built
    /// `ledger` and `refLedger`) is not compared, and no compared field
    /// reads it: zeros stand in.
    private func tables(_ k: KernelState) throws(SMTError) -> Encoded {
        if let known = tables[k] { return known }
        if tables.count >= tableLimit { tables.removeAll(keepingCapacity: true) }
        let out = try Self.encode(k)
        tables[k] = out
        return out
    }

    static func encode(_ k: KernelState) throws(SMTError) -> Encoded {
        var out: [TermValue] = [], listings: [ConcreteTables.Listing?] = []
        for (value, (name, _)) in zip(ConcreteTables.encode(k), SymbolicState.fields) {
            listings.append(value?.1)
            switch value?.0 {
            case .table(let m)?: out.append(.array(.table(m)))
            case .scalar(let l)?: out.append(.scalar(l))
            case nil:
                guard SymbolicState.ghostFields.contains(name) else {
                    throw SMTError(code: SMTError.wrapperCode, message: "the concrete encoding has no column for \(name)")
                }
                out.append(.array(.table(FiniteArray(fill: .bits(0), entries: [:]))))
            }
        }
        return Encoded(values: out, listings: listings)
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

    /// `arguments(_:)` without reflection (a tenth of the run): the same
    /// terms in the same order, as long as the call structs keep their
    /// fields; `listed` on a template records that they still match.
    static func listed(_ call: SymbolicCall) -> [Expr] {
        switch call {
        case .map(let c): [c.dst, c.src, c.index, c.mask, c.sndBase, c.grant, c.server, c.weak]
        case .unmap(let c): [c.task, c.index, c.rights, c.allSpaces, c.delete]
        case .create(let c): [c.factory, c.slot, c.hasSlot, c.limit, c.entry, c.tableFull]
        case .capValid(let task, let cap): [task, cap]
        case .capEqual(let task, let a, let b): [task, a, b]
        case .ipc(let c): [c.cap, c.label, c.sendNever, c.receiveNever, c.picked, c.peerQueueEmpty]
        case .gateBind(let c): [c.gate, c.thread, c.hasThread, c.label, c.peerQueueEmpty]
        case .exRegs(let thread, let cancel): [thread, cancel]
        case .irq(let c): [c.cap, c.receiveNever, c.peerQueueEmpty]
        }
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
