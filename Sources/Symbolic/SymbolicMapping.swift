import SMT

/// One page's fields (`Spec.PageEntry`).
struct PageValue {
    var frame: Expr
    var rights: Expr
    var parent: Expr
    var rooted: Expr
}

/// Memory mappings as a derivation tree (kernel-api §4.4–§4.7, §5.1; Spec
/// MappingTree.swift). Recursion over the tree becomes one λ over the ghost
/// `ancestor` relation.
extension SymbolicKernel {
    public func validPage(_ s: SymbolicState, _ index: Expr) throws(SMTError) -> Expr { try index.ult(s.pageBound) }

    func page(_ s: SymbolicState, _ n: Expr) throws(SMTError) -> PageValue {
        PageValue(frame: try s.pageFrame.select(n), rights: try s.pageRights.select(n),
                  parent: try s.pageParent.select(n), rooted: try s.pageRooted.select(n))
    }
    public func isMapped(_ s: SymbolicState, _ n: Expr) throws(SMTError) -> Expr { try s.pageFrame.select(n).ne(v.none) }
    func isMapped(_ p: PageValue) throws(SMTError) -> Expr { try p.frame.ne(v.none) }
    func emptyPage() throws(SMTError) -> PageValue {
        PageValue(frame: try v.none, rights: try v.b8(0), parent: try v.b16(0), rooted: try v.truth(true))
    }
    func write(_ s: SymbolicState, page n: Expr, _ p: PageValue) throws(SMTError) -> SymbolicState {
        var r = s
        r.pageFrame = try s.pageFrame.store(n, p.frame)
        r.pageRights = try s.pageRights.store(n, p.rights)
        r.pageParent = try s.pageParent.store(n, p.parent)
        r.pageRooted = try s.pageRooted.store(n, p.rooted)
        return r
    }
    public func isAncestor(_ s: SymbolicState, _ a: Expr, of n: Expr) throws(SMTError) -> Expr { try s.ancestor.select(a.concat(n)) }
    /// `m` hangs directly below `n`.
    public func isChild(_ s: SymbolicState, _ m: Expr, of n: Expr) throws(SMTError) -> Expr {
        try s.pageRooted.select(m).not().and(s.pageParent.select(m).eq(n))
    }

    /// The nodes `revoke`/`downgrade` touch: the descendants of `n`, and `n`
    /// itself with ALL_SPACES.
    func affected(_ s: SymbolicState, _ n: Expr, _ m: Expr, includingSelf: Expr) throws(SMTError) -> Expr {
        if weakening.contains(.flatRevoke) { return try includingSelf.and(m.eq(n)) }
        return try isAncestor(s, n, of: m).and(isMapped(page(s, m))).or(includingSelf.and(m.eq(n)))
    }

    /// kernel-api §5.1 — recursive revocation. Nodes below a removed node are
    /// removed too, so the ghost only loses the removed nodes' entries.
    func revoke(_ s: SymbolicState, _ n: Expr, includingSelf: Expr) throws(SMTError) -> SymbolicState {
        let m = try v.bound("m", v.bv16), ctx = v.context
        let gone = try affected(s, n, m, includingSelf: includingSelf)
        let e = try emptyPage()
        var r = s
        r.pageFrame = try ctx.lambda([m], gone.ite(e.frame, s.pageFrame.select(m)))
        r.pageRights = try ctx.lambda([m], gone.ite(e.rights, s.pageRights.select(m)))
        r.pageParent = try ctx.lambda([m], gone.ite(e.parent, s.pageParent.select(m)))
        r.pageRooted = try ctx.lambda([m], gone.ite(e.rooted, s.pageRooted.select(m)))
        let pair = try v.bound("an", v.bv32)
        let target = try pair.extract(high: 15, low: 0)
        let targetGone = try affected(s, n, target, includingSelf: includingSelf)
        r.ancestor = try ctx.lambda([pair], targetGone.not().and(s.ancestor.select(pair)))
        return r
    }

    /// kernel-api §5.1 — W/X leave every descendant (and `n` with ALL_SPACES).
    func downgrade(_ s: SymbolicState, _ n: Expr, removing rights: Expr, includingSelf: Expr) throws(SMTError) -> SymbolicState {
        let m = try v.bound("m", v.bv16)
        let hit = try affected(s, n, m, includingSelf: includingSelf)
        var r = s
        r.pageRights = try v.context.lambda([m], hit.ite(s.pageRights.select(m).bvand(rights.bvnot()), s.pageRights.select(m)))
        return r
    }

