import Scenarios
import Spec

/// Symmetry reduction for `KernelSystem` (DESIGN §5: interchangeable tasks of
/// the same role behind the explorer's `canonicalize` hook).
///
/// **What is renamed.** A *bundle* is a task with the threads bound to it at
/// boot (in id order) and the frames its pages map at boot (by page
/// position). A permutation of the bundles of one group renames task ids,
/// those thread ids and those frames together, everywhere the state names
/// them: slot and page rows, slots naming tasks or threads, page `parent`
/// nodes and frames, threads' `task`, `partner`, `queueNext`, `queueHead`,
/// `replyTo`, gates' `thread` and `waitHead`, Irqs' `thread` and
/// `queueNext`, the ready lists (order kept), the script counters and the
/// last step's actor. Threads move with their task because a thread's
/// identity is tied to the task it was bound to at boot: swapping tasks alone
/// maps no reachable state onto another reachable one.
///
/// **When tasks are interchangeable** (decided once per scenario, see
/// `init(scenario:)`): same policy domain (the checks compare authority per
/// domain), every thread bound to them at boot is an `any` thread (no script
/// counter, no script naming their slots), and the renaming fixes the boot
/// state byte for byte in every table except the ready lists (whose order is
/// the declaration order). The properties read the boot state only through
/// `BootFacts` (domains, islands, boot objects, boot counters), never its
/// ready lists, so a renaming that fixes the rest leaves every verdict
/// unchanged; the spec's rules are written in terms of the ids they are
/// given (queues and ready lists are explicit lists, deletion cascades run in
/// slot order inside one task), so `step` commutes with the renaming — which
/// `SymmetryTests` checks on random reachable states. The explorer may then
/// start from any member of the initial state's class (kernel-api §12: ids
/// are the model's, not the kernel's).
///
/// **Restriction: no object creation.** `Factory.freeEntry` allocates the
/// lowest free table entry (a modelling choice; the kernel has no visible
/// object ids, kernel-api §3.4). Once a renamed thread or task has been
/// freed, a new object may land in its entry, and which renamed entry it
/// lands in does not commute with the renaming; worse, the properties take a
/// re-created entry for the boot object (`BootFacts.isBootObject`), so the
/// verdict could differ between a state and its renaming. Scenarios in which
/// some boot slot names a factory therefore get no groups (no capability to a
/// factory can arise otherwise, so nothing is ever allocated).
///
/// **Dead fields.** A thread killed while blocked keeps its old `partner`
/// (a thread or gate id, no longer distinguishable) until its entry is
/// freed; no rule or check reads `partner` outside the sending, receiving
/// and gate-blocked states. The canonical form clears it, so that the
/// renaming is exact and equal states are equal bytes.
public struct KernelSymmetry: Sendable {
    /// One renaming of task ids, thread ids and frames.
    public struct Renaming: Sendable, BitwiseCopyable {
        public var task: InlineArray<4, UInt8>
        public var thread: InlineArray<6, UInt8>
        public var frame: InlineArray<16, UInt8>

        public static let identity = Renaming(task: InlineArray { UInt8($0) }, thread: InlineArray { UInt8($0) },
                                               frame: InlineArray { UInt8($0) })
    }

    /// One member of a group: a task with its boot threads and boot frames.
    struct Bundle: Sendable {
        var task: Int
        var threads: [Int]
        /// Frame mapped at each page position (`absentID` if none).
        var frames: [UInt8]
    }

    /// Interchangeable tasks, each group in id order, groups of two or more.
    public let groups: [[TaskID]]
    /// Every renaming of the product of the groups' symmetric groups but the identity.
    public let renamings: [Renaming]
    /// Why a scenario has no groups (nil when it has some).
    public let reason: String?

    public static let none = KernelSymmetry(groups: [], renamings: [], reason: "symmetry reduction is off")

    init(groups: [[TaskID]], renamings: [Renaming], reason: String?) {
        self.groups = groups
        self.renamings = renamings
        self.reason = reason
    }

