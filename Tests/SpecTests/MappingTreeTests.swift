import Testing
@testable import Spec

/// Memory mappings as a derivation tree (MappingTree.swift `mapPage`, `revoke`,
/// `downgrade`, `performUnmap`; kernel-api §4.4–§4.7, §5.1).
@Suite struct MappingTreeTests {
    /// Four tasks A, B, C, D; thread `a` in A holds caps to all four (slots 0–3).
    /// A maps frame 0 at page 0 and frame 1 at page 1 from sigma0 with RWX.
    struct World {
        var s: KernelState
        let A: TaskID, B: TaskID, C: TaskID, D: TaskID
        let a: ThreadID
    }

    static func world() -> World {
        var sb = SystemBuilder()
        let A = sb.task(), B = sb.task(), C = sb.task(), D = sb.task()
        let a = sb.thread(in: A)
        for (i, t) in [A, B, C, D].enumerated() { sb.cap(.task(t), in: A, at: i) }
        sb.page(A, 0, frame: 0)
        sb.page(A, 1, frame: 1)
        return World(s: sb.state, A: A, B: B, C: C, D: D, a: a)
    }

    /// Node index of (task, page) in the flat page table.
    static func node(_ t: TaskID, _ p: Int) -> UInt8 { UInt8(t.index * Capacity.pagesPerTask + p) }

