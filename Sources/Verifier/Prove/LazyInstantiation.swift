import Foundation
import SMT

/// A ∀-hypothesis `∀ x̄. body(x̄)` of an obligation (an invariant of one
/// state copy, the unwinding relation, the universal part of a goal).
struct Hypothesis {
    var name: String
    var sorts: [Sort]
    var body: ([Expr]) throws(SMTError) -> Expr
}

/// Decides `assertions ∧ ∀ hypotheses` with quantifier-free queries only, by
/// counterexample-guided instantiation (reference "Swift + Z3" §6: "treat
/// `sat` from the instantiated form as 'maybe', and confirm it against a
/// concrete model").
///
/// Why: Z3 4.8.12 proves the instantiated queries quickly but finds no models
/// of the quantified ones (MBQI over 16-bit indices and λ-built arrays runs
/// out of time), so refutations — and the weakened encodings of issue 5
/// point 6 — used to end `unknown`. Here each round solves the assertions
/// with the instances found so far (`ArrayReadReducer` first, so models come
/// back); every hypothesis is then evaluated in the model with its bound
/// variables left open, and a small query asks for a point where it fails.
/// Such a point's instance is added and the round repeats. A model that no
/// hypothesis fails in is a genuine counterexample: its states satisfy every
/// ∀-hypothesis. `unsat` is a proof, as every instance follows from its ∀-form.
///
/// Z3's model gives each array an arbitrary value outside the indices the
/// formulas read, and that default breaks the invariants at thousands of
/// points (a non-empty slot naming a free object, ...), one instance per
/// round. So the model is first *repaired*: every state array keeps its
/// values at the indices read and is neutral elsewhere — still a model of
/// the assertions, which read nothing else — and the hypotheses are
/// evaluated on that. A confirmed repaired model is fixed by one last query,
/// so the caller gets a Z3 model of exactly the states that were checked.
final class LazyInstantiation {
    enum Outcome {
        case unsat(rounds: Int)
        case sat(Model, rounds: Int)
        case unknown(String)
    }

    let context: SMTContext
    let reducer: ArrayReadReducer
    /// Most rounds before giving up (`unknown`); each adds at least one instance.
    var maxRounds = 100

    init(_ context: SMTContext, reducer: ArrayReadReducer? = nil) {
        self.context = context
        self.reducer = reducer ?? ArrayReadReducer(context)
    }

    /// The state arrays to canonicalise (see the type's comment).
    var repairs: [RepairGroup] = []

    /// Runs the rounds until a proof, a confirmed model, a Z3 `unknown` or
    /// the time limit. The first round is a fresh `QF_AUFBV` solver: Z3 then
    /// uses its non-incremental tactic (bit-blasting after preprocessing),
    /// much faster on the hard first query than the incremental core. Later
    /// rounds add their instances to one incremental solver, whose saved
    /// phases keep the next model close to the last one, so that the
    /// instances converge instead of chasing values Z3 moves around.
    func decide(_ assertions: [Expr], hypotheses: [Hypothesis], timeoutMilliseconds: UInt32) throws(SMTError) -> Outcome {
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        var reduced: [Expr] = []
        for e in assertions { reduced.append(try reducer.reduce(e)) }
        var incremental: Solver?
        for round in 1...maxRounds {
            guard Self.milliseconds(until: deadline) > 0 else { return .unknown("timeout") }
            let roundStart = Date()
            let answer = if let inc = incremental {
                try inc.check(timeoutMilliseconds: max(1, Self.milliseconds(until: deadline)))
            } else {
                try restarting(reduced, deadline)
            }
            trace("round \(round): \(answer) in \(String(format: "%.2f", Date().timeIntervalSince(roundStart))) s")
            switch answer {
            case .unsat: return .unsat(rounds: round)
            case .unknown(let why): return .unknown(why)
            case .sat(let model):
                let (from, to) = try repaired(model)
                guard let added = try missingInstances(hypotheses, model, from, to, deadline) else {
                    return .unknown("timeout while confirming a model")
                }
                if added.isEmpty { return .sat(model.substituting(from, to), rounds: round) }
                reduced += added
                if let inc = incremental {
                    for e in added { try inc.assert(e) }
                } else {
                    let inc = try Solver(context, logic: "QF_AUFBV")
                    for e in reduced { try inc.assert(e) }
                    incremental = inc
                }
            }
        }
        return .unknown("no convergence after \(maxRounds) instantiation rounds")
    }