    /// Finds the interchangeable tasks of a scenario (see the type's documentation).
    public init(scenario: Scenario) {
        let boot = scenario.initial
        guard Self.tableSizesMatch else {
            self.init(groups: [], renamings: [], reason: "the state's capacities changed; symmetry tables need updating")
            return
        }
        if Self.holdsFactoryCapability(boot) {
            self.init(groups: [], renamings: [], reason: "a task holds a factory capability: created objects reuse freed entries")
            return
        }
        let groups = Self.findGroups(Self.candidates(scenario), scenario)
        let renamings = Self.allRenamings(groups)
        // Transpositions with the first member generate each group; every
        // composite must fix the boot state too (checked, not assumed).
        guard let renamings, renamings.allSatisfy({ Self.fixesBoot($0, boot) }) else {
            self.init(groups: [], renamings: [], reason: "the candidate groups do not fix the boot state")
            return
        }
        self.init(groups: groups.map { $0.map { TaskID($0.task) } }, renamings: renamings,
                  reason: groups.isEmpty ? "no two tasks of one domain whose threads are all `any` and whose swap fixes the boot state" : nil)
    }

    // MARK: - Canonical form

    /// The least of the renamings of `s` (dead fields cleared first) in the
    /// order of `precedes`. Idempotent, and equal for every state of one class.
    /// No heap allocation; a renaming whose thread table already compares
    /// greater is dropped before the rest of the state is renamed.
    public func canonical(_ s: KernelSystem.State) -> KernelSystem.State {
        var base = s
        Self.clearDeadFields(&base.kernel)
        var best = base
        for r in renamings {
            let threads = r.threadTable(base.kernel)
            let c = Self.compareBytes(threads, best.kernel.threads)
            if c > 0 { continue }
            let candidate = r.apply(to: base, threads: threads)
            if c < 0 || Self.precedes(candidate, best) { best = candidate }
        }
        return best
    }

    /// Clears `partner` outside the states that read it (see the type's documentation).
    public static func clearDeadFields(_ k: inout KernelState) {
        for x in 0..<Capacity.threads where k.threads[x].partner != absentID {
            switch k.threads[x].state {
            case .sending, .receiving, .onGate: continue
            case .dead, .ready: k.threads[x].partner = absentID
            }
        }
    }

    /// A total order on states: the thread table's bytes (most renamings are
    /// decided there, see `canonical`), then the whole kernel state's, then the counters.
    public static func precedes(_ a: KernelSystem.State, _ b: KernelSystem.State) -> Bool {
        var c = compareBytes(a.kernel.threads, b.kernel.threads)
        if c == 0 { c = compareBytes(a.kernel, b.kernel) }
        return c != 0 ? c < 0 : compareBytes(a.pcs, b.pcs) < 0
    }

    /// Whether two states are equal (kernel state and counters; the last step's result aside).
    public static func same(_ a: KernelSystem.State, _ b: KernelSystem.State) -> Bool {
        compareBytes(a.kernel, b.kernel) == 0 && compareBytes(a.pcs, b.pcs) == 0
    }

    /// Lexicographic byte comparison of two values of a padding-free flat type
    /// (8 bytes at a time, big-endian so that the first differing byte decides).
    @inline(__always) static func compareBytes<T: BitwiseCopyable>(_ a: T, _ b: T) -> Int {
        withUnsafeBytes(of: a) { x in
            withUnsafeBytes(of: b) { y in
                var i = 0
                let n = x.count
                while i + 8 <= n {
                    let u = x.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
                    let v = y.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
                    if u != v { return u < v ? -1 : 1 }
                    i += 8
                }
                while i < n {
                    if x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                    i += 1
                }
                return 0
            }
        }
    }
}

/// The byte every id field of the flat state uses for "none" (Spec's `noID`).
let absentID: UInt8 = 0xFF

// MARK: - Finding the groups

extension KernelSymmetry {
    /// The fixed-size tables above assume these capacities.
    static var tableSizesMatch: Bool {
        Capacity.tasks == 4 && Capacity.threads == 6 && Capacity.frames == 16 && Capacity.pagesPerTask == 4
    }

    static func holdsFactoryCapability(_ s: KernelState) -> Bool {
        (0..<s.slots.count).contains { s.slots[$0].kindRaw == ObjectKind.factory.rawValue }
    }

