import Foundation
import Spec

/// Where in `Sources/Spec` the rule behind an event is written, for SARIF
/// locations: one row per operation of `CoverageKey.operations` naming the
/// Spec file and the `KernelState` method performing it. A test checks that
/// every operation has a row and every row names a file that exists and a
/// function declared in it.
///
/// The row is chosen by the event alone. The state can redirect an event — a
/// dying thread's next event runs its teardown, a kernel operation on a thread
/// or gate capability of a foreign protocol becomes IPC — so the location
/// names the rule the operation normally fires, not a proof of which ran.
public struct SpecRule: Sendable, Equatable {
    public var operation: String
    /// Relative to the package root.
    public var file: String
    public var function: String
    public var qualifiedName: String { "KernelState.\(function)" }
}

public enum SpecRuleLocations {
    static func rule(_ operation: String, _ file: String, _ function: String) -> SpecRule {
        SpecRule(operation: operation, file: "Sources/Spec/\(file)", function: function)
    }

    public static let all: [SpecRule] = [
        rule("tick", "Scheduler.swift", "timerTick"),
        rule("irq line", "Irq.swift", "hitLine"),
        rule("ipc.send", "Ipc.swift", "sendPhase"),
        rule("ipc.call", "Ipc.swift", "sendPhase"),
        rule("ipc.receive", "Syscall.swift", "receive"),
        rule("ipc.wait", "Ipc.swift", "receivePhase"),
        rule("ipc.reply", "Ipc.swift", "reply"),
        rule("ipc.reply_and_wait", "Ipc.swift", "reply"),
        rule("ipc.sleep", "Ipc.swift", "receivePhase"),
        rule("task.map", "MappingTree.swift", "performTaskMap"),
        rule("task.unmap", "MappingTree.swift", "performUnmap"),
        rule("task.cap_valid", "ObjectSpace.swift", "capValid"),
        rule("task.cap_equal", "ObjectSpace.swift", "capEqual"),
        rule("factory.create", "Factory.swift", "performCreate"),
        rule("thread.control", "Thread.swift", "performControl"),
        rule("thread.ex_regs", "Thread.swift", "performExRegs"),
        rule("scheduler.run_thread", "Scheduler.swift", "performRunThread"),
        rule("gate.bind_thread", "Gate.swift", "bindGate"),
        rule("irq.bind", "Irq.swift", "performBindIrq"),
        rule("irq.detach", "Irq.swift", "performDetach"),
        rule("irq.trigger", "Irq.swift", "hitIrq"),
        rule("irq.unmask", "Irq.swift", "performUnmask"),
        rule("irq.receive", "Ipc.swift", "receivePhase"),
        rule("mem.access", "Thread.swift", "memoryAccess"),
    ]

    /// The operation name of an event, as in the coverage report (`CoverageKey`).
    public static func operation(of event: Event) -> String {
        CoverageKey.operations[CoverageKey.operation(event)]
    }

    public static func rule(for event: Event) -> SpecRule? {
        let op = operation(of: event)
        return all.first { $0.operation == op }
    }

    /// The package root as compiled in (where `Sources/Spec` was built from).
    public static let compiledPackageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    /// A package root whose Spec sources are readable: `directory` (the
    /// current directory) if it is one, else the compiled-in root, else nil.
    public static func readableRoot(from directory: String) -> URL? {
        let candidates = [URL(fileURLWithPath: directory, isDirectory: true), compiledPackageRoot]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Sources/Spec/Syscall.swift").path) }
    }

    /// The 1-based line declaring `func <function>` in `file` under `root`, if readable.
    public static func declarationLine(of function: String, inFile file: String, root: URL) -> Int? {
        guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { return nil }
        return firstLine(in: text) { line in
            line.contains("func \(function)(") || line.contains("func \(function)<")
        }
    }

    /// The 1-based number of the first line satisfying `matches`.
    static func firstLine(in text: String, where matches: (Substring) -> Bool) -> Int? {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if matches(line) { return number }
        }
        return nil
    }
}
