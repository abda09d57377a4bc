import Foundation
@_spi(FaultInjection) import KernelImpl
import Scenarios
import Spec
import Verifier

/// Options of `l4spec refine`.
public struct RefineOptions: Sendable {
    /// Edges: stop with "inconclusive" after this many explored states.
    public var maxStates = 1_000_000
    /// Edges: depth limit (nil = the scenario's own depth bound).
    public var maxDepth: Int?
    /// Where minimal divergence traces are written (nil: not written).
    public var outDirectory: String? = "l4spec-out"
    /// Test hook: a deliberately broken implementation view.
    public var perturbation: Perturbation?
    /// Seeded faults switched on in KernelImpl (harness-strength tests and
    /// the hidden `--inject-fault` demonstration only).
    @_spi(FaultInjection) public var faults = FaultSet()
    /// Stop a job at its first divergence (it is still shrunk and written).
    public var stopAtFirstDivergence = false
    /// How many divergences of one class are shrunk and written; the rest are counted.
    public var examplesPerClass = 1
    /// Progress lines for long runs (the CLI writes them to stderr).
    public var progress: (@Sendable (String) -> Void)?
    public init() {}
}

@_spi(FaultInjection)
extension RefineOptions {
    /// The names `--inject-fault` accepts (`KernelImpl.Fault`).
    public static var faultNames: [String] { Fault.allCases.map(\.rawValue) }

    /// Switches on the seeded fault called `name`; false for an unknown name.
    public mutating func injectFault(named name: String) -> Bool {
        guard let f = Fault(rawValue: name) else { return false }
        faults.insert(f)
        return true
    }
}

/// The three inputs of `l4spec refine` (DESIGN §8): a trace file, seeded
/// random walks, and every edge of an explored scenario (`EdgeRefinement`).
public enum RefineRunner {
    // MARK: - Traces

    /// Replays one `l4spec-trace/1` file on both sides.
    public static func trace(path: String, options: RefineOptions) throws(InputError) -> RefineCase {
        let start = ContinuousClock.now
        let bound = try TraceLoader.loadBound(path: path)
        var c = RefineCase(kind: .trace, name: path)
        let events = bound.events.map(\.event)
        let result = try replay(events, bound.scenario, options, file: path)
        c.steps = result.steps.count
        if let d = result.divergence {
            var findings = Findings(options: options, prefix: "trace-" + DivergenceFile.slug(path.hasSuffix(".json") ? String(path.dropLast(5)) : path))
            try findings.add(events, d, scenario: bound.scenario, origin: path, file: path)
            c.findings = findings.list
        }
        c.seconds = seconds(since: start)
        return c
    }

