import Foundation
import Scenarios

/// `--out DIR` (issue 7 point 5): checked before any work, written through a
/// temporary directory next to it and renamed into place at the end, so an
/// interrupted or failed run never leaves a half-written bundle at DIR.
/// A non-empty DIR is replaced only with `--force`, and only when it holds
/// a previous bundle: `--force` must never delete an unrelated directory.
public struct OutputDirectory: Sendable {
    public let target: URL
    /// Where the bundle is built (same parent, so the final rename is atomic).
    public let staging: URL
    let display: String

    /// Validates `path` and creates the staging directory; every refusal names the path.
    public static func prepare(_ path: String, force: Bool) throws(InputError) -> OutputDirectory {
        func refuse(_ message: String) -> InputError { InputError(file: path, line: nil, field: "--out", message: message) }
        guard !path.isEmpty else { throw refuse("empty path") }
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw refuse("'\(path)' is a file, not a directory") }
            let entries = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
            if !entries.isEmpty {
                guard force else { throw refuse("'\(path)' is not empty (\(entries.count) entries); pass --force to replace a previous bundle") }
                guard holdsBundle(target) else {
                    throw refuse("'\(path)' is not empty and holds no evidence bundle (no l4spec manifest.json); --force only replaces a previous bundle")
                }
            }
        }
        let parent = target.deletingLastPathComponent()
        if !fm.fileExists(atPath: parent.path, isDirectory: &isDir) || !isDir.boolValue {
            throw refuse(blockingAncestor(of: target).map { "'\($0)' is a file, not a directory" } ?? "the parent directory '\(parent.path)' does not exist")
        }
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).l4spec-tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        // mkdir(2) itself, for its errno: Foundation's message for /proc is "The file doesn't exist".
        guard mkdir(staging.path, 0o755) == 0 else {
            throw refuse("cannot write in '\(parent.path)': \(String(cString: strerror(errno)))")
        }
        return OutputDirectory(target: target, staging: staging, display: path)
    }

    /// Puts the finished bundle in place: a previous bundle is moved aside,
    /// the staging directory renamed, the previous one removed.
    public func commit() throws(InputError) {
        let fm = FileManager.default
        let old = staging.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).l4spec-old-\(ProcessInfo.processInfo.processIdentifier)")
        var moved = false
        do {
            if fm.fileExists(atPath: target.path) {
                try fm.moveItem(at: target, to: old)
                moved = true
            }
            try fm.moveItem(at: staging, to: target)
        } catch {
            if moved { try? fm.moveItem(at: old, to: target) }
            discard()
            throw InputError(file: display, line: nil, field: "--out", message: "cannot put the bundle in place: \(Self.reason(error))")
        }
        if moved { try? fm.removeItem(at: old) }
    }

    /// Until the returned sources are cancelled, Ctrl-C (SIGINT) or SIGTERM
    /// removes the staging directory before the process ends (exit 128 + signal).
    public func removeOnInterrupt() -> [any DispatchSourceSignal] {
        let staging = self.staging
        return [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                try? FileManager.default.removeItem(at: staging)
                exit(128 + sig)
            }
            source.resume()
            return source
        }
    }

    /// Back to the default dispositions once the bundle is in place (or discarded).
    public static func restoreInterrupts(_ sources: [any DispatchSourceSignal]) {
        sources.forEach { $0.cancel() }
        for sig in [SIGINT, SIGTERM] { signal(sig, SIG_DFL) }
    }

    /// Removes the staging directory (after a failure).
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
    }

    static func holdsBundle(_ dir: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(BundleLayout.manifest).path),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return (doc["format"] as? String)?.hasPrefix("l4spec-evidence/") == true
    }

    /// The first ancestor of `url` that exists and is not a directory.
    static func blockingAncestor(of url: URL) -> String? {
        var dir = url.deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir) { return isDir.boolValue ? nil : dir.path }
            dir.deleteLastPathComponent()
        }
        return nil
    }

    /// The POSIX reason of a Foundation file error ("Permission denied"), not its long English sentence.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
