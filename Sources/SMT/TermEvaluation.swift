/// The value of a compiled term: a literal or an array.
public enum TermValue {
    case scalar(Literal)
    case array(ArrayValue)
}

/// An array value: a finite map, a store on top of another array, or a λ
/// (its body is read per index).
public indirect enum ArrayValue {
    case table(FiniteArray)
    case store(ArrayValue, UInt64, Literal)
    case lambda(body: Int, environment: [Literal])
}

/// Evaluation of a `TermProgram` on concrete inputs. Closed nodes are
/// memoised for one `evaluate` (and the reads that follow it); nodes under a
/// λ are memoised per application of the λ.
extension TermProgram {
    /// The roots' values for `inputs` (one per `inputNames` entry). Throws
    /// on ill-typed inputs; nothing is cached across calls.
    public func evaluate(_ inputs: [TermValue]) throws(SMTError) -> [TermValue] {
        try start(inputs)
        var out: [TermValue] = []
        for r in roots.indices { out.append(try root(r)) }
        return out
    }

    /// Sets the inputs of the roots `root(_:)` then evaluates one by one (a
    /// caller that needs only the first when it is false saves the rest).
    public func start(_ inputs: [TermValue]) throws(SMTError) {
        guard inputs.count == inputNames.count else { throw .wrapper("evaluation: \(inputs.count) inputs for \(inputNames.count)") }
        if stamps.count != ops.count {
            stamps = Array(repeating: 0, count: ops.count)
            memo = Array(repeating: .scalar(.truth(false)), count: ops.count)
        }
        generation &+= 1
        if generation == 0 {
            stamps = Array(repeating: 0, count: ops.count)
            generation = 1
        }
        self.inputs = inputs
    }

    /// The input the i-th root is, when it is one (a field the step leaves
    /// as it was): its value is that input's, unchanged.
    public func rootInput(_ i: Int) -> Int? {
        guard case .input(let k) = ops[roots[i]] else { return nil }
        return k
    }

    /// The value of the i-th root for the inputs `start` set.
    public func root(_ i: Int) throws(SMTError) -> TermValue {
        var local: [Int: TermValue] = [:]
        return try value(roots[i], [], &local)
    }

    /// `a[index]`, for an array the last `evaluate` returned.
    public func read(_ a: ArrayValue, at index: UInt64) throws(SMTError) -> Literal {
        var node = a
        while true {
            switch node {
            case .table(let m): return m[index]
            case .store(let base, let i, let v):
                if i == index { return v }
                node = base
            case .lambda(let body, let environment):
                var local: [Int: TermValue] = [:]
                guard case .scalar(let v) = try value(body, [.bits(index)] + environment, &local) else {
                    throw .wrapper("evaluation: an array of arrays")
                }
                return v
            }
        }
    }

    /// The array as a finite map when no λ is left in it; nil otherwise.
    public func finiteArray(_ a: ArrayValue) -> FiniteArray? {
        var stores: [(UInt64, Literal)] = []
        var node = a
        while true {
            switch node {
            case .table(var m):
                for (i, v) in stores.reversed() { m.entries[i] = v }
                return m
            case .store(let base, let i, let v):
                stores.append((i, v))
                node = base
            case .lambda:
                return nil
            }
        }
    }

    private func value(_ n: Int, _ env: [Literal], _ local: inout [Int: TermValue]) throws(SMTError) -> TermValue {
        if closed[n] {
            if stamps[n] == generation { return memo[n] }
        } else if let done = local[n] {
            return done
        }
        let v = try compute(n, env, &local)
        if closed[n] {
            stamps[n] = generation
            memo[n] = v
        } else {
            local[n] = v
        }
        return v
    }

