import SMT
import Scenarios
import Spec
import Symbolic
import Testing
import Verifier

/// The IPC part of the encoding (SymbolicIpc.swift) against `Spec`: random
/// walks from every built-in scenario; every IPC, gate-bind and ex_regs
/// event on the way is compared (state, result) before it is applied.
@Suite struct IpcDifferentialTests {
    static func walk(_ name: String, target: Int, maxAttempts: Int, seed: UInt64, kernel: SymbolicKernel) throws -> DifferentialTests.Tally {
        let scenario = try ScenarioLoader.builtIn(name)
        let k0 = scenario.initial
        let events = RandomEvents(slots: Int(k0.config.slotBound), pages: Int(k0.config.pageBound), cpus: Int(k0.config.cpuCount))
        var g = SplitMix64(seed: seed)
        var tally = DifferentialTests.Tally()
        var k = k0, attempts = 0
        while tally.compared < target && attempts < maxAttempts && tally.failures.count < 5 {
            attempts += 1
            if attempts % 80 == 0 { k = k0 }
            let cpu = CPU(Int.random(in: 0..<Int(k.config.cpuCount), using: &g))
            let e = Bool.random(using: &g) ? IpcEvents.next(in: k, cpu: cpu, using: &g) : events.next(in: k, using: &g)
            if case .invoke(_, let inv) = e, Self.isIpcFamily(inv) {
                switch try comparePair(k, e, kernel) {
                case .agrees:
                    tally.compared += 1
                    tally.kinds.insert(String("\(inv)".prefix { $0 != "(" }))
                case .outOfScope: tally.outOfScope += 1
                case .notEncoded: break
                case .differs(let d):
                    tally.failures.append("\(name): \(e) — \(d.prefix(4).map(\.description).joined(separator: "; "))")
                }
            }
            _ = k.apply(e)
        }
        return tally
    }

    static func isIpcFamily(_ inv: Invocation) -> Bool {
        switch inv {
        case .ipcSend, .ipcCall, .ipcReceive, .ipcWait, .ipcReply, .ipcReplyAndWait, .ipcSleep, .gateBindThread, .irqBind, .threadExRegs,
             .irqTrigger, .irqUnmask, .irqDetach, .irqReceive: true
        default: false
        }
    }

    @Test(arguments: ScenarioLoader.builtInNames)
    func ipcPairsAgreeWithSpec(_ name: String) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        let tally = try Self.walk(name, target: 400, maxAttempts: 20_000, seed: 0x1FC, kernel: kernel)
        #expect(tally.failures.isEmpty, "\(tally.failures.joined(separator: "\n"))")
        #expect(tally.compared >= 100, "only \(tally.compared) in-scope IPC pairs compared (\(tally.outOfScope) out of scope)")
    }

    /// Every encoded IPC-family invocation is compared in scope on the walks
    /// of the Irq and client/server scenarios (so no family is untested).
    @Test func everyIpcFamilyIsCompared() throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        var kinds = Set<String>()
        for name in ["irq-driver", "client-server"] {
            kinds.formUnion(try Self.walk(name, target: 600, maxAttempts: 20_000, seed: 0xFA, kernel: kernel).kinds)
        }
        let all: Set = ["ipcSend", "ipcCall", "ipcReceive", "ipcWait", "ipcReply", "ipcReplyAndWait", "ipcSleep", "gateBindThread",
                        "irqBind", "threadExRegs", "irqTrigger", "irqUnmask", "irqDetach", "irqReceive"]
        #expect(kinds == all, "never compared in scope: \(all.subtracting(kinds).sorted())")
    }

    /// The comparison sees the IPC fields: each IPC weakening of the
    /// encoding disagrees with `Spec` somewhere on the walks.
    @Test(arguments: [("reply slot kept", Weakening.replyKeepsSlot), ("taken sender stays queued", .receiveKeepsQueued),
                      ("sender-chosen gate label", .senderChosenGateLabel)])
    func weakenedIpcEncodingDisagrees(_ what: String, _ weakening: Weakening) throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()), weakening: weakening)
        var found: [String] = []
        for name in ["irq-driver", "client-server", "two-partitions", "realtime"] where found.isEmpty {
            found = try Self.walk(name, target: 3_000, maxAttempts: 6_000, seed: 11, kernel: kernel).failures
        }
        #expect(!found.isEmpty, "the \(what) weakening was never observed")
        #expect(found.allSatisfy { $0.contains(": symbolic ") })
    }
}

