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

    /// Spec side: thread → message.
    static func spec(before: KernelState, after: KernelState, result: StepResult, invocation: Invocation?) -> [ObjectRef: ReceivedMessage] {
        var out: [ObjectRef: ReceivedMessage] = [:]
        func message(_ t: ThreadID) -> ReceivedMessage { ReceivedMessage(words: after.receivedWords(t), label: after.thread(t).rcvLabel) }
        if let a = result.actor, actorReceives(invocation), case .ok = result.outcome { out[.thread(a)] = message(a) }
        for i in 0..<Capacity.threads where ThreadID(i) != result.actor {
            let b = before.thread(ThreadID(i)), x = after.thread(ThreadID(i))
            // A receive ends in `receiving` whatever the thread staged before
            // (after `reply_and_wait` the spec still says `send`).
            let waiting = b.state == .receiving ? b.pending != .pageFault
                : (b.state == .onGate || b.state == .sending) && (b.pending == .call || b.pending == .receive)
            guard b.life != .free, waiting, x.state == .ready, !x.isDying, after.lastResult(ThreadID(i)) == .success else { continue }
            out[.thread(ThreadID(i))] = message(ThreadID(i))
        }
        return out
    }

    /// What the implementation's threads looked like before the step.
    struct Snapshot {
        var threads: [Int: (state: ThreadStateView, pending: PendingView)] = [:]
        init(_ k: Kernel) {
            for i in k.objects(.thread) {
                if let v = k.threadView(i) { threads[i] = (v.state, v.pending) }
            }
        }
    }

    /// Implementation side: implementation thread index → message.
    static func impl(before: Snapshot, after k: Kernel, actor: Int?, actorOutcome: Outcome?, invocation: Invocation?) -> [Int: ImplMessage] {
        var out: [Int: ImplMessage] = [:]
        if let a = actor, actorReceives(invocation), case .ok? = actorOutcome, let v = k.threadView(a) {
            out[a] = ImplMessage(registers: v.registers, utcb: v.utcb)
        }
        for (i, b) in before.threads where i != actor {
            let waiting: Bool
            switch b.state {
            case .receiving: waiting = b.pending != .pageFault
            case .sending, .blockedOnGate: waiting = [.call, .receive, .sendAndWait].contains(b.pending)
            case .dead, .ready: waiting = false
            }
            guard waiting, let v = k.threadView(i), v.state == .ready, !v.dying, v.lastOutcome == .success else { continue }
            out[i] = ImplMessage(registers: v.registers, utcb: v.utcb)
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
