import Foundation

/// The package sources the results depend on, located and hashed (issue 7
/// point 3): the spec, the property catalogue, the symbolic encoding (when
/// proofs ran) and KernelImpl (when refinement ran). The package root is
/// looked for in the current directory, then above the executable (a
/// `.build/<config>/l4spec` binary sits three levels below it), then where
/// the binary was compiled; a root counts only if it has `Package.swift` and
/// `Sources/Spec`. When none is found the bundle says so instead of hashing.
public struct SourceInventory: Sendable {
    public var root: URL?
    /// How the root was found ("current directory", "above the executable", "build location").
    public var located: String?

    public static let compiledRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static func locate(currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executable: String = CommandLine.arguments.first ?? "") -> SourceInventory {
        let cwd = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        if isRoot(cwd) { return SourceInventory(root: cwd, located: "current directory") }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if isRoot(dir) { return SourceInventory(root: dir, located: "above the executable") }
            dir.deleteLastPathComponent()
        }
        if isRoot(compiledRoot) { return SourceInventory(root: compiledRoot, located: "build location") }
        return SourceInventory(root: nil, located: nil)
    }

    static func isRoot(_ url: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
            && fm.fileExists(atPath: url.appendingPathComponent("Sources/Spec").path)
    }

    /// (category, directory relative to the root) of every hashed source directory.
    public static func directories(proofs: Bool, refinement: Bool) -> [(category: String, path: String)] {
        var dirs = [("spec", "Sources/Spec"), ("properties", "Properties")]
        if proofs { dirs.append(("symbolic encoding", "Sources/Symbolic")) }
        if refinement { dirs.append(("implementation", "Sources/KernelImpl")) }
        return dirs
    }

    /// Every `*.swift` file below the directories, relative to the root, sorted.
    public func sources(proofs: Bool, refinement: Bool) throws -> [EvidenceDocument.FileHash] {
        guard let root else { return [] }
        var out: [EvidenceDocument.FileHash] = []
        for (category, dir) in Self.directories(proofs: proofs, refinement: refinement) {
            let base = root.appendingPathComponent(dir)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            var files: [String] = []
            while let item = walker.nextObject() as? String {
                if item.hasSuffix(".swift") { files.append(item) }
            }
            for f in files.sorted() {
                out.append(try FileDigest.hash(base.appendingPathComponent(f), as: dir + "/" + f, category: category))
            }
        }
        return out
    }

    /// `git rev-parse HEAD` of the root, the number of tracked files that
    /// differ from it, and the commit time (the reproducible fallback timestamp).
    public func git(environment: [String: String] = ProcessInfo.processInfo.environment) -> (commit: String, modified: Int?, time: Int64?) {
        guard let root, let git = ExternalTool.find("git", environment: environment),
              let head = git.run(["-C", root.path, "rev-parse", "HEAD"]), head.status == 0 else { return ("unknown", nil, nil) }
        let commit = String(decoding: head.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let status = git.run(["-C", root.path, "status", "--porcelain", "--untracked-files=no"])
        let modified = status.flatMap { $0.status == 0 ? String(decoding: $0.stdout, as: UTF8.self).split(separator: "\n").count : nil }
        let time = git.run(["-C", root.path, "log", "-1", "--format=%ct"]).flatMap {
            Int64(String(decoding: $0.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (commit.isEmpty ? "unknown" : commit, modified, time)
    }
}

/// SHA-256 of files, read in 1 MiB chunks.
public enum FileDigest {
    public static func hash(_ url: URL, as path: String, category: String) throws -> EvidenceDocument.FileHash {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var h = SHA256()
        var bytes = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            h.update([UInt8](chunk))
            bytes += chunk.count
        }
        return EvidenceDocument.FileHash(path: path, category: category, sha256: h.finalizeHex(), bytes: bytes)
    }
}