extension IpcDifferentialTests {
    /// A queued Irq that is detached leaves the driver's sender list: in
    /// irq-driver the running driver thread triggers its own Irq (queued, as
    /// it is not receiving) and detaches it. The encoding agrees with `Spec`;
    /// the weakened one that keeps the queue entry is caught, naming the field.
    @Test func detachingAQueuedIrqIsCompared() throws {
        let k0 = try ScenarioLoader.builtIn("irq-driver").initial
        let cpu = CPU(0)
        let (queued, _) = Spec.step(k0, .invoke(cpu: cpu, .irqTrigger(irq: .slot(SlotIndex(4)))))
        #expect(queued.irq(IrqID(0)).delivery == .queued)
        let detach = Event.invoke(cpu: cpu, .irqDetach(irq: .slot(SlotIndex(4))))
        let real = try SymbolicKernel(Vocabulary(SMTContext()))
        guard case .agrees = try comparePair(queued, detach, real) else {
            Issue.record("the encoding disagrees with Spec on detaching a queued Irq")
            return
        }
        let weak = try SymbolicKernel(Vocabulary(SMTContext()), weakening: .detachKeepsQueued)
        guard case .differs(let d) = try comparePair(queued, detach, weak) else {
            Issue.record("the weakened encoding was not caught")
            return
        }
        #expect(d.contains { $0.field == "queuedAt[irq0]" }, "\(d)")
    }
}

/// IPC events with purpose, so walks reach rendezvous, reply slots and
/// queues: calls and sends through the thread and gate caps the current
/// thread holds, open waits, and replies whenever it holds a reply slot.
enum IpcEvents {
    static func next<G: RandomNumberGenerator>(in k: KernelState, cpu: CPU, using g: inout G) -> Event {
        guard let t = k.current(on: cpu) else { return .tick(cpu: cpu) }
        let me = k.thread(t)
        func held(_ kinds: [ObjectKind]) -> [Int] {
            me.task == 0xFF ? [] : (0..<Int(k.config.slotBound)).filter { kinds.map(\.rawValue).contains(k.slot(TaskID(Int(me.task)), SlotIndex($0)).kindRaw) }
        }
        let threads = held([.thread]), endpoints = held([.thread, .gate]), irqs = held([.irq])
        let cap = CapName.slot(SlotIndex(endpoints.randomElement(using: &g) ?? Int.random(in: 0..<8, using: &g)))
        let irq = CapName.slot(SlotIndex(irqs.randomElement(using: &g) ?? Int.random(in: 0..<8, using: &g)))
        let msg = Message(words: [1], label: UInt16.random(in: 0...3, using: &g) << 2 | UInt16.random(in: 0...3, using: &g))
        func timeout() -> Timeout { Int.random(in: 0..<4, using: &g) == 0 ? .zero : .never }
        if me.replyTo != 0xFF && Bool.random(using: &g) {
            return .invoke(cpu: cpu, Bool.random(using: &g) ? .ipcReply(msg) : .ipcReplyAndWait(msg, timeout: timeout(), buffer: .none))
        }
        let inv: Invocation = switch Int.random(in: 0..<26, using: &g) {
        case 0..<6: .ipcWait(timeout: timeout(), buffer: .none)
        case 6..<11: .ipcCall(cap: cap, msg, send: timeout(), receive: timeout(), buffer: .none)
        case 11..<14: .ipcSend(cap: cap, msg, timeout: timeout())
        case 14: .ipcReceive(cap: cap, timeout: timeout(), buffer: .none)
        case 15: .ipcSleep(timeout: .zero)
        case 16, 17: .threadExRegs(thread: cap, cancel: Bool.random(using: &g))
        case 18, 19: .gateBindThread(gate: cap, thread: SlotIndex(threads.randomElement(using: &g) ?? 0), label: UInt16.random(in: 0...4, using: &g) << 2)
        case 20: .irqBind(irq: irq, thread: SlotIndex(threads.randomElement(using: &g) ?? 0), label: UInt16.random(in: 0...4, using: &g) << 2)
        case 21, 22: .irqTrigger(irq: irq)
        case 23: .irqUnmask(irq: irq)
        case 24: .irqDetach(irq: irq)
        default: .irqReceive(irq: irq, timeout: timeout())
        }
        return .invoke(cpu: cpu, inv)
    }
}
