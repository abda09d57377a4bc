import Foundation

/// Entry points for scenarios: files, in-memory YAML, and the built-ins that
/// ship as package resources (`Sources/Scenarios/BuiltIn/*.yaml`).
public enum ScenarioLoader {
    /// Scenario files larger than this are refused before they are read.
    public static let sizeLimit = 1 << 20

    public static func load(path: String) throws(InputError) -> Scenario {
        let text = try SourceFile.read(path: path, limit: sizeLimit, limitText: "1 MiB")
        return try parse(yaml: text, file: path, sourcePath: path)
    }

    /// `file` is the name used in error messages.
    public static func load(yaml: String, file: String) throws(InputError) -> Scenario {
        guard yaml.utf8.count <= sizeLimit else {
            throw InputError(file: file, line: nil, field: "file", message: "file too large (\(yaml.utf8.count) bytes; limit 1 MiB)")
        }
        return try parse(yaml: yaml, file: file, sourcePath: nil)
    }

    static func parse(yaml: String, file: String, sourcePath: String?) throws(InputError) -> Scenario {
        let root = Field(value: try YAMLReader.parse(yaml, file: file), path: "", file: file)
        let doc = try ScenarioDocument(root)
        return try ScenarioBuilder.build(doc, file: file, sourcePath: sourcePath)
    }

    // MARK: - Built-ins

    static var builtInDirectory: URL? {
        Bundle.module.resourceURL?.appendingPathComponent("BuiltIn", isDirectory: true)
    }

    /// Names of the built-in scenarios, sorted.
    public static var builtInNames: [String] {
        guard let dir = builtInDirectory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    public static func builtIn(_ name: String) throws(InputError) -> Scenario {
        guard builtInNames.contains(name), let dir = builtInDirectory else {
            throw InputError(file: name, line: nil, field: "scenario",
                             message: "no built-in scenario '\(name)' (built-ins: \(builtInNames.joined(separator: ", ")))")
        }
        return try load(path: dir.appendingPathComponent("\(name).yaml").path)
    }

    /// A built-in name, else a path (relative paths are taken from `directory`
    /// when given, else from the current directory).
    public static func resolve(_ nameOrPath: String, relativeTo directory: String?) throws(InputError) -> Scenario {
        if builtInNames.contains(nameOrPath) { return try builtIn(nameOrPath) }
        let path = absolute(nameOrPath, relativeTo: directory)
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: nameOrPath, line: nil, field: "scenario",
                             message: "no built-in scenario or file named '\(nameOrPath)' (built-ins: \(builtInNames.joined(separator: ", ")))")
        }
        return try load(path: path)
    }

    static func absolute(_ path: String, relativeTo directory: String?) -> String {
        guard !path.hasPrefix("/"), let directory, !directory.isEmpty else { return path }
        return URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path).path
    }
}