    /// Every `*.json` below a directory, or the file itself.
    public static func traceFiles(_ path: String) throws(InputError) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError(file: path, line: nil, field: "--trace", message: "no such file or directory")
        }
        guard isDir.boolValue else { return [path] }
        let files = FileList.jsonFiles(under: path)
        guard !files.isEmpty else { throw InputError(file: path, line: nil, field: "--trace", message: "no *.json trace files below this directory") }
        return files
    }

    // MARK: - Random walks

    /// `walks` seeded random walks of `length` events (`RandomEvents`, guided
    /// by the spec state); walk w runs on scenario `w mod count` with its own
    /// generator derived from (seed, w): the same seed gives the same walks.
    public static func random(walks: Int, length: Int, seed: UInt64, scenarios: [Scenario], options: RefineOptions) throws(InputError) -> RefineCase {
        let start = ContinuousClock.now
        var c = RefineCase(kind: .random, name: "random walks (seed \(seed), length \(length))")
        guard !scenarios.isEmpty else { return c }
        var boots: [RefineSession] = []
        for s in scenarios { boots.append(try session(s, options, file: s.name)) }
        var findings = Findings(options: options, prefix: "random-seed\(seed)")
        for w in 0..<walks {
            let k = w % scenarios.count
            var rng = SplitMix64(seed: walkSeed(seed, w))
            let b = scenarios[k].bounds
            let gen = RandomEvents(slots: b.slots, pages: b.pages, cpus: b.cpus)
            var s = boots[k]
            var events: [Event] = []
            for i in 0..<length {
                let e = gen.next(in: s.spec, using: &rng)
                events.append(e)
                let r = s.step(e, index: i)
                c.steps += 1
                guard r.diffs.isEmpty else {
                    let d = Divergence(step: i, event: e, eventText: EventText.describe(e, names: scenarios[k].names), diffs: r.diffs)
                    try findings.add(events, d, scenario: scenarios[k], origin: "walk \(w) on \(scenarios[k].name)", file: scenarios[k].name)
                    break
                }
            }
            c.walks += 1
            if options.stopAtFirstDivergence && !findings.list.isEmpty { break }
            if c.walks % 1000 == 0 {
                options.progress?("random: \(c.walks) walks, \(c.steps) steps, " + String(format: "%.1f s", seconds(since: start)))
            }
        }
        c.findings = findings.list
        c.seconds = seconds(since: start)
        return c
    }

    /// The generator seed of walk `w`: mixed, so neighbouring walks do not share a stream.
    public static func walkSeed(_ seed: UInt64, _ w: Int) -> UInt64 { fmix64(seed ^ fmix64(UInt64(w) &+ 0x632B_E59B_D9B4_E019)) }

    /// The events of walk `w` as `random` generates them (for tests and reproduction).
    public static func walkEvents(seed: UInt64, walk w: Int, length: Int, scenario: Scenario) throws(InputError) -> [Event] {
        var rng = SplitMix64(seed: walkSeed(seed, w))
        let b = scenario.bounds
        let gen = RandomEvents(slots: b.slots, pages: b.pages, cpus: b.cpus)
        var spec = scenario.initial
        return (0..<length).map { _ in
            let e = gen.next(in: spec, using: &rng)
            _ = spec.apply(e)
            return e
        }
    }

    // MARK: - Shared

    static func session(_ scenario: Scenario, _ options: RefineOptions, file: String) throws(InputError) -> RefineSession {
        do {
            return try RefineSession(initial: scenario.initial, names: scenario.names, perturbation: options.perturbation, faults: options.faults)
        } catch {
            throw InputError(file: file, line: nil, field: "scenario", message: error.message)
        }
    }

    static func replay(_ events: [Event], _ scenario: Scenario, _ options: RefineOptions, file: String) throws(InputError) -> ReplayResult {
        var s = try session(scenario, options, file: file)
        return Replay.run(events, from: s, names: scenario.names, checkBoot: true, session: &s)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Divergences of one job, grouped by class; the first examples of each class
/// are shrunk and written, the others only counted.
struct Findings {
    let options: RefineOptions
    /// File names of written traces: `<prefix>-<n>.json`.
    let prefix: String
    var list: [DivergenceFinding] = []

    init(options: RefineOptions, prefix: String) {
        self.options = options
        self.prefix = prefix
    }

    mutating func add(_ events: [Event], _ d: Divergence, scenario: Scenario, origin: String, file: String) throws(InputError) {
        let key = DivergenceFinding.classKey(of: d)
        let same = list.indices.filter { list[$0].classKey == key }
        if same.count >= options.examplesPerClass, let first = same.first {
            list[first].count += 1
            return
        }
        let boot = try RefineRunner.session(scenario, options, file: file)
        let (minimal, replay) = Shrink.minimize(events, divergence: d, scenario: scenario, boot: boot)
        var f = DivergenceFinding(scenario: scenario, originalLength: events.count, events: minimal, divergence: replay.divergence ?? d,
                                  steps: replay.steps, count: 1, tracePath: nil, origin: origin)
        if let dir = options.outDirectory {
            f.tracePath = try DivergenceFile.write(f, directory: dir, name: "\(prefix)-\(list.count + 1)")
        }
        list.append(f)
    }
}
