import Scenarios
import Spec

/// SCHED-1 … SCHED-6 (properties.md §1.7, §4, §8; kernel-api §3.5, §9).
enum SchedulingProperties {
    static let all: [CatalogueEntry] = [sched1, sched2, sched3, sched4, sched5, sched6]

    /// Structural soundness of the ready-list records (run before anything indexes by their entries).
    static func listStructure(_ s: KernelState) -> [String] {
        var out: [String] = []
        for c in 0..<Capacity.cpus {
            let l = s.ready[c]
            guard Int(l.count) <= Capacity.threads else {
                out.append("cpu\(c)'s ready list claims \(l.count) entries")
                continue
            }
            for i in 0..<Capacity.threads {
                let e = l.entries[i]
                if i < Int(l.count) {
                    if Int(e) >= Capacity.threads { out.append("cpu\(c)'s ready list entry \(i) is \(e), not a thread") }
                } else if e != absent {
                    out.append("cpu\(c)'s ready list keeps entry \(e) beyond its count")
                }
            }
            if c >= Int(s.config.cpuCount) && l.count > 0 { out.append("cpu\(c) is not present but lists threads") }
        }
        return out
    }

    /// Threads of a CPU's list at priority `p`, in list order.
    static func level(_ s: KernelState, cpu c: Int, prio p: UInt8) -> [ThreadID] {
        s.readyThreads(CPU(c)).filter { s.threads[$0.index].prio == p }
    }

    // MARK: - SCHED-1

