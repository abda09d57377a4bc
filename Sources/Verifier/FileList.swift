import Foundation

/// File-system helpers kept out of the pure modules.
public enum FileList {
    /// Every `*.json` file below `directory`, sorted by path.
    public static func jsonFiles(under directory: String) -> [String] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix(".json") { out.append(directory + "/" + item) }
        }
        return out.sorted()
    }

    /// The conformance directory: the given one, `./Conformance`, or the one
    /// next to the package the executable was built in.
    public static func conformanceDirectory(explicit: String?) -> String? {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if let explicit { return explicit }
        if fm.fileExists(atPath: "Conformance", isDirectory: &isDir), isDir.boolValue { return "Conformance" }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("Conformance").path
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
