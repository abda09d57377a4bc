/// Kernel-memory accounts (kernel-api §3.4 `Ram_quota`, §8): every object is
/// charged, in bytes, to the factory it was created from; a child factory
/// reserves `size + limit` from its parent up front; only the root is
/// unlimited. A deleted factory stops allocating at once, but its account
/// lives until everything charged to it is freed, then returns its
/// reservation to the parent.
extension Kernel {
    /// Kernel memory an object of `kind` costs.
    func cost(_ kind: ObjectKind) -> UInt64 { config.objectSizes.size(of: kind) }

    /// Charges `amount` bytes to account `f`; false when the account is full or
    /// no longer live (a deleted factory cannot allocate, §3.4).
    mutating func charge(_ f: Int?, _ amount: UInt64) -> Bool {
        guard let f, factories.indices.contains(f), factories[f].header.life == .live else { return false }
        let (sum, overflow) = factories[f].used.addingReportingOverflow(amount)
        if overflow { return false }
        if let limit = factories[f].limit, sum > limit { return false }
        factories[f].used = sum
        return true
    }

    /// Returns `amount` bytes to account `f` (live or zombie).
    mutating func refund(_ f: Int?, _ amount: UInt64) {
        guard let f, factories.indices.contains(f), factories[f].header.life != .free else { return }
        factories[f].used -= min(amount, factories[f].used)
        releaseFactoryIfDrained(f)
    }

    /// A deleted factory whose account is empty frees itself and gives its
    /// reservation back to its parent (§3.4 last paragraph).
    mutating func releaseFactoryIfDrained(_ f: Int) {
        let acc = factories[f]
        guard acc.header.life == .zombie, acc.used == 0 else { return }
        let reservation = cost(.factory) &+ (acc.limit ?? 0)
        factories[f] = FactoryObject()
        refund(acc.header.account, reservation)
    }
}
