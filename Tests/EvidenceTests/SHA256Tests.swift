import Evidence
import Foundation
import Testing

/// The bundle's hashes are only worth something if they are SHA-256: FIPS
/// 180-4 test vectors, block-boundary lengths, and agreement with the
/// system's `sha256sum` on a real file.
@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the same bytes in pieces of every size gives the same digest.
    @Test func incrementalUpdatesAgree() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hex(data)
        for piece in [1, 3, 55, 56, 63, 64, 65, 128, 299] {
            var h = SHA256()
            var i = 0
            while i < data.count {
                h.update(Array(data[i..<min(i + piece, data.count)]))
                i += piece
            }
            #expect(h.finalizeHex() == whole, "pieces of \(piece)")
        }
    }

    @Test func agreesWithSha256sum() throws {
        guard let tool = ["/usr/bin/sha256sum", "/bin/sha256sum"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-sha-\(UUID().uuidString)")
        try Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 131) }).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = [url.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let ours = try FileDigest.hash(url, as: "x", category: "test")
        #expect(out.hasPrefix(ours.sha256 + " "))
        #expect(ours.bytes == 70_000)
    }
}
