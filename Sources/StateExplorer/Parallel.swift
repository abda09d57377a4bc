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
