/// The mapping database for memory (kernel-api §5.1): one node per mapped
/// 4 KiB page, forming per-frame derivation trees whose roots are sigma0's
/// mappings. Nodes live in a fixed pool (arrays + free list); the per-task
/// page tables hold node numbers. Children are an intrusive sibling list.
/// Superpages are not modelled: a larger flexpage maps page by page.

struct MappingNode: Sendable {
    var inUse = false
    var task = 0
    var page = 0
    /// Physical frame number (address >> 12).
    var frame: UInt64 = 0
    /// Memory rights X 1, W 2, R 4 (kernel-api §4.1).
    var rights: UInt8 = 0
    var parent: Int?
    var firstChild: Int?
    var nextSibling: Int?
    var prevSibling: Int?
}

struct MappingDatabase: Sendable {
    var nodes: [MappingNode]
    /// Free nodes, linked through `nextSibling`.
    var freeHead: Int?
    /// Per task and page: the node mapping it.
    var pageTable: [Int?]
    let pagesPerTask: Int
    /// Seeded faults of revocation (`FaultInjection.swift`); empty in production.
    var faults = FaultSet()

    init(tasks: Int, pages: Int, nodes count: Int) {
        pagesPerTask = pages
        pageTable = Array(repeating: nil, count: tasks * pages)
        nodes = (0..<count).map { MappingNode(nextSibling: $0 + 1 < count ? $0 + 1 : nil) }
        freeHead = count > 0 ? 0 : nil
    }

    func pteIndex(_ task: Int, _ page: UInt64) -> Int? {
        guard page < UInt64(pagesPerTask), task >= 0, task * pagesPerTask < pageTable.count else { return nil }
        return task * pagesPerTask + Int(page)
    }

    /// The node mapping `page` of `task`, if any.
    func node(task: Int, page: UInt64) -> Int? { pteIndex(task, page).flatMap { pageTable[$0] } }

    // MARK: - Insertion

    /// Maps `page` of `task` (which must be unmapped) to `frame` as a child of
    /// `parent` (nil = a root, i.e. sigma0's own mapping). Nil when the pool is empty.
    mutating func insert(task: Int, page: UInt64, frame: UInt64, rights: UInt8, parent: Int?) -> Int? {
        guard let pte = pteIndex(task, page), pageTable[pte] == nil, let n = freeHead else { return nil }
        freeHead = nodes[n].nextSibling
        nodes[n] = MappingNode(inUse: true, task: task, page: Int(page), frame: frame, rights: rights, parent: parent)
        if let p = parent { linkChild(n, under: p) }
        pageTable[pte] = n
        return n
    }

    mutating func linkChild(_ n: Int, under p: Int) {
        nodes[n].parent = p
        nodes[n].prevSibling = nil
        nodes[n].nextSibling = nodes[p].firstChild
        if let f = nodes[p].firstChild { nodes[f].prevSibling = n }
        nodes[p].firstChild = n
    }

    mutating func unlinkFromParent(_ n: Int) {
        let x = nodes[n]
        if let s = x.prevSibling { nodes[s].nextSibling = x.nextSibling } else if let p = x.parent { nodes[p].firstChild = x.nextSibling }
        if let s = x.nextSibling { nodes[s].prevSibling = x.prevSibling }
        nodes[n].parent = nil
        nodes[n].prevSibling = nil
        nodes[n].nextSibling = nil
    }

    // MARK: - Queries

    /// True when `a` lies on the parent chain of `n` (strict ancestor).
    func isAncestor(_ a: Int, of n: Int) -> Bool {
        var p = nodes[n].parent
        var steps = 0
        while let q = p, steps < nodes.count {
            if q == a { return true }
            p = nodes[q].parent
            steps += 1
        }
        return false
    }

    /// The nodes strictly below `n`, in preorder (iterative, bounded by the pool).
    func descendants(of n: Int) -> [Int] {
        var out: [Int] = []
        var stack: [Int] = nodes[n].firstChild.map { [$0] } ?? []
        while let c = stack.popLast(), out.count < nodes.count {
            out.append(c)
            if let s = nodes[c].nextSibling { stack.append(s) }
            if let f = nodes[c].firstChild { stack.append(f) }
        }
        return out
    }

    // MARK: - Revocation (kernel-api §5.1)

    /// Removes every descendant of `n`, and `n` itself with `includingSelf`.
    /// Mappings are never split.
    mutating func revoke(_ n: Int, includingSelf: Bool) {
        let victims = faults.contains(.revokeForgetsGrandchildren) ? children(of: n) : descendants(of: n)
        nodes[n].firstChild = nil
        for v in victims { release(v) }
        if includingSelf {
            unlinkFromParent(n)
            release(n)
        }
    }

    /// Rights downgrade (W/X only): the tree stays (§5.1).
    mutating func downgrade(_ n: Int, removing rights: UInt8, includingSelf: Bool) {
        if !faults.contains(.downgradeSkipsDescendants) {
            for v in descendants(of: n) { nodes[v].rights &= ~rights }
        }
        if includingSelf { nodes[n].rights &= ~rights }
    }

    /// Returns a node to the pool and clears its page-table entry.
    private mutating func release(_ n: Int) {
        if let pte = pteIndex(nodes[n].task, UInt64(nodes[n].page)), pageTable[pte] == n { pageTable[pte] = nil }
        nodes[n] = MappingNode(nextSibling: freeHead)
        freeHead = n
    }

    // MARK: - Grant (kernel-api §4.7)

    /// Moves node `n` to (`task`, `page`), which must be unmapped: the node keeps
    /// its place in the tree, so its children now hang below the receiver.
    mutating func move(_ n: Int, toTask task: Int, page: UInt64, rights: UInt8) {
        guard let dst = pteIndex(task, page) else { return }
        if let src = pteIndex(nodes[n].task, UInt64(nodes[n].page)), pageTable[src] == n { pageTable[src] = nil }
        nodes[n].task = task
        nodes[n].page = Int(page)
        nodes[n].rights = rights
        pageTable[dst] = n
    }
}