    /// The instances (reduced) of every hypothesis that fails in the repaired
    /// model, at the read terms whose values are the failing point (terms of
    /// at most two nested reads: deeper ones chase accounts of accounts, so
    /// their literal value is used instead); nil when a check ran out of time and
    /// no other hypothesis fails (the model can then be neither confirmed nor refined).
    func missingInstances(_ hypotheses: [Hypothesis], _ model: Model, _ from: [Expr], _ to: [Expr], _ deadline: Date) throws(SMTError) -> [Expr]? {
        let terms = try TermsByValue(reducer.allReadIndices.filter { reducer.readDepth($0) <= 2 }, model, context)
        var added: [Expr] = []
        var undecided: [Hypothesis] = []
        // A check gets 10 s first: one that runs long is retried on the next
        // round's model when other hypotheses already give instances to add.
        // When none does, the undecided checks get what is left of the
        // obligation's time (a loaded machine can slow a check past 10 s).
        var pending = hypotheses, limit = 10.0
        while !pending.isEmpty {
            undecided = []
            for h in pending {
                let until = Date(timeIntervalSinceNow: min(limit, max(0, deadline.timeIntervalSinceNow)))
                switch try violation(h, model, from, to, until) {
                case .none: continue
                case .some(nil):
                    trace("  \(h.name): check undecided within its limit")
                    undecided.append(h)
                case .some(let point?):
                    let tuples = terms.instances(point)
                    trace("  \(h.name) fails at \(point.map(\.description).joined(separator: ", ")): \(tuples.count) instance(s)")
                    for at in tuples { added.append(try reducer.reduce(h.body(at))) }
                }
            }
            guard added.isEmpty, limit.isFinite else { break }
            (pending, limit) = (undecided, .infinity)
        }
        return !undecided.isEmpty && added.isEmpty ? nil : added
    }

    /// One fresh-solver query with restarts: Z3 4.8.12's run time on these
    /// queries is heavy-tailed (the same query takes 0.3 s with one random
    /// seed and over a minute with another), so it runs with a short limit
    /// and, on a timeout, again with the next seed and twice the limit
    /// (1 s, 2 s, 4 s, ...: queries that need many seconds with every seed
    /// still get them, at most twice over).
    func restarting(_ assertions: [Expr], _ deadline: Date) throws(SMTError) -> Solver.Result {
        var attempt: UInt32 = 0, limit = restartUnit
        while true {
            let left = Self.milliseconds(until: deadline)
            guard left > 0 else { return .unknown("timeout") }
            let solver = try Solver(context, logic: "QF_AUFBV")
            if attempt != 0 { try solver.setRandomSeed(attempt) }
            for e in assertions { try solver.assert(e) }
            let answer = try solver.check(timeoutMilliseconds: min(limit, left))
            guard case .unknown = answer, limit < left else { return answer }
            trace("restart \(attempt + 1) after \(limit) ms")
            attempt += 1
            limit = limit > UInt32.max / 2 ? UInt32.max : limit * 2
        }
    }

    /// Milliseconds of the first attempt (see `restarting`).
    var restartUnit: UInt32 = 1_000

    /// A point where `h` fails in `model` (`nil` inside: undecided in time),
    /// or none when `h` holds everywhere in it.
    func violation(_ h: Hypothesis, _ model: Model, _ from: [Expr], _ to: [Expr], _ deadline: Date) throws(SMTError) -> [Expr]?? {
        var open: [Expr] = []
        for s in h.sorts { open.append(try context.freshConstant("at", s)) }
        let evaluated = try model.eval(h.body(open).substitute(from, to), completion: false)
        if evaluated.boolValue == true { return .none }
        // A fresh solver: its non-incremental tactic is the fast one here too.
        let checker = try Solver(context, logic: "QF_AUFBV")
        try checker.assert(reducer.reduce(evaluated).not())
        switch try checker.check(timeoutMilliseconds: max(1, Self.milliseconds(until: deadline))) {
        case .unsat: return .none
        case .unknown: return .some(nil)
        case .sat(let m):
            var point: [Expr] = []
            for x in open { point.append(try m.eval(x)) }
            return .some(point)
        }
    }

    /// The repaired value of every array in `repairs`: a store chain over
    /// the neutral value with the model's values at the indices read.
    func repaired(_ model: Model) throws(SMTError) -> (from: [Expr], to: [Expr]) {
        var from: [Expr] = [], to: [Expr] = []
        for group in repairs {
            guard let first = group.arrays.first else { continue }
            var value = try context.constArray(first.sort().arrayIndex(), group.neutral)
            var seen = Set<String>()
            for a in group.arrays {
                for i in reducer.readIndices(of: a) {
                    let at = try model.eval(i)
                    guard seen.insert(at.description).inserted else { continue }
                    value = try value.store(at, model.eval(a.select(at)))
                }
            }
            for a in group.arrays {
                from.append(a)
                to.append(value)
            }
        }
        return (from, to)
    }

    /// `L4SPEC_DEBUG_LAZY=1`: each round on stderr (a debugging aid, not an option).
    let tracing = ProcessInfo.processInfo.environment["L4SPEC_DEBUG_LAZY"] != nil
    func trace(_ line: @autoclosure () -> String) {
        if tracing { FileHandle.standardError.write(Data("lazy: \(line())\n".utf8)) }
    }

    static func milliseconds(until deadline: Date) -> UInt32 {
        let ms = deadline.timeIntervalSinceNow * 1000
        return ms <= 0 ? 0 : UInt32(min(ms, Double(UInt32.max - 1)))
    }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension LazyInstantiation: Sendable {}

extension LazyInstantiation.Outcome {
    /// For debugging output: the answer and the rounds it took.
    var summary: String {
        switch self {
        case .unsat(let r): "unsat after \(r) round\(r == 1 ? "" : "s")"
        case .sat(_, let r): "sat (confirmed) after \(r) round\(r == 1 ? "" : "s")"
        case .unknown(let why): "unknown (\(why))"
        }
    }
}