    /// Live boot tasks whose bound threads are all `any` threads, as bundles.
    static func candidates(_ scenario: Scenario) -> [Bundle] {
        let s = scenario.initial
        var out: [Bundle] = []
        for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
            let threads = (0..<Capacity.threads).filter { s.threads[$0].life != .free && Int(s.threads[$0].task) == t }
            guard threads.allSatisfy({ scenario.behaviour(of: ThreadID($0)) == .any }) else { continue }
            let frames = (0..<Capacity.pagesPerTask).map { p in s.pages[t * Capacity.pagesPerTask + p].frame }
            out.append(Bundle(task: t, threads: threads, frames: frames))
        }
        return out
    }

    /// Groups each candidate with the later ones of the same role whose swap
    /// with it fixes the boot state (these transpositions generate the group).
    static func findGroups(_ bundles: [Bundle], _ scenario: Scenario) -> [[Bundle]] {
        var groups: [[Bundle]] = []
        var used = Set<Int>()
        for (i, a) in bundles.enumerated() where !used.contains(a.task) {
            var group = [a]
            for b in bundles[(i + 1)...] where !used.contains(b.task) && sameRole(a, b, scenario) {
                guard let r = renaming([[a, b]], [[1, 0]]), fixesBoot(r, scenario.initial) else { continue }
                group.append(b)
            }
            guard group.count > 1 else { continue }
            groups.append(group)
            for m in group { used.insert(m.task) }
        }
        return groups
    }

    /// Same policy domain and the same shape (the boot check does the rest).
    static func sameRole(_ a: Bundle, _ b: Bundle, _ scenario: Scenario) -> Bool {
        a.threads.count == b.threads.count
            && scenario.policy.domain(of: TaskID(a.task)) == scenario.policy.domain(of: TaskID(b.task))
            && zip(a.frames, b.frames).allSatisfy { ($0 == absentID) == ($1 == absentID) }
    }

    /// Whether the renaming maps the boot state onto itself, ready lists aside.
    static func fixesBoot(_ r: Renaming, _ boot: KernelState) -> Bool {
        var b = boot
        clearDeadFields(&b)
        var c = r.apply(to: b)
        c.ready = b.ready
        return compareBytes(c, b) == 0
    }

    /// The renaming that sends member `i` of each group to member `perm[i]`;
    /// nil if the frames do not form a permutation.
    static func renaming(_ groups: [[Bundle]], _ perms: [[Int]]) -> Renaming? {
        var r = Renaming.identity
        var assigned = [Bool](repeating: false, count: Capacity.frames)
        for (group, perm) in zip(groups, perms) {
            for (i, m) in group.enumerated() {
                let to = group[perm[i]]
                r.task[m.task] = UInt8(to.task)
                for (j, x) in m.threads.enumerated() { r.thread[x] = UInt8(to.threads[j]) }
                for (p, f) in m.frames.enumerated() where f != absentID {
                    let g = to.frames[p]
                    guard Int(f) < Capacity.frames, Int(g) < Capacity.frames else { return nil }
                    if assigned[Int(f)] && r.frame[Int(f)] != g { return nil }
                    assigned[Int(f)] = true
                    r.frame[Int(f)] = g
                }
            }
        }
        var image = Set<UInt8>()
        for f in 0..<Capacity.frames { image.insert(r.frame[f]) }
        return image.count == Capacity.frames ? r : nil
    }

    /// Every renaming of the product of the groups' symmetric groups except
    /// the identity (at most 4! = 24); nil if one is not a permutation.
    static func allRenamings(_ groups: [[Bundle]]) -> [Renaming]? {
        var combos: [[[Int]]] = [[]]
        for g in groups {
            combos = combos.flatMap { c in permutations(g.count).map { c + [$0] } }
        }
        var out: [Renaming] = []
        for c in combos where c.contains(where: { $0 != Array($0.indices) }) {
            guard let r = renaming(groups, c) else { return nil }
            out.append(r)
        }
        return out
    }

    /// The permutations of `0..<n` (each once, in a fixed order).
    static func permutations(_ n: Int) -> [[Int]] {
        guard n > 1 else { return [Array(0..<n)] }
        return permutations(n - 1).flatMap { p in (0...p.count).map { k in var q = p; q.insert(n - 1, at: k); return q } }
    }
}

// MARK: - Applying a renaming

