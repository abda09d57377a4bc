import CZ3

extension Solver {
    /// Sets Z3's random seed for this solver's next checks. Z3 4.8.12's
    /// run time on the noninterference queries is heavy-tailed: the same
    /// query takes 0.2 s or more than a minute depending on the terms made
    /// before it, and a restart with another seed and a short limit is
    /// the standard remedy.
    public func setRandomSeed(_ seed: UInt32) throws(SMTError) {
        let c = context.raw
        guard let params = Z3_mk_params(c) else { try context.check(); throw .wrapper("Z3 made no parameter set") }
        Z3_params_inc_ref(c, params)
        defer { Z3_params_dec_ref(c, params) }
        Z3_params_set_uint(c, params, context.symbol("random_seed"), seed)
        Z3_solver_set_params(c, raw, params)
        try context.check()
    }
}