    private func compute(_ n: Int, _ env: [Literal], _ local: inout [Int: TermValue]) throws(SMTError) -> TermValue {
        switch ops[n] {
        case .literal(let l): return .scalar(l)
        case .input(let i): return inputs[i]
        case .variable(let i):
            guard i < env.count else { throw .wrapper("evaluation: an unbound variable") }
            return .scalar(env[i])
        case .lambda(let body): return .array(.lambda(body: body, environment: env))
        case .apply(let f, let args): return try apply(f, args, width: widths[n], env, &local)
        }
    }

    private func apply(_ f: Function, _ args: [Int], width: UInt32, _ env: [Literal], _ local: inout [Int: TermValue]) throws(SMTError) -> TermValue {
        func scalar(_ i: Int) throws(SMTError) -> Literal {
            guard case .scalar(let l) = try value(args[i], env, &local) else { throw .wrapper("evaluation: an array where a scalar belongs") }
            return l
        }
        func truth(_ i: Int) throws(SMTError) -> Bool {
            guard case .truth(let b) = try scalar(i) else { throw .wrapper("evaluation: a bit vector where a truth value belongs") }
            return b
        }
        func bits(_ i: Int) throws(SMTError) -> UInt64 {
            guard case .bits(let b) = try scalar(i) else { throw .wrapper("evaluation: a truth value where a bit vector belongs") }
            return b
        }
        func array(_ i: Int) throws(SMTError) -> ArrayValue {
            guard case .array(let a) = try value(args[i], env, &local) else { throw .wrapper("evaluation: a scalar where an array belongs") }
            return a
        }
        let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) &- 1
        func word(_ x: UInt64) -> TermValue { .scalar(.bits(x & mask)) }
        func bool(_ b: Bool) -> TermValue { .scalar(.truth(b)) }
        func fold(_ combine: (UInt64, UInt64) -> UInt64) throws(SMTError) -> TermValue {
            var acc = try bits(0)
            for i in 1..<max(args.count, 1) { acc = combine(acc, try bits(i)) }
            return word(acc)
        }
        switch f {
        case .ite: return try value(truth(0) ? args[1] : args[2], env, &local)
        case .and:
            for i in args.indices {
                if try !truth(i) { return bool(false) }
            }
            return bool(true)
        case .or:
            for i in args.indices {
                if try truth(i) { return bool(true) }
            }
            return bool(false)
        case .not: return bool(try !truth(0))
        case .implies:
            if try !truth(0) { return bool(true) }
            return bool(try truth(1))
        case .xor: return bool(try truth(0) != truth(1))
        case .eq: return bool(try scalar(0) == scalar(1))
        case .distinct:
            var seen: Set<Literal> = []
            for i in args.indices {
                if !seen.insert(try scalar(i)).inserted { return bool(false) }
            }
            return bool(true)
        case .add: return try fold(&+)
        case .sub: return try fold(&-)
        case .mul: return try fold(&*)
        case .neg: return word(0 &- (try bits(0)))
        case .band: return try fold(&)
        case .bor: return try fold(|)
        case .bxor: return try fold(^)
        case .bnot: return word(~(try bits(0)))
        case .shl:
            let by = try bits(1)
            return word(by >= UInt64(width) ? 0 : try bits(0) << by)
        case .lshr:
            let by = try bits(1)
            return word(by >= UInt64(width) ? 0 : try bits(0) >> by)
        case .ule: return bool(try bits(0) <= bits(1))
        case .ult: return bool(try bits(0) < bits(1))
        case .uge: return bool(try bits(0) >= bits(1))
        case .ugt: return bool(try bits(0) > bits(1))
        case .concat(let low): return word(try bits(0) << UInt64(low) | bits(1))
        case .extract(_, let low): return word(try bits(0) >> UInt64(low))
        case .zeroExtend: return word(try bits(0))
        case .select: return .scalar(try read(array(0), at: bits(1)))
        case .store: return .array(.store(try array(0), try bits(1), try scalar(2)))
        case .constArray: return .array(.table(FiniteArray(fill: try scalar(0), entries: [:])))
        }
    }
}
