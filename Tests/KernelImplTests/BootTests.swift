import Testing
import KernelImpl

/// The boot API and the introspection views (DESIGN §3, §8).
@Suite struct BootTests {
    @Test func bootState_isVisibleThroughIntrospection() throws {
        var s = try TestSystem(cpus: 2)
        let child = try s.k.bootFactory(limit: 100_000, parent: s.root)
        let T = try s.k.bootTask(quota: child)
        let t0 = try s.k.bootThread(quota: child, task: T, priority: 4, cpu: 1, pager: 3, started: true)
        let g = try s.k.bootGate(quota: child, thread: t0, label: 0x10)
        let i = try s.k.bootIrq(quota: child, thread: nil, label: 5, line: 2)
        try s.k.bootCap(ObjectID(.gate, g), task: T, slot: 1, rights: Rights.w)
        try s.k.bootCap(ObjectID(.gate, g), task: T, slot: 2, rights: Rights.r, server: false, weak: true)
        try s.k.bootPage(task: T, page: 0, frame: 100, rights: Rights.memAll)
        try s.k.bootPage(task: T, page: 1, frame: 100, rights: Rights.memR, from: (task: T, page: 0))
        let sizes = ObjectSizes.amd64
        #expect(s.k.factoryView(child) == FactoryView(index: child, life: .live, limit: 100_000, used: sizes.task + sizes.thread + sizes.gate + sizes.irq,
                                                         parent: s.root, countedCaps: 0))
        #expect(s.k.factoryView(s.root)?.used == sizes.factory + 100_000)
        #expect(s.k.readyQueue(cpu: 1).order == [t0])
        #expect(s.k.thread(t0).pager == 3 && s.k.thread(t0).pins == 1 && s.k.thread(t0).account == child)
        #expect(s.k.gateView(g)?.countedCaps == 1)
        #expect(s.k.capTable(task: T) == [CapView(slot: 1, object: ObjectID(.gate, g), rights: Rights.w | Rights.r, counted: true, server: true),
                                          CapView(slot: 2, object: ObjectID(.gate, g), rights: Rights.r, counted: false, server: false)])
        #expect(s.k.capHolders(of: ObjectID(.gate, g)).map(\.slot).sorted() == [1, 2])
        #expect(s.k.irqView(i)?.line == 2 && s.k.irqView(i)?.delivery == .idle)
        let root = try #require(s.k.mapping(task: T, page: 0))
        #expect(s.k.mapping(task: T, page: 1)?.parent == root.node)
        #expect(s.k.objects(.thread) == [t0])
    }

    @Test func bootErrors() throws {
        var s = try TestSystem(maxTasks: 1)
        let T = try s.task()
        #expect(throws: BootError.tableFull(.task)) { try s.k.bootTask(quota: s.root) }
        let small = try s.k.bootFactory(limit: 100, parent: s.root)
        #expect(throws: BootError.quotaExceeded(factory: small)) { try s.k.bootThread(quota: small, task: T, priority: 1, cpu: 0, pager: nil, started: false) }
        try s.k.bootCap(ObjectID(.task, T), task: T, slot: 1, rights: Rights.all)
        #expect(throws: BootError.self) { try s.k.bootCap(ObjectID(.task, T), task: T, slot: 1, rights: Rights.all) }
        #expect(throws: BootError.self) { try s.k.bootCap(ObjectID(.task, T), task: T, slot: 99, rights: Rights.all) }
        #expect(throws: BootError.self) { try s.k.bootGate(quota: s.root, thread: nil, label: 1) }
        #expect(throws: BootError.self) { try s.k.bootThread(quota: s.root, task: nil, priority: 1, cpu: 7, pager: nil, started: true) }
        try s.k.bootPage(task: T, page: 0, frame: 1, rights: Rights.memR)
        #expect(throws: BootError.self) { try s.k.bootPage(task: T, page: 1, frame: 1, rights: Rights.memAll, from: (task: T, page: 0)) }
        #expect(throws: BootError.self) { try s.k.bootPage(task: T, page: 1, frame: 2, rights: Rights.memR, from: (task: T, page: 0)) }
        #expect(throws: BootError.self) { try s.k.bootPage(task: T, page: 0, frame: 1, rights: Rights.memR) }
    }

    @Test func mappingPoolExhaustion_atBoot() throws {
        var s = try TestSystem(mappingNodes: 1)
        let T = try s.task()
        try s.k.bootPage(task: T, page: 0, frame: 1, rights: Rights.memR)
        #expect(throws: BootError.mappingPoolExhausted) { try s.k.bootPage(task: T, page: 1, frame: 2, rights: Rights.memR) }
    }

    @Test func startedThreadsQueueInBootOrder_atTheBackOfTheirLevel() throws {
        var s = try TestSystem()
        let T = try s.task()
        let x = try s.thread(in: T, prio: 2)
        let y = try s.thread(in: T, prio: 2)
        let z = try s.thread(in: T, prio: 1, started: false)
        #expect(s.k.readyQueue(cpu: 0).order == [x, y])
        #expect(s.k.thread(z).state == .dead)
    }
}
