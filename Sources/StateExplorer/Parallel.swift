import Dispatch
import Foundation

enum ProcessorCount {
    static var online: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// Runs `body(worker)` for each worker index on its own thread and waits.
func forEachWorker(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count == 1 {
        body(0)
        return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}

/// Per-worker mutable state, touched only by its own worker during a level.
final class WorkerBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// The process's peak resident set size, from /proc/self/status (Linux; 0 elsewhere).
public enum ResidentMemory {
    /// Resets the peak to the current resident set (Linux ≥ 4.0: clear_refs 5),
    /// so one run of several can be measured alone.
    public static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    public static var peakBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return digits * 1024
        }
        return 0
    }

    /// Physical memory, for the default budget.
    static var physicalBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }
}
