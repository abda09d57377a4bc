import Scenarios
import Spec

/// The initial capability/authority graph of a scenario as Graphviz DOT
/// (issue 7 point 3, "pictures"): tasks and their threads grouped by security
/// domain (one cluster per domain of the policy), kernel objects outside the
/// domains, one edge per capability slot labelled with the slot and its
/// rights (kernel-api §2, §3), one per mapped page to its frame (§5.1), and
/// the bindings threads and gates start with. Read from the boot state, so
/// it shows exactly what the explorer starts from.
public enum AuthorityGraph {
    public static func dot(_ scenario: Scenario) -> String {
        let s = scenario.initial, names = scenario.names
        var out = DotWriter(name: "authority", title: "Initial authority graph of \(scenario.name)", rankdir: "LR")
        let tasks = (0..<Capacity.tasks).map { TaskID($0) }.filter { s.life(of: .task($0)) != .free }
        let threads = (0..<Capacity.threads).map { ThreadID($0) }.filter { s.life(of: .thread($0)) != .free }
        func node(_ r: ObjectRef) -> String { DotWriter.id(r) }
        func threadsOf(_ t: TaskID) -> [ThreadID] { threads.filter { Int(s.thread($0).task) == t.index } }
        func threadNode(_ th: ThreadID) -> String {
            "\(node(.thread(th))) [shape=ellipse, style=filled, fillcolor=\"#fff7e0\", label=\(DotWriter.quote("thread " + names.name(.thread(th)) + behaviour(scenario, th)))];"
        }
        var placed = Set<ObjectRef>()
        func declareTask(_ t: TaskID, indent: String) {
            out.line(indent + "\(node(.task(t))) [shape=box, style=\"rounded,filled,bold\", fillcolor=\"#ffffff\", label=\(DotWriter.quote("task " + names.name(.task(t))))];")
            placed.insert(.task(t))
            for th in threadsOf(t) {
                out.line(indent + threadNode(th))
                placed.insert(.thread(th))
            }
        }
        for (i, domain) in scenario.policy.domains.enumerated() {
            out.line("    subgraph cluster_domain\(i) {")
            out.line("        label=\(DotWriter.quote("domain " + domain.name)); style=\"rounded,filled\"; fillcolor=\"\(Palette.domain(i))\"; color=\"#5b6b80\"; fontsize=12;")
            for t in domain.tasks where tasks.contains(t) { declareTask(t, indent: "        ") }
            out.line("    }")
        }
        for t in tasks where !placed.contains(.task(t)) { declareTask(t, indent: "    ") }
        for th in threads where !placed.contains(.thread(th)) {
            out.line("    " + threadNode(th))
        }
        for ref in kernelObjects(s) {
            out.line("    \(node(ref)) [shape=\(shape(ref.kind)), style=filled, fillcolor=\"#eceff3\", label=\(DotWriter.quote("\(ref.kind) " + names.name(ref)))];")
        }
        capabilityEdges(s, tasks, &out)
        bindingEdges(s, threads, &out)
        return out.finish()
    }

    /// Gates, Irqs, factories and the scheduler that exist at boot.
    static func kernelObjects(_ s: KernelState) -> [ObjectRef] {
        var refs: [ObjectRef] = []
        for k in [ObjectKind.gate, .irq, .factory] {
            for i in 0..<k.capacity where s.life(of: ObjectRef(k, i)) != .free { refs.append(ObjectRef(k, i)) }
        }
        return refs
    }

    /// One edge per non-empty slot (weak, uncounted caps dashed) and per mapped page.
    static func capabilityEdges(_ s: KernelState, _ tasks: [TaskID], _ out: inout DotWriter) {
        var frames = Set<Int>()
        for t in tasks {
            let holder = DotWriter.id(.task(t))
            for i in 0..<Int(s.config.slotBound) {
                let slot = s.slot(t, SlotIndex(i))
                guard let ref = slot.ref else { continue }
                if ref == .scheduler, out.declare("scheduler") {
                    out.line("    \(DotWriter.id(ref)) [shape=hexagon, style=filled, fillcolor=\"#eceff3\", label=\"scheduler\"];")
                }
                let label = "slot \(i): \(slot.rights)" + (slot.server ? " server" : "") + (slot.counted ? "" : " weak")
                let style = slot.counted ? "solid" : "dashed"
                out.line("    \(holder) -> \(DotWriter.id(ref)) [label=\(DotWriter.quote(label)), style=\(style), color=\"#2f5d8a\"];")
            }
            for p in 0..<Int(s.config.pageBound) {
                let page = s.page(t, PageIndex(p))
                guard page.isMapped else { continue }
                let frame = Int(page.frame)
                if frames.insert(frame).inserted {
                    out.line("    \"frame_\(frame)\" [shape=box3d, style=filled, fillcolor=\"#e6f2e6\", label=\"frame \(frame)\"];")
                }
                out.line("    \(holder) -> \"frame_\(frame)\" [label=\(DotWriter.quote("page \(p): \(page.rights)")), color=\"#3d7a3d\", fontcolor=\"#3d7a3d\"];")
            }
        }
    }

    /// Threads run in their task; gates and Irqs start bound to a thread; factories hang off their parent.
    static func bindingEdges(_ s: KernelState, _ threads: [ThreadID], _ out: inout DotWriter) {
        func q(_ r: ObjectRef) -> String { DotWriter.id(r) }
        let gray = "color=\"#8a8f98\", fontcolor=\"#5b5f66\", style=dotted"
        for th in threads where s.thread(th).task != 0xFF {
            out.line("    \(q(.thread(th))) -> \(q(.task(TaskID(Int(s.thread(th).task))))) [label=\"runs in\", \(gray), arrowhead=none];")
        }
        for g in 0..<Capacity.gates where s.life(of: .gate(GateID(g))) != .free && s.gates[g].thread != 0xFF {
            out.line("    \(q(.gate(GateID(g)))) -> \(q(.thread(ThreadID(Int(s.gates[g].thread))))) [label=\"bound to\", \(gray)];")
        }
        for i in 0..<Capacity.irqs where s.life(of: .irq(IrqID(i))) != .free && s.irqs[i].thread != 0xFF {
            out.line("    \(q(.irq(IrqID(i)))) -> \(q(.thread(ThreadID(Int(s.irqs[i].thread))))) [label=\"bound to\", \(gray)];")
        }
        for f in 0..<Capacity.factories where s.life(of: .factory(FactoryID(f))) != .free && s.factories[f].parent != 0xFF {
            out.line("    \(q(.factory(FactoryID(f)))) -> \(q(.factory(FactoryID(Int(s.factories[f].parent))))) [label=\"charged to\", \(gray)];")
        }
    }

    static func behaviour(_ scenario: Scenario, _ t: ThreadID) -> String {
        switch scenario.behaviour(of: t) {
        case .any?: "\n(any: adversarial)"
        case .script(let steps, let loop)?: "\n(script: \(steps.count) step\(steps.count == 1 ? "" : "s")\(loop ? ", loops" : ""))"
        case nil: ""
        }
    }

    static func shape(_ k: ObjectKind) -> String {
        switch k {
        case .gate: "cds"
        case .irq: "invtriangle"
        case .factory: "folder"
        default: "box"
        }
    }
}

/// Fill colours of domain clusters (light, distinguishable in print).
enum Palette {
    static let domains = ["#e3edf9", "#fbe9e7", "#e8f5e9", "#f3e5f5", "#fff8e1", "#e0f2f1"]
    static func domain(_ i: Int) -> String { domains[i % domains.count] }
}