    @Test func mapPage_rightsAreSourceIntersectMask() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [.r, .w]), to: 2)) == .success)
        let e = w.s.page(w.B, 2)
        #expect(e.frame == 0)
        #expect(e.rights == [.r, .w])
        #expect(e.parent == Self.node(w.A, 0))
        #expect(w.s.page(w.A, 0).rights == .all)
        expectWellFormed(w.s)
    }

    @Test func mapPage_fromHoleOrWithNoRights_mapsNothing() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(2), to: 0)) == .success)
        #expect(!w.s.page(w.B, 0).isMapped)
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 1, .mem(0), to: 0)) == .success)  // B has no page 0 to give
        #expect(w.s.page(w.A, 0).isMapped)
        #expect(!w.s.page(w.B, 0).isMapped)
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, []), to: 0)) == .success)
        #expect(!w.s.page(w.B, 0).isMapped)
        expectWellFormed(w.s)
    }

    @Test func mapPage_order1_mapsTwoPagesAtTheAlignedHotSpot() {
        var w = Self.world()
        // fpage base 1 order 1 → pages 0–1; send base 3 aligned down to 2 → pages 2–3.
        #expect(w.s.invoke(as: w.a, .taskMap(dst: .s(1), src: .s(0), item: .mem(1, .all), order: 1, sndBase: 3)) == .success)
        #expect(w.s.page(w.B, 2).frame == 0)
        #expect(w.s.page(w.B, 3).frame == 1)
        #expect(!w.s.page(w.B, 0).isMapped)
        expectWellFormed(w.s)
    }

    // MARK: - Overmap rules (kernel-api §4.6)

    @Test func remap_fromDirectParent_orsRights_neverLowers() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [.r]), to: 0)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 2, src: 1, .mem(0, [.r]), to: 0)) == .success)  // a grandchild
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [.r, .w]), to: 0)) == .success)
        #expect(w.s.page(w.B, 0).rights == [.r, .w])
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [.x]), to: 0)) == .success)
        #expect(w.s.page(w.B, 0).rights == [.r, .w, .x])
        // Re-mapping with fewer rights does not reduce them, and the subtree stays.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [.r]), to: 0)) == .success)
        #expect(w.s.page(w.B, 0).rights == .all)
        #expect(w.s.page(w.B, 0).parent == Self.node(w.A, 0))
        #expect(w.s.page(w.C, 0).parent == Self.node(w.B, 0))
        expectWellFormed(w.s)
    }

    @Test func remap_fromAnotherSource_replacesTheMappingAndItsSubtree() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, .all), to: 0)) == .success)   // B:0 ← A:0
        #expect(w.s.invoke(as: w.a, .map(dst: 2, src: 1, .mem(0, .all), to: 0)) == .success)   // C:0 ← B:0
        #expect(w.s.invoke(as: w.a, .map(dst: 3, src: 0, .mem(0, [.r]), to: 0)) == .success)   // D:0 ← A:0 (a sibling of B:0)
        // Rule 3: mapping the sibling D:0 onto B:0 replaces B:0 (rights may shrink) and revokes C:0.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 3, .mem(0, .all), to: 0)) == .success)
        #expect(w.s.page(w.B, 0).rights == [.r])
        #expect(w.s.page(w.B, 0).parent == Self.node(w.D, 0))
        #expect(!w.s.page(w.C, 0).isMapped)
        // Another frame over an existing mapping: replaced as well.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(1, [.r, .x]), to: 0)) == .success)
        #expect(w.s.page(w.B, 0).frame == 1)
        #expect(w.s.page(w.B, 0).rights == [.r, .x])
        #expect(w.s.page(w.B, 0).parent == Self.node(w.A, 1))
        expectWellFormed(w.s)
    }

    @Test func map_ontoItsSource_unmapsItAndMapsNothing() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, .all), to: 0)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .mem(0, .all), to: 0)) == .success)
        #expect(!w.s.page(w.A, 0).isMapped)
        #expect(!w.s.page(w.B, 0).isMapped)                  // recursively
        #expect(w.s.page(w.A, 1).isMapped)
        expectWellFormed(w.s)
    }

    @Test func map_ontoAnAncestor_unmapsTheAncestorsSubtree() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, .all), to: 0)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 2, src: 1, .mem(0, .all), to: 0)) == .success)
        // Map C:0 (a grandchild) back to A:0: A:0 and everything below it goes.
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 2, .mem(0, .all), to: 0)) == .success)
        #expect(!w.s.page(w.A, 0).isMapped)
        #expect(!w.s.page(w.B, 0).isMapped)
        #expect(!w.s.page(w.C, 0).isMapped)
        expectWellFormed(w.s)
    }

    // MARK: - Grant (kernel-api §4.7)

    @Test func grant_movesTheMapping_childrenMoveAlong() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, .all), to: 0)) == .success)   // B:0 ← A:0
        #expect(w.s.invoke(as: w.a, .map(dst: 2, src: 1, .mem(0, [.r]), to: 0)) == .success)   // C:0 ← B:0
        #expect(w.s.invoke(as: w.a, .map(dst: 3, src: 1, .mem(0, [.r, .w], grant: true), to: 2)) == .success)  // D:2 ⇐ B:0
        #expect(!w.s.page(w.B, 0).isMapped)
        let d = w.s.page(w.D, 2)
        #expect(d.frame == 0)
        #expect(d.rights == [.r, .w])
        #expect(d.parent == Self.node(w.A, 0))               // takes the source's place in the tree
        #expect(w.s.page(w.C, 0).parent == Self.node(w.D, 2))
        expectWellFormed(w.s)
    }

    @Test func grant_withNoResultingRights_doesNothingOnEitherSide() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, [], grant: true), to: 0)) == .success)
        #expect(w.s.page(w.A, 0).rights == .all)
        #expect(!w.s.page(w.B, 0).isMapped)
        // Objects alike: a grant whose rights lack R keeps the source.
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .obj(1, [.w, .s], grant: true), to: 0)) == .success)
        #expect(w.s.slot(w.A, 1).ref == .task(w.B))
        #expect(w.s.slot(w.B, 0).isEmpty)
        expectWellFormed(w.s)
    }

    @Test func grant_ofARootMapping_staysARoot() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(1, .all, grant: true), to: 3)) == .success)
        #expect(!w.s.page(w.A, 1).isMapped)
        #expect(w.s.page(w.B, 3).frame == 1)
        #expect(w.s.page(w.B, 3).parent == 0xFF)
        expectWellFormed(w.s)
    }

    // MARK: - Unmap (kernel-api §5.1)

    /// A:0 → B:0 → C:0 → D:0.
    static func chain() -> World {
        var w = world()
        _ = w.s.invoke(as: w.a, .map(dst: 1, src: 0, .mem(0, .all), to: 0))
        _ = w.s.invoke(as: w.a, .map(dst: 2, src: 1, .mem(0, .all), to: 0))
        _ = w.s.invoke(as: w.a, .map(dst: 3, src: 2, .mem(0, [.r, .w]), to: 0))
        return w
    }

    @Test func unmap_revokesThreeLevelsDeep_keepsOwnMapping() {
        var w = Self.chain()
        #expect(w.s.page(w.D, 0).isMapped)
        #expect(w.s.invoke(as: w.a, .unmapMem(task: 0, 0, rights: .all, scope: .otherSpaces)) == .success)
        #expect(w.s.page(w.A, 0).rights == .all)
        #expect(!w.s.page(w.B, 0).isMapped)
        #expect(!w.s.page(w.C, 0).isMapped)
        #expect(!w.s.page(w.D, 0).isMapped)
        expectWellFormed(w.s)
    }

    @Test func unmap_allSpaces_removesOwnMappingToo() {
        var w = Self.chain()
        #expect(w.s.invoke(as: w.a, .unmapMem(task: 1, 0, rights: [.r], scope: .allSpaces)) == .success)
        #expect(w.s.page(w.A, 0).isMapped)
        #expect(!w.s.page(w.B, 0).isMapped)
        #expect(!w.s.page(w.C, 0).isMapped)
        #expect(!w.s.page(w.D, 0).isMapped)
        expectWellFormed(w.s)
    }

    @Test func unmap_WOnly_downgradesDescendants_keepsTheTree() {
        var w = Self.chain()
        #expect(w.s.invoke(as: w.a, .unmapMem(task: 0, 0, rights: [.w], scope: .otherSpaces)) == .success)
        #expect(w.s.page(w.A, 0).rights == .all)             // own mapping kept with OTHER_SPACES
        #expect(w.s.page(w.B, 0).rights == [.r, .x])
        #expect(w.s.page(w.C, 0).rights == [.r, .x])
        #expect(w.s.page(w.D, 0).rights == [.r])
        #expect(w.s.page(w.D, 0).parent == Self.node(w.C, 0))
        #expect(w.s.invoke(as: w.a, .unmapMem(task: 1, 0, rights: [.x], scope: .allSpaces)) == .success)
        #expect(w.s.page(w.B, 0).rights == [.r])
        #expect(w.s.page(w.C, 0).rights == [.r])
        #expect(w.s.page(w.A, 0).rights == .all)
        expectWellFormed(w.s)
    }

    @Test func unmap_unmappedPage_isNoOp() {
        var w = Self.world()
        let before = w.s
        #expect(w.s.invoke(as: w.a, .unmapMem(task: 0, 3, rights: .all, scope: .allSpaces)) == .success)
        #expect(equalTables(w.s.pages, before.pages))
        expectWellFormed(w.s)
    }
}