extension KernelSymmetry.Renaming {
    @inline(__always) func taskID(_ v: UInt8) -> UInt8 { Int(v) < Capacity.tasks ? task[Int(v)] : v }
    @inline(__always) func threadID(_ v: UInt8) -> UInt8 { Int(v) < Capacity.threads ? thread[Int(v)] : v }
    @inline(__always) func frameID(_ v: UInt8) -> UInt8 { Int(v) < Capacity.frames ? frame[Int(v)] : v }
    /// A sender encoding: a thread id, or `0x80 | irq` (Irqs are not renamed).
    @inline(__always) func sender(_ v: UInt8) -> UInt8 { v & 0x80 != 0 ? v : threadID(v) }
    /// A mapping-tree node `task * pagesPerTask + page`.
    @inline(__always) func node(_ v: UInt8) -> UInt8 {
        let n = Int(v), per = Capacity.pagesPerTask
        return n < Capacity.tasks * per ? taskID(UInt8(n / per)) * UInt8(per) + UInt8(n % per) : v
    }

    func slot(_ s: Slot) -> Slot {
        var out = s
        if s.kindRaw == ObjectKind.task.rawValue { out.object = taskID(s.object) }
        if s.kindRaw == ObjectKind.thread.rawValue { out.object = threadID(s.object) }
        return out
    }

    func page(_ e: PageEntry) -> PageEntry {
        var out = e
        out.frame = frameID(e.frame)
        out.parent = node(e.parent)
        return out
    }

    /// A thread record's id fields; `partner` by what it names in each state
    /// (a gate id while blocked on a gate is not renamed).
    func threadRecord(_ r: ThreadRecord) -> ThreadRecord {
        var out = r
        out.task = taskID(r.task)
        switch r.state {
        case .sending: out.partner = threadID(r.partner)
        case .receiving: out.partner = sender(r.partner)
        case .onGate, .dead, .ready: break
        }
        out.queueNext = sender(r.queueNext)
        out.queueHead = sender(r.queueHead)
        out.replyTo = threadID(r.replyTo)
        return out
    }

    /// The renamed thread table: records move to their new ids, their id fields are renamed.
    public func threadTable(_ s: KernelState) -> ThreadTable {
        var out = s.threads
        for x in 0..<Capacity.threads { out[Int(thread[x])] = threadRecord(s.threads[x]) }
        return out
    }

    /// The renamed kernel state: rows move to their new task or thread, and
    /// every field naming a task, thread, node or frame is renamed.
    public func apply(to s: KernelState) -> KernelState { apply(to: s, threads: threadTable(s)) }

    /// `apply(to:)` with the renamed thread table already computed.
    func apply(to s: KernelState, threads: ThreadTable) -> KernelState {
        var out = s
        out.threads = threads
        let slotsPer = Capacity.slotsPerTask, pagesPer = Capacity.pagesPerTask
        for t in 0..<Capacity.tasks {
            let to = Int(task[t])
            out.tasks[to] = s.tasks[t]
            for k in 0..<slotsPer { out.slots[to * slotsPer + k] = slot(s.slots[t * slotsPer + k]) }
            for p in 0..<pagesPer { out.pages[to * pagesPer + p] = page(s.pages[t * pagesPer + p]) }
        }
        for g in 0..<Capacity.gates {
            out.gates[g].thread = threadID(s.gates[g].thread)
            out.gates[g].waitHead = threadID(s.gates[g].waitHead)
        }
        for i in 0..<Capacity.irqs {
            out.irqs[i].thread = threadID(s.irqs[i].thread)
            out.irqs[i].queueNext = sender(s.irqs[i].queueNext)
        }
        for c in 0..<Capacity.cpus {
            for k in 0..<Int(min(s.ready[c].count, UInt8(Capacity.threads))) { out.ready[c].entries[k] = threadID(s.ready[c].entries[k]) }
        }
        return out
    }

    /// The renamed explorer state: kernel, script counters and the last actor.
    public func apply(to s: KernelSystem.State) -> KernelSystem.State { apply(to: s, threads: threadTable(s.kernel)) }

    func apply(to s: KernelSystem.State, threads: ThreadTable) -> KernelSystem.State {
        var out = s
        out.kernel = apply(to: s.kernel, threads: threads)
        for x in 0..<Capacity.threads { out.pcs[Int(thread[x])] = s.pcs[x] }
        if let a = s.last?.actor { out.last?.actor = ThreadID(Int(threadID(a.raw))) }
        return out
    }
}
