import Foundation
import Testing
@testable import Scenarios

/// Runs `body` and returns the `InputError` it threw (nil if it succeeded).
func inputError<T>(_ body: () throws -> T) -> InputError? {
    do {
        _ = try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("expected an InputError, got \(error)")
        return nil
    }
}

/// A fresh directory under the system temporary directory.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-scen-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small valid scenario; tests replace parts of it to make it invalid.
/// Line numbers matter to the tests: see the comments.
let minimalScenario = """
name: minimal
description: One task with one thread.
tasks:
  - name: app
    caps:
      - {slot: 1, object: app, rights: RWSD}
      - {slot: 3, object: main, rights: RWSD}
threads:
  - name: main
    task: app
    priority: 10
    behaviour: any
"""
// line 1 name, 4 task app, 6 cap slot 1, 7 cap slot 3, 9 thread main, 11 priority, 12 behaviour;
// text appended after a newline starts at line 13
