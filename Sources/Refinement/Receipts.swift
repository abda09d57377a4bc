import KernelImpl
import Spec

/// Which threads received a message in one step, on each side, and what.
/// A message is compared when it is delivered, the way user code reads it
/// right after its receive returns; later system calls overwrite the
/// implementation's registers, while the spec keeps "the last message".
///
/// A thread received a message in a step when
/// * it acted with a receive-type operation (`ipc.receive`, `ipc.wait`,
///   `ipc.reply_and_wait`, `irq.receive`) and the result is `ok`, or
/// * it was blocked in a receive phase (or in a call, or a receive-only
///   invocation waiting on an unbound gate) before the step and is ready,
///   not dying, with result `ok` after it (kernel-api §6.3).
/// Page-fault IPC is excluded on purpose: its reply lands in a kernel frame
/// and the faulting thread's MRs are restored (§6.6 "saved and restored"),
/// while the spec writes the reply into the thread's message registers.
enum Receipts {
    static func actorReceives(_ inv: Invocation?) -> Bool {
        switch inv {
        case .ipcReceive?, .ipcWait?, .ipcReplyAndWait?, .irqReceive?: true
        default: false
        }
    }

    /// Spec side: thread → message, in thread order (usually none or one).
    static func spec(before: KernelState, after: KernelState, result: StepResult, invocation: Invocation?) -> [(ObjectRef, ReceivedMessage)] {
        var out: [(ObjectRef, ReceivedMessage)] = []
        func message(_ t: ThreadID) -> ReceivedMessage { ReceivedMessage(words: after.receivedWords(t), label: after.thread(t).rcvLabel) }
        if let a = result.actor, actorReceives(invocation), case .ok = result.outcome { out.append((.thread(a), message(a))) }
        for i in 0..<Capacity.threads where ThreadID(i) != result.actor {
            let b = before.thread(ThreadID(i)), x = after.thread(ThreadID(i))
            // A receive ends in `receiving` whatever the thread staged before
            // (after `reply_and_wait` the spec still says `send`).
            let waiting = b.state == .receiving ? b.pending != .pageFault
                : (b.state == .onGate || b.state == .sending) && (b.pending == .call || b.pending == .receive)
            guard b.life != .free, waiting, x.state == .ready, !x.isDying, after.lastResult(ThreadID(i)) == .success else { continue }
            out.append((.thread(ThreadID(i)), message(ThreadID(i))))
        }
        return out
    }

    /// What the implementation's threads looked like before the step, by
    /// table index (nil: a free entry).
    struct Snapshot: Sendable {
        var threads: [(state: ThreadStateView, pending: PendingView)?] = []

        init() {}
        init(_ k: Kernel) { capture(k) }

        /// Refills the snapshot in place (the per-step path).
        mutating func capture(_ k: Kernel) {
            let n = k.capacity(of: .thread)
            if threads.count != n { threads = Array(repeating: nil, count: n) }
            for i in 0..<n { threads[i] = k.waitState(of: i) }
        }
    }

    /// Implementation side: implementation thread index → message, in index order.
    static func impl(before: Snapshot, after k: Kernel, actor: Int?, actorOutcome: Outcome?, invocation: Invocation?) -> [(Int, ImplMessage)] {
        var out: [(Int, ImplMessage)] = []
        if let a = actor, actorReceives(invocation), case .ok? = actorOutcome, let v = k.threadView(a) {
            out.append((a, ImplMessage(registers: v.registers, utcb: v.utcb)))
        }
        for (i, entry) in before.threads.enumerated() where i != actor {
            guard let b = entry else { continue }
            let waiting: Bool
            switch b.state {
            case .receiving: waiting = b.pending != .pageFault
            case .sending, .blockedOnGate: waiting = b.pending == .call || b.pending == .receive || b.pending == .sendAndWait
            case .dead, .ready: waiting = false
            }
            guard waiting, k.waitState(of: i)?.state == .ready, let v = k.threadView(i), v.state == .ready, !v.dying, v.lastOutcome == .success else { continue }
            out.append((i, ImplMessage(registers: v.registers, utcb: v.utcb)))
        }
        return out
    }

    static func blocked(_ s: ThreadStateView) -> Bool {
        switch s {
        case .receiving, .blockedOnGate, .sending: true
        case .dead, .ready: false
        }
    }
}