    /// kernel-api §4.5–§4.7 — map (or grant) one page with the overmap rules of §4.6.
    func mapPage(_ s: SymbolicState, from st: Expr, _ sp: Expr, to dt: Expr, _ dp: Expr, mask: Expr, grant: Expr) throws(SMTError) -> SymbolicState {
        let srcN = try at(st, sp), dstN = try at(dt, dp)
        let src = try page(s, srcN), dst = try page(s, dstN)
        let rights = weakening.contains(.noRightsMask) ? src.rights : try src.rights.bvand(mask)
        let proceeds = try validPage(s, sp).and(validPage(s, dp), isMapped(src), rights.ne(v.b8(0)))
        let dstMapped = try isMapped(dst)
        // Rule 1: re-map from the direct parent only adds rights.
        let rule1 = try dstMapped.and(grant.not(), isChild(s, dstN, of: srcN), dst.frame.eq(src.frame))
        var widened = s
        widened.pageRights = try s.pageRights.store(dstN, dst.rights.bvor(rights))
        // Rule 2: the destination is the source or its ancestor: unmapped, nothing mapped.
        let rule2 = try dstMapped.and(dstN.eq(srcN).or(isAncestor(s, dstN, of: srcN)))
        // Rule 3 (or an empty destination): the old subtree goes, the new node comes.
        let cleared = try SymbolicState.ite(dstMapped, revoke(s, dstN, includingSelf: v.truth(true)), s)
        let placed = try SymbolicState.ite(grant, grantPage(cleared, srcN, dstN, rights), mapChild(cleared, srcN, dstN, rights))
        let mapped = try SymbolicState.ite(rule1, widened, SymbolicState.ite(rule2, cleared, placed))
        return try SymbolicState.ite(proceeds, mapped, s)
    }

    /// A new child of `srcN` at the (empty) node `dstN`.
    func mapChild(_ s: SymbolicState, _ srcN: Expr, _ dstN: Expr, _ rights: Expr) throws(SMTError) -> SymbolicState {
        var r = try write(s, page: dstN, PageValue(frame: s.pageFrame.select(srcN), rights: rights, parent: srcN, rooted: v.truth(false)))
        let pair = try v.bound("an", v.bv32)
        let a = try pair.extract(high: 31, low: 16), n = try pair.extract(high: 15, low: 0)
        let above = try a.eq(srcN).or(isAncestor(s, a, of: srcN))
        r.ancestor = try v.context.lambda([pair], n.eq(dstN).ite(above, s.ancestor.select(pair)))
        return r
    }

    /// kernel-api §4.7 — the new node replaces the source node: it takes the
    /// source's parent and children, and the source becomes empty.
    func grantPage(_ s: SymbolicState, _ srcN: Expr, _ dstN: Expr, _ rights: Expr) throws(SMTError) -> SymbolicState {
        let src = try page(s, srcN)
        var r = try write(s, page: dstN, PageValue(frame: src.frame, rights: rights, parent: src.parent, rooted: src.rooted))
        let m = try v.bound("m", v.bv16)
        let adopted = try isMapped(page(s, m)).and(isChild(s, m, of: srcN))
        r.pageParent = try v.context.lambda([m], adopted.ite(dstN, r.pageParent.select(m)))
        r = try write(r, page: srcN, emptyPage())
        let pair = try v.bound("an", v.bv32)
        let a = try pair.extract(high: 31, low: 16), n = try pair.extract(high: 15, low: 0)
        let a0 = try a.eq(dstN).ite(srcN, a), n0 = try n.eq(dstN).ite(srcN, n)
        let touchesSource = try a.eq(srcN).or(n.eq(srcN))
        r.ancestor = try v.context.lambda([pair], touchesSource.not().and(s.ancestor.select(a0.concat(n0))))
        return r
    }

    /// `l4_task_unmap` of one page (order 0): R revokes, W/X only downgrade.
    func unmapPage(_ s: SymbolicState, task: Expr, _ p: Expr, rights: Expr, allSpaces: Expr) throws(SMTError) -> SymbolicState {
        let n = try at(task, p)
        let applies = try validPage(s, p).and(isMapped(page(s, n)))
        let removed = try revoke(s, n, includingSelf: allSpaces)
        let lowered = try downgrade(s, n, removing: rights.bvand(v.b8(0x3)), includingSelf: allSpaces)
        return try SymbolicState.ite(applies, SymbolicState.ite(has(rights, 0x4), removed, lowered), s)
    }
}
