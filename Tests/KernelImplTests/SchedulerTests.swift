import Testing
import KernelImpl

/// Fixed-priority scheduling (kernel-api §9, §3.5): priority bitmap, front
/// insertion on wake, round robin on ticks, lazy ready-list removal.
@Suite struct SchedulerTests {
    /// Threads with the given priorities in task T on CPU 0; T holds the scheduler at 1 and thread i at 2 + i.
    static func world(_ prios: [Int], cpus: Int = 1) throws -> (TestSystem, [Int]) {
        var s = try TestSystem(cpus: cpus)
        let T = try s.task()
        let ts = try prios.map { try s.thread(in: T, prio: $0) }
        try s.cap(.scheduler, in: T, at: 1)
        for (i, t) in ts.enumerated() { try s.cap(ObjectID(.thread, t), in: T, at: 2 + i) }
        return (s, ts)
    }

    @Test func highestNonEmptyLevelRuns() throws {
        let (s, t) = try Self.world([3, 200, 7])
        #expect(s.k.currentThread(cpu: 0) == t[1])
        #expect(s.k.readyQueue(cpu: 0).order == [t[1], t[2], t[0]])
        #expect(s.k.readyQueue(cpu: 0).levels == [200, 7, 3])
    }

    @Test func idleCpu_reportsIdle() throws {
        var (s, _) = try Self.world([1])
        #expect(s.k.tick(cpu: 1).outcome == .idle)                    // CPU 1 is not present
        _ = s.k.sleep(Timeouts.never)
        #expect(s.k.tick(cpu: 0) == Exit(.idle, thread: nil))
        #expect(s.k.sleep().outcome == .idle)
    }

    @Test func tick_roundRobinAmongEqualPriorities() throws {
        var (s, t) = try Self.world([1, 1, 1, 5])
        _ = s.k.sleep(Timeouts.never)                                 // the prio-5 thread leaves
        #expect(s.k.readyQueue(cpu: 0).order == [t[0], t[1], t[2]])
        #expect(s.k.tick(cpu: 0) == Exit(.success, thread: t[0]))
        #expect(s.k.readyQueue(cpu: 0).order == [t[1], t[2], t[0]])
    }

    @Test func tick_doesNotDisplaceAHigherPriority() throws {
        var (s, t) = try Self.world([1, 1, 5])
        _ = s.k.tick(cpu: 0)
        #expect(s.k.readyQueue(cpu: 0).order == [t[2], t[0], t[1]])
    }

    @Test func blockedThreadsAreRemovedLazily() throws {
        var (s, t) = try Self.world([1, 5])
        _ = s.k.sleep(Timeouts.never)                                 // t1 blocks
        #expect(s.k.readyQueue(cpu: 0).order == [t[0]])
        #expect(s.k.readyQueue(cpu: 0).listed == [t[1], t[0]])        // still linked: removal is lazy
        #expect(s.k.readyQueue(cpu: 0).levels == [5, 1])
        _ = s.k.tick(cpu: 0)                                          // the scheduler meets the stale head
        #expect(s.k.readyQueue(cpu: 0).listed == [t[0]])
        #expect(s.k.readyQueue(cpu: 0).levels == [1])
    }

    @Test func wokenThreadGoesToTheFrontOfItsLevel() throws {
        var (s, t) = try Self.world([1, 1, 1])
        _ = s.k.sleep(Timeouts.never)                                 // t0 blocks
        #expect(s.k.exRegs(2, flags: Kernel.ExRegs.cancel).outcome == .success)   // t1 wakes t0
        #expect(s.k.readyQueue(cpu: 0).order == [t[0], t[1], t[2]])
    }

    @Test func runThread_setsPriorityAndFrontInsertion() throws {
        var (s, t) = try Self.world([1, 1, 3])
        #expect(s.k.runThread(1, thread: 3, prio: 3).outcome == .success)         // t2 lifts t1 to its level
        #expect(s.k.readyQueue(cpu: 0).order == [t[1], t[2], t[0]])
        #expect(s.k.thread(t[1]).priority == 3)
        #expect(s.k.runThread(1, thread: 3, prio: 1000).outcome == .success)      // clamped
        #expect(s.k.thread(t[1]).priority == 255)
    }

    @Test func runThread_migratesToAnotherCpu() throws {
        var (s, t) = try Self.world([1, 2], cpus: 2)
        #expect(s.k.runThread(1, thread: 2, prio: 1, on: 1).outcome == .success)
        #expect(s.k.thread(t[0]).cpu == 1)
        #expect(s.k.readyQueue(cpu: 1).order == [t[0]])
        #expect(s.k.readyQueue(cpu: 0).order == [t[1]])
    }

    @Test func runThread_errors() throws {
        var (s, _) = try Self.world([1, 2])
        #expect(s.k.runThread(1, thread: 2, prio: 0).outcome == .error(.einval))
        #expect(s.k.runThread(1, thread: 2, prio: 1, on: 5).outcome == .error(.einval))   // CPU 5 not present
        #expect(s.k.runThread(1, thread: 1, prio: 1).outcome == .error(.einval))          // not a thread
        #expect(s.k.call(1, Msg(label: Proto.scheduler, words: [1, 0, 1, 1])).outcome == .error(.einval))
        #expect(s.k.call(1, Msg(label: Proto.scheduler, words: [0])).outcome == .error(.enosys))
        #expect(s.k.call(1, Msg(label: Proto.task, words: [1])).outcome == .error(.ebadproto))
    }

    @Test func receiveOnlyOnTheScheduler_isASleep() throws {
        var (s, t) = try Self.world([2])
        #expect(s.k.receive(1, Msg(receive: Timeouts.zero)).outcome == .ipcError(.retimeout))
        #expect(s.k.receive(1).outcome == .blocked)
        #expect(s.k.state(t[0]) == .receiving(from: .thread(t[0])))
    }
}
