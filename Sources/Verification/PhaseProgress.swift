import Foundation

/// Progress of `verify` on stderr, safe to call from the prove and refine
/// threads at once: on a terminal one status line per phase is rewritten in
/// place (at most every 0.2 s); in CI logs each `done` is its own plain line
/// and updates are printed at most every 10 s.
public final class PhaseProgress: @unchecked Sendable {
    let terminal: Bool
    let write: @Sendable (String) -> Void
    let lock = NSLock()
    var status: [String: String] = [:]
    var order: [String] = []
    var lastPrint: [String: Double] = [:]
    let start = Date()

    public init(terminal: Bool = isatty(2) != 0, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.terminal = terminal
        self.write = write
    }

    /// A transient update of a phase (rewritten on a terminal, throttled otherwise).
    public func update(_ phase: String, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date().timeIntervalSince(start)
        if !order.contains(phase) { order.append(phase) }
        status[phase] = text
        guard now - (lastPrint[phase] ?? -100) >= (terminal ? 0.2 : 10) else { return }
        lastPrint[phase] = now
        emit(terminal ? nil : "\(phase): \(text)")
    }

    /// A finished step: always printed as its own line.
    public func done(_ phase: String, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        status[phase] = nil
        order.removeAll { $0 == phase }
        emit("\(phase): \(text)")
    }

    /// Clears the status line (end of the run).
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        status = [:]
        order = []
        if terminal { write("\r\u{1B}[K") }
    }

    /// Prints `line` (if any) above the rewritten status line.
    func emit(_ line: String?) {
        guard terminal else {
            if let line { write(line + "\n") }
            return
        }
        var out = "\r\u{1B}[K"
        if let line { out += line + "\n" }
        out += order.compactMap { p in status[p].map { "\(p): \($0)" } }.joined(separator: " | ")
        write(String(out.prefix(4000)))
    }
}
