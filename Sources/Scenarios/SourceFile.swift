import Foundation

/// Reading user files defensively: the size is checked from the file's
/// attributes before anything is read, and at most `limit + 1` bytes are ever
/// read (so a FIFO or a device that lies about its size cannot exhaust memory).
enum SourceFile {
    static func read(path: String, limit: Int, limitText: String) throws(InputError) -> String {
        func fail(_ message: String) -> InputError { InputError(file: path, line: nil, field: "file", message: message) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw fail("no such file") }
        guard !isDirectory.boolValue else { throw fail("is a directory, not a file") }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let size = (attributes[.size] as? NSNumber)?.int64Value, size > Int64(limit) {
            throw fail("file too large (\(size) bytes; limit \(limitText))")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw fail("cannot be opened for reading") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw fail("cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= limit else { throw fail("file too large (more than \(limit) bytes; limit \(limitText))") }
        return try decodeUTF8(data, file: path)
    }

    /// Strict UTF-8; an invalid byte is reported with its line.
    static func decodeUTF8(_ data: Data, file: String) throws(InputError) -> String {
        if let s = String(validating: data, as: UTF8.self) { return s }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var line = 1
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar):
                if scalar.count == 1 && scalar.first == 0x0A { line += 1 }
            case .emptyInput:
                return String(decoding: data, as: UTF8.self)
            case .error:
                throw InputError(file: file, line: line, field: "file", message: "not valid UTF-8 text")
            }
        }
    }
}