    static let sched1 = CatalogueEntry(
        id: "SCHED-1",
        title: "Ready lists sound, complete and unique",
        requirement: """
            A CPU's ready list holds exactly the ready threads homed on that CPU, each once, sorted by priority \
            (highest first); a blocked or dead thread is in no list, no thread is in two lists, and absent CPUs list \
            nothing (kernel-api §9; l4v valid_queues, valid_blocked, ct_not_in_q).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's clause readyListsSound. Convention: the running thread is the head of its CPU's list (Fiasco), not outside it (seL4).",
            "A ready thread without a home CPU (resumed by ex_regs before any run_thread) is in no list and never runs; completeness applies to homed threads.",
            "No idle thread is modelled: an empty list means the CPU idles.",
        ],
        check: .state { s, ctx in
            let structure = listStructure(s)
            guard structure.isEmpty else { return structure }
            var out = Clause.run(["readyListsSound"], on: s)
            var seen = [Int?](repeating: nil, count: Capacity.threads)
            for c in 0..<Capacity.cpus {
                for t in s.readyThreads(CPU(c)) {
                    if let other = seen[t.index], other != c { out.append("\(ctx.threadName(t.index)) is listed on cpu\(other) and cpu\(c)") }
                    seen[t.index] = c
                }
            }
            return out
        })

    // MARK: - SCHED-2

    static let sched2 = CatalogueEntry(
        id: "SCHED-2",
        title: "The highest priority runs",
        requirement: """
            On every present CPU, current(c) — the head of its ready list — is a ready thread homed on c whose \
            priority is at least that of every ready thread homed on c; the CPU idles exactly when no thread homed on \
            it is ready (kernel-api §9; l4v choose_thread).
            """,
        kind: .stateInvariant,
        assumptions: ["States are observed at kernel exit (the spec's steps are atomic)."],
        check: .state { s, ctx in
            let structure = listStructure(s)
            guard structure.isEmpty else { return structure }
            var out: [String] = []
            for c in 0..<Int(s.config.cpuCount) {
                let homed = s.readyHomedOn(c)
                let cur = s.current(on: CPU(c))
                guard let top = homed.map({ s.threads[$0.index].prio }).max() else {
                    if let cur { out.append("cpu\(c) runs \(ctx.threadName(cur.index)) although no thread homed on it is ready") }
                    continue
                }
                guard let cur else {
                    out.append("cpu\(c) idles although \(homed.map { ctx.threadName($0.index) }.joined(separator: ", ")) is ready")
                    continue
                }
                let rec = s.threads[cur.index]
                if rec.state != .ready || Int(rec.cpu) != c || rec.life == .free {
                    out.append("cpu\(c) runs \(ctx.threadName(cur.index)), which is \(rec.state) on cpu \(rec.cpu)")
                } else if rec.prio < top {
                    let better = homed.first { s.threads[$0.index].prio == top }.map { ctx.threadName($0.index) } ?? "?"
                    out.append("cpu\(c) runs \(ctx.threadName(cur.index)) (priority \(rec.prio)) while \(better) (priority \(top)) is ready")
                }
            }
            return out
        })

    // MARK: - SCHED-3

    static let sched3 = CatalogueEntry(
        id: "SCHED-3",
        title: "Ready-list insertion and preemption rules",
        requirement: """
            In a step that is not a timer tick, a thread that becomes ready (or is re-placed by run_thread with a new \
            priority or CPU) is inserted at the front of its priority level, ahead of every thread already listed at \
            that level — so an equal-priority wake-up preempts the running thread; a timer tick moves the running \
            thread behind its equal-priority peers (kernel-api §6.5, §9; Fiasco Ready_queue::deblock, requeue).
            """,
        kind: .transition,
        assumptions: [
            "Threads placed in the same step are mutually unordered (each goes to the front when it is placed); the check compares each against the threads listed before the step and not re-placed. A thread killed in the step counts as placed: prepare_kill re-inserts it at the front for its deferred teardown (kernel-api §5.3).",
            "A tick that runs the deferred teardown of a dying thread, or the retry of a resolved page fault (kernel-api §6.6), rotates nothing; such a step is judged like any other step.",
        ],
        check: .transition { before, event, result, after, ctx in
            guard listStructure(before).isEmpty, listStructure(after).isEmpty else { return [] }
            var out: [String] = []
            for c in 0..<Capacity.cpus {
                let quantumTick = event.isQuantumTick(result)
                if !quantumTick && before.sameReadyList(c, after) { continue }
                let lb = before.readyThreads(CPU(c)), la = after.readyThreads(CPU(c))
                // Listed before at the same level and not re-placed in the step (a kill
                // re-inserts the victim at the front for its teardown, kernel-api §5.3).
                func wasListed(_ u: ThreadID) -> Bool {
                    lb.contains(u) && before.threads[u.index].prio == after.threads[u.index].prio
                        && (before.threads[u.index].isDying || !after.threads[u.index].isDying)
                }
                if quantumTick, case .tick(let cpu) = event {
                    guard cpu.index == c, let h = lb.first, !before.threads[h.index].isDying, let hi = la.firstIndex(of: h) else { continue }
                    let p = after.threads[h.index].prio
                    for (j, u) in la.enumerated() where u != h && after.threads[u.index].prio == p && wasListed(u) && j > hi {
                        out.append("the tick on cpu\(c) left \(ctx.threadName(h.index)) ahead of its peer \(ctx.threadName(u.index))")
                    }
                    continue
                }
                for (i, t) in la.enumerated() where !wasListed(t) {
                    let p = after.threads[t.index].prio
                    for (j, u) in la.enumerated() where j < i && u != t && after.threads[u.index].prio == p && wasListed(u) {
                        out.append("\(ctx.threadName(t.index)) became ready on cpu\(c) behind \(ctx.threadName(u.index)) of equal priority \(p) instead of at the front")
                    }
                }
            }
            return out
        })

    // MARK: - SCHED-4

    static let sched4 = CatalogueEntry(
        id: "SCHED-4",
        title: "Scheduling authority",
        requirement: """
            A thread's priority and home CPU change only through a successful scheduler.run_thread invoked on a \
            scheduler capability with a thread capability naming that thread, and then take exactly the requested \
            values; user priorities stay in 1 … 255 (kernel-api §3.5, §3.2).
            """,
        kind: .transition,
        assumptions: [
            "No donation of scheduling contexts is modelled, so run_thread is the only way.",
            "New threads start at priority 1 without a home CPU; freed thread records are not compared.",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            var target: (thread: Int, prio: UInt8, cpu: UInt8)?
            if let act = event.acting(before: before, result: result), result.outcome == .success,
               case .schedulerRunThread(let sc, let th, let prio, let cpu) = act.invocation,
               let c = before.resolve(sc, by: act.thread), c.ref.kind == .scheduler,
               let tc = before.resolveArgument(th, by: act.thread), tc.ref.kind == .thread {
                target = (Int(tc.ref.index), prio, cpu)
            }
            for x in 0..<Capacity.threads where before.threads[x].life != .free && after.threads[x].life != .free {
                let b = before.threads[x], a = after.threads[x]
                if b.prio != a.prio || b.cpu != a.cpu {
                    if let target, target.thread == x, a.prio == target.prio, a.cpu == target.cpu { continue }
                    out.append("\(ctx.threadName(x)) changed priority \(b.prio)→\(a.prio) / cpu \(b.cpu)→\(a.cpu) without a run_thread naming it")
                }
            }
            for x in 0..<Capacity.threads where after.threads[x].life != .free && after.threads[x].prio == 0 {
                out.append("\(ctx.threadName(x)) has priority 0, outside 1 … 255")
            }
            return out
        })

    // MARK: - SCHED-5

    static let sched5 = CatalogueEntry(
        id: "SCHED-5",
        title: "No starvation among equals",
        requirement: """
            A scenario thread that is ready on its CPU with no ready thread of strictly higher priority there \
            eventually runs, unless it stops being ready or a higher-priority thread becomes ready first, on every \
            run that is fair to timer ticks and to each CPU's running thread (kernel-api §9; properties.md §4.3).
            """,
        kind: .liveness,
        assumptions: [
            "Leads-to per scenario thread t: from 't ready, listed, not dying, no ready thread of higher priority on its CPU' to 't is current on its CPU, or t is no longer ready, or a ready thread of higher priority exists on its CPU'. Threads created at run time are not instantiated.",
            "Weak fairness of timer ticks and of each CPU's running thread (it eventually makes its next system call). Strict-priority starvation is allowed (properties.md §4.3), and hardware IRQ lines may fire at any time, so a higher-priority thread becoming ready ends the obligation instead of violating it.",
            "Every quantum ends at the next tick (the model has no quantum length).",
        ],
        check: .liveness(.init(shape: .leadsTo) { ctx in
            ctx.scenario.threads.map { beh in
                let t = beh.id.index
                @Sendable func higherReady(_ s: KernelState, _ cpu: UInt8, _ prio: UInt8) -> Bool {
                    s.readyHomedOn(Int(cpu)).contains { s.threads[$0.index].prio > prio }
                }
                @Sendable func waiting(_ s: KernelState) -> Bool {
                    guard t < Capacity.threads else { return false }
                    let r = s.threads[t]
                    return r.life == .live && !r.isDying && r.state == .ready && r.cpu < s.config.cpuCount
                        && s.isListed(ThreadID(t)) && !higherReady(s, r.cpu, r.prio)
                }
                let goal: @Sendable (KernelState) -> Bool = { s in
                    guard waiting(s) else { return true }
                    return s.current(on: CPU(Int(s.threads[t].cpu))) == ThreadID(t)
                }
                return (name: beh.name, when: waiting, goal: goal)
            }
        }))

    // MARK: - SCHED-6

    static let sched6 = CatalogueEntry(
        id: "SCHED-6",
        title: "Bounded waiting among equals",
        requirement: """
            While thread t waits at the highest non-empty priority level of its CPU, its position in that level is a \
            ranking function: every timer tick of its CPU moves it at least one place forward, and in any other step \
            only threads newly made ready (or re-placed by run_thread) may overtake it. With k threads at the level, \
            t therefore runs after at most k − 1 ticks plus one tick per wake-up of a peer while it waits \
            (kernel-api §9; properties.md §4.3 bounded waiting).
            """,
        kind: .transition,
        assumptions: [
            "Stated as the two-state ranking-function form of properties.md §4.3 rather than with a ghost wait counter: the spec's state has no counter, and the position argument gives the bound (k − 1 quanta plus the remainder) directly.",
            "Only steps in which the level of t is the highest non-empty level of its CPU before and after are constrained (higher priorities may starve t, as SCHED-5 allows).",
            "Fiasco puts woken peers at the front (SCHED-3), so each wake-up of a peer may overtake t once; the bound counts those wake-ups.",
            "A peer killed in the step moves to the front for its deferred teardown (kernel-api §5.3) and does not count as overtaking: its next event only tears it down.",
        ],
        check: .transition { before, event, result, after, ctx in
            guard listStructure(before).isEmpty, listStructure(after).isEmpty else { return [] }
            var out: [String] = []
            var replaced: Int?
            if let act = event.acting(before: before, result: result), case .schedulerRunThread(_, let th, _, _) = act.invocation,
               let tc = before.resolveArgument(th, by: act.thread), tc.ref.kind == .thread {
                replaced = Int(tc.ref.index)
            }
            let quantumTick = event.isQuantumTick(result)
            for c in 0..<Capacity.cpus {
                if !quantumTick && before.sameReadyList(c, after) { continue }
                let lb = before.readyThreads(CPU(c)), la = after.readyThreads(CPU(c))
                guard let headB = lb.first, let headA = la.first else { continue }
                let p = before.threads[headB.index].prio
                guard after.threads[headA.index].prio == p else { continue }
                let levelB = level(before, cpu: c, prio: p), levelA = level(after, cpu: c, prio: p)
                for (posB, t) in levelB.enumerated() where posB > 0 {
                    guard after.threads[t.index].prio == p, let posA = levelA.firstIndex(of: t) else { continue }
                    if quantumTick, case .tick(let cpu) = event, cpu.index == c {
                        // Threads the tick itself woke (senders released by a teardown) do not count.
                        let kept = levelA.filter { levelB.contains($0) }
                        if let k = kept.firstIndex(of: t), k >= posB {
                            out.append("a tick on cpu\(c) left waiting \(ctx.threadName(t.index)) at place \(k) of its level (was \(posB))")
                        }
                        continue
                    }
                    let aheadBefore = Set(levelB[..<posB])
                    // Killed threads go to the front for their teardown (kernel-api §5.3); they do not compete for quanta.
                    for u in levelA[..<posA] where !aheadBefore.contains(u) && levelB.contains(u) && u.index != replaced && !after.threads[u.index].isDying {
                        out.append("\(ctx.threadName(u.index)) overtook waiting \(ctx.threadName(t.index)) on cpu\(c) without being made ready")
                    }
                }
            }
            return out
        })
}
