import Testing
@testable import Spec

/// Fixed-priority scheduling (Scheduler.swift; kernel-api §3.5, §9).
@Suite struct SchedulerTests {
    /// One task holding caps to the scheduler (slot 0) and to every thread
    /// (slot 1 + i); threads are booted in the order of `prios`.
    struct World {
        var s: KernelState
        let T: TaskID
        let t: [ThreadID]
    }

    static func world(_ prios: [UInt8], cpus: Int = 1) -> World {
        var sb = SystemBuilder(cpus: cpus)
        let T = sb.task()
        let t = prios.map { sb.thread(in: T, prio: $0) }
        sb.cap(.scheduler, in: T, at: 0)
        for (i, x) in t.enumerated() { sb.cap(.thread(x), in: T, at: 1 + i) }
        return World(s: sb.state, T: T, t: t)
    }

    // MARK: - run_thread (kernel-api §3.5)

    @Test func runThread_errors() {
        var w = Self.world([1, 1])
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(2), prio: 0, cpu: 0)) == .error(.einval))
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(2), prio: 1, cpu: 1)) == .error(.einval))
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: nil, prio: 1, cpu: 0)) == .error(.einval))
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(6), prio: 1, cpu: 0)) == .error(.einval))
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(0), prio: 1, cpu: 0)) == .error(.einval))  // not a thread
        #expect(w.s.ready() == w.t)
        #expect(w.s.thread(w.t[1]).prio == 1)
        expectWellFormed(w.s)
    }

    @Test func runThread_onANonSchedulerCap_isEBADPROTO() {
        var w = Self.world([1])
        w.s.give(.task(w.T), to: w.T, at: 5)
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(5), thread: SlotIndex(1), prio: 3, cpu: 0)) == .error(.ebadproto))
        #expect(w.s.thread(w.t[0]).prio == 1)
        expectWellFormed(w.s)
    }

    @Test func runThread_needsNoRights() {
        var w = Self.world([1, 1])
        w.s.give(.scheduler, to: w.T, at: 5, rights: [.r])
        w.s.give(.thread(w.t[1]), to: w.T, at: 6, rights: [.r])
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(5), thread: SlotIndex(6), prio: 4, cpu: 0)) == .success)
        #expect(w.s.thread(w.t[1]).prio == 4)
        expectWellFormed(w.s)
    }

    @Test func runThread_putsAReadyThreadAtTheFrontOfItsLevel() {
        var w = Self.world([1, 1, 1])
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(3), prio: 1, cpu: 0)) == .success)
        #expect(w.s.ready() == [w.t[2], w.t[0], w.t[1]])
        expectWellFormed(w.s)
    }

    @Test func runThread_raisingAndLoweringPriority_reorders() {
        var w = Self.world([2, 1, 1])
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(3), prio: 5, cpu: 0)) == .success)
        #expect(w.s.ready() == [w.t[2], w.t[0], w.t[1]])
        #expect(w.s.invoke(as: w.t[2], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(3), prio: 1, cpu: 0)) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[2], w.t[1]])
        expectWellFormed(w.s)
    }

    @Test func runThread_migratesToAnotherCpu() {
        var w = Self.world([1, 1], cpus: 2)
        #expect(w.s.invoke(as: w.t[0], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(2), prio: 3, cpu: 1)) == .success)
        #expect(w.s.ready(0) == [w.t[0]])
        #expect(w.s.ready(1) == [w.t[1]])
        #expect(w.s.thread(w.t[1]).cpu == 1)
        // Each CPU runs its own head.
        #expect(w.s.invoke(as: w.t[1], .ipcSleep(timeout: .zero), cpu: 1) == .ipc(.retimeout))
        expectWellFormed(w.s)
    }

    @Test func runThread_onABlockedThread_changesOnlyItsParameters() {
        var w = Self.world([1, 1])
        #expect(w.s.invoke(as: w.t[0], .wait()) == .blocked)
        #expect(w.s.invoke(as: w.t[1], .schedulerRunThread(scheduler: .s(0), thread: SlotIndex(1), prio: 7, cpu: 0)) == .success)
        #expect(w.s.thread(w.t[0]).prio == 7)
        #expect(w.s.thread(w.t[0]).state == .receiving)
        #expect(w.s.ready() == [w.t[1]])
        // Woken later, it preempts at its new priority.
        #expect(w.s.invoke(as: w.t[1], .send(.s(1), [1])) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[1]])
        expectWellFormed(w.s)
    }

    // MARK: - Preemption on wake-up (kernel-api §6.5, §9)

    @Test func wake_equalPriority_preempts() {
        var w = Self.world([1, 1, 1])
        #expect(w.s.invoke(as: w.t[0], .wait()) == .blocked)
        #expect(w.s.ready() == [w.t[1], w.t[2]])
        #expect(w.s.invoke(as: w.t[1], .send(.s(1), [1])) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[1], w.t[2]])     // the woken thread runs; the sender is next
        expectWellFormed(w.s)
    }

    @Test func wake_lowerPriority_doesNotPreempt_butGoesToTheFrontOfItsLevel() {
        var w = Self.world([2, 1, 1])
        #expect(w.s.invoke(as: w.t[0], .ipcSleep(timeout: .never)) == .blocked)
        #expect(w.s.invoke(as: w.t[1], .wait()) == .blocked)
        #expect(w.s.invoke(as: w.t[2], .threadExRegs(thread: .s(1), cancel: true)) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[2]])
        #expect(w.s.invoke(as: w.t[0], .send(.s(2), [1])) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[1], w.t[2]])
        expectWellFormed(w.s)
    }

    @Test func wake_higherPriority_preempts() {
        var w = Self.world([2, 1])
        #expect(w.s.invoke(as: w.t[0], .wait()) == .blocked)
        #expect(w.s.invoke(as: w.t[1], .send(.s(1), [1])) == .success)
        #expect(w.s.ready() == [w.t[0], w.t[1]])
        expectWellFormed(w.s)
    }

    // MARK: - Timer tick (kernel-api §9 round robin)

    @Test func tick_rotatesAmongEquals() {
        var w = Self.world([1, 1, 1])
        #expect(w.s.apply(.tick(cpu: CPU(0))) == StepResult(.success, actor: w.t[0]))
        #expect(w.s.ready() == [w.t[1], w.t[2], w.t[0]])
        #expect(w.s.tick() == .success)
        #expect(w.s.ready() == [w.t[2], w.t[0], w.t[1]])
        expectWellFormed(w.s)
    }

    @Test func tick_neverPutsAHigherPriorityBehindALowerOne() {
        var w = Self.world([3, 1, 1])
        for _ in 0..<4 {
            #expect(w.s.tick() == .success)
            #expect(w.s.ready() == [w.t[0], w.t[1], w.t[2]])
        }
        expectWellFormed(w.s)
    }

    @Test func higherPriority_isNeverBehindALowerOne() {
        var w = Self.world([1, 2, 3, 2, 1])
        #expect(w.s.ready() == [w.t[2], w.t[1], w.t[3], w.t[0], w.t[4]])
        #expect(w.s.tick() == .success)
        #expect(w.s.ready() == [w.t[2], w.t[1], w.t[3], w.t[0], w.t[4]])
        #expect(w.s.invoke(as: w.t[2], .ipcSleep(timeout: .never)) == .blocked)
        #expect(w.s.tick() == .success)
        #expect(w.s.ready() == [w.t[3], w.t[1], w.t[0], w.t[4]])
        for _ in 0..<5 {
            _ = w.s.tick()
            let prios = w.s.ready().map { w.s.thread($0).prio }
            #expect(prios == prios.sorted(by: >))
        }
        expectWellFormed(w.s)
    }

    @Test func idleCpu_andAbsentCpu_doNothing() {
        var w = Self.world([1], cpus: 2)
        let before = w.s
        #expect(w.s.apply(.tick(cpu: CPU(1))) == StepResult(.idle, actor: nil))
        #expect(w.s.apply(.invoke(cpu: CPU(1), .ipcSleep(timeout: .zero))) == StepResult(.idle, actor: nil))
        #expect(w.s.apply(.invoke(cpu: CPU(5), .ipcSleep(timeout: .zero))) == StepResult(.idle, actor: nil))
        #expect(w.s.apply(.tick(cpu: CPU(200))) == StepResult(.idle, actor: nil))
        #expect(w.s == before)
        expectWellFormed(w.s)
    }
}
