/// Thread objects (kernel-api §3.2): control, ex_regs, and the page-fault IPC
/// the kernel makes on a thread's behalf (§6.6).
extension KernelState {
    // MARK: - control (op 0)

    struct ControlRequest {
        var thread: ThreadID
        var pager: SlotIndex?
        var excHandler: SlotIndex?
        var bindTask: TaskID?
    }

    /// S on the thread (`-EPERM`); binding needs a task item (`-EINVAL`) with S
    /// (`-EPERM`), and is one-shot (already bound → `-EINVAL`).
    func decodeControl(_ t: ThreadID, rights: CapRights, pager: SlotIndex?, excHandler: SlotIndex?, bindTask: SlotIndex?, by caller: ThreadID) throws(SyscallError) -> ControlRequest {
        guard rights.contains(.s) else { throw .l4(.eperm) }
        var task: TaskID?
        if let bindTask {
            let (k, kr) = try objectArgument(bindTask, of: .task, by: caller)
            guard kr.contains(.s) else { throw .l4(.eperm) }
            guard threads[t.index].task == noID else { throw .l4(.einval) }
            task = TaskID(Int(k))
        }
        return ControlRequest(thread: t, pager: pager, excHandler: excHandler, bindTask: task)
    }

    /// Pager and exception handler are stored as indices, resolved at fault time.
    mutating func performControl(_ req: ControlRequest) {
        if let p = req.pager { threads[req.thread.index].pager = p.raw }
        if let e = req.excHandler { threads[req.thread.index].excHandler = e.raw }
        if let k = req.bindTask { threads[req.thread.index].task = k.raw }
    }

    // MARK: - ex_regs (op 1)

    /// No right is checked. A dead thread is resurrected (CANCEL ignored);
    /// otherwise CANCEL aborts the IPC it is blocked in (SECANCELED/RECANCELED).
    mutating func performExRegs(_ t: ThreadID, cancel: Bool) {
        let rec = threads[t.index]
        guard rec.life == .live, !rec.isDying else { return }
        if rec.state == .dead {
            clearStaged(t)
            wake(t)
            return
        }
        if cancel, let o = cancelIpc(t) { finish(t, o) }
    }

    // MARK: - Page faults (kernel-api §6.6)

    /// The current thread touches a page. A present mapping with the needed
    /// rights is a plain access. Otherwise the kernel calls the pager named by
    /// the thread's pager index (label -2, words: page and access type, receive
    /// window = the faulting page). An empty pager slot kills the thread.
    mutating func memoryAccess(_ t: ThreadID, page: PageIndex, write: Bool) -> Outcome {
        let task = threads[t.index].task
        if task != noID {
            let entry = self.page(TaskID(Int(task)), page)
            if entry.isMapped && entry.rights.contains(write ? .w : .r) { return .success }
        }
        let pagerIndex = threads[t.index].pager
        guard pagerIndex != noID, let cap = lookup(.slot(SlotIndex(Int(pagerIndex))), by: t),
              cap.ref.kind == .thread || cap.ref.kind == .gate else {
            halt(t)
            return .killed
        }
        let fault = Message(words: [UInt16(page.raw), write ? 1 : 0], label: Protocol.pageFault)
        stage(t, fault, rights: cap.rights, pending: .pageFault, receive: .never, buffer: .memory(page))
        threads[t.index].faultAccess = write ? 2 : 1
        let o: Outcome
        switch cap.ref.kind {
        case .gate: o = invokeGate(t, GateID(Int(cap.ref.index)), rights: cap.rights, sendTimeout: .never)
        default: o = sendPhase(t, to: ThreadID(Int(cap.ref.index)), timeout: .never)
        }
        // A send-phase ENOT_EXISTENT leaves the fault unresolved: it becomes an
        // exception. Exception IPC is not modelled (§13 row 49, later); without
        // a handler the thread calls itself and blocks forever, which the spec
        // uses in both cases.
        if o == .ipc(.enotExistent) {
            blockOnSelf(t)
            return .blocked
        }
        return o
    }

    /// kernel-api §6.6 — when the fault IPC ends, the access is retried: a normal
    /// reply or any other IPC error counts as handled; if the page is still
    /// missing, the thread faults again at once.
    /// Whether a thread's next run is the retry of a faulting access (`faultAccess` 3 or 4).
    func hasFaultRetry(_ t: ThreadID) -> Bool { threads[t.index].faultAccess >= 3 }

    mutating func retryFault(_ t: ThreadID) -> Outcome {
        let write = threads[t.index].faultAccess == 4
        guard case .memory(let page) = ReceiveBuffer(encoded: threads[t.index].rcvBuf) else {
            threads[t.index].faultAccess = 0
            return .faultRetried
        }
        threads[t.index].faultAccess = 0
        threads[t.index].rcvBuf = noID
        let o = memoryAccess(t, page: page, write: write)
        if o != .blocked {
            threads[t.index].pending = .none
            threads[t.index].rcvBuf = noID
            threads[t.index].faultAccess = 0
            clearStaged(t)
            if threads[t.index].state != .dead { record(t, o) }
        }
        return .faultRetried
    }

    /// The thread waits on itself forever (only ex_regs cancel or deletion end it).
    mutating func blockOnSelf(_ t: ThreadID) {
        clearStaged(t)
        threads[t.index].faultAccess = 0
        threads[t.index].rcvBuf = noID
        threads[t.index].state = .receiving
        threads[t.index].partner = t.raw
        threads[t.index].pending = .receive
        unlistReady(t)
    }

    /// The kernel kills a thread it cannot continue (no pager): it becomes dead,
    /// as in `do_kill`, but the object stays (kernel-api §6.6, §5.4 last row).
    mutating func halt(_ t: ThreadID) {
        // Dead first: a released sender that retries (a page fault to this
        // thread as its pager) must find it gone, not queue at it again.
        threads[t.index].state = .dead
        unlistReady(t)
        releaseSendersAndReplySlot(t)
        clearStaged(t)
        threads[t.index].pending = .none
        threads[t.index].faultAccess = 0
        record(t, .killed)
        // Killing runs `do_kill`, which unbinds the thread from its task (kernel-api §3.2).
        let task = threads[t.index].task
        threads[t.index].task = noID
        if task != noID { freeTaskIfUnreferenced(TaskID(Int(task))) }
    }
}

/// Kernel protocol labels (kernel-api §1), as 16-bit two's complement.
public enum Protocol {
    public static let irq: UInt16 = 0xFFFF            // -1
    public static let pageFault: UInt16 = 0xFFFE      // -2
    public static let kobject: UInt16 = 0xFFF6        // -10
    public static let task: UInt16 = 0xFFF5           // -11
    public static let thread: UInt16 = 0xFFF4         // -12
    public static let scheduler: UInt16 = 0xFFF2      // -14
    public static let factory: UInt16 = 0xFFF1        // -15
    public static let irqSender: UInt16 = 0xFFEE      // -18
}
