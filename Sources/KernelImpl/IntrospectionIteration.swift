/// Allocation-free iteration over the implementation state, for the
/// per-step abstraction of the refinement harness (DESIGN §8, issue 6
/// point 6): the same information as the views of `Introspection.swift`,
/// handed to a closure instead of collected into arrays.
extension Kernel {
    /// Entries of the object table of `kind` (free ones included).
    public func capacity(of kind: ObjectKind) -> Int { tableSize(kind) }

    /// Mapping-database node `n`, nil when it is not in use (a parent link
    /// names nodes by number).
    public func mapping(node n: Int) -> MappingView? {
        mdb.nodes.indices.contains(n) ? mappingView(n) : nil
    }

    /// Calls `body` on the senders queued at thread `t`, in order, without building a view.
    public func forEachSender(of t: Int, _ body: (SenderView) -> Void) {
        guard threads.indices.contains(t) else { return }
        var cur = threads[t].senders.head
        var n = 0
        while let c = cur, n <= threads.count + irqs.count {
            body(Self.view(c))
            cur = link(c).next
            n += 1
        }
    }

    /// Thread `t` without its register file, UTCB and sender list, which
    /// `threadView` copies: what the per-step abstraction reads.
    public func threadCore(_ t: Int) -> ThreadCoreView? {
        guard threads.indices.contains(t) else { return nil }
        // Field by field: `threads[t]` as a whole would copy the TCB.
        return ThreadCoreView(
            life: threads[t].header.life, state: Self.view(threads[t].state), dying: threads[t].dying, task: threads[t].task,
            pager: threads[t].pager == Tcb.noHandler ? nil : threads[t].pager,
            excHandler: threads[t].excHandler == Tcb.noHandler ? nil : threads[t].excHandler,
            priority: threads[t].prio, cpu: threads[t].cpu, replyTo: threads[t].reply?.caller, replyRights: threads[t].reply?.rights ?? 0,
            fault: threads[t].fault.map { FaultView(address: $0.address, write: $0.write) },
            retry: threads[t].retry.map { FaultView(address: $0.address, write: $0.write) },
            account: threads[t].header.account, countedCaps: threads[t].header.counted, lastOutcome: threads[t].lastOutcome)
    }

    /// The UTCB of thread `t` (nil beyond the table).
    public func utcb(of t: Int) -> Utcb? { threads.indices.contains(t) ? threads[t].utcb : nil }

    /// State and pending system call of thread `t` (nil for a free entry):
    /// what a harness needs to tell which threads a step woke.
    public func waitState(of t: Int) -> (state: ThreadStateView, pending: PendingView)? {
        guard threads.indices.contains(t), threads[t].header.life != .free else { return nil }
        return (Self.view(threads[t].state), Self.view(threads[t].ipc.op))
    }

    /// Calls `body` on the ready threads of `cpu` in scheduling order, without
    /// building a view (the per-step abstraction of the refinement harness).
    public func forEachReadyThread(cpu: Int, _ body: (Int) -> Void) {
        walkListed(cpu) { t in
            if threads[t].state == .ready { body(t) }
            return true
        }
    }
}

/// The scheduling and IPC state of a thread (`Kernel.threadCore`): the
/// part of `ThreadView` without registers, UTCB and queues.
public struct ThreadCoreView: Hashable, Sendable {
    public var life: Lifetime
    public var state: ThreadStateView
    public var dying: Bool
    public var task: Int?
    /// Pager / exception-handler capability index, nil = never set.
    public var pager: UInt64?
    public var excHandler: UInt64?
    public var priority: Int
    /// Home CPU, nil until `run_thread`.
    public var cpu: Int?
    /// Implicit reply slot: the caller and the W/S rights it called with.
    public var replyTo: Int?
    public var replyRights: UInt8
    /// The page fault in progress (address, write), if any.
    public var fault: FaultView?
    /// A handled fault whose access re-runs when the thread next runs.
    public var retry: FaultView?
    public var account: Int?
    public var countedCaps: Int
    /// Harness bookkeeping: what the last completed kernel entry returned.
    public var lastOutcome: KernelOutcome?
}
