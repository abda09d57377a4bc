import Evidence
import Foundation
import Testing

/// The report as its reader sees it (issue 7 point 4): headless Chromium
/// (apt package `chromium`, installed by scripts/ensure-test-deps, which
/// ./run-tests calls) opens index.html from disk; the page must load without
/// a console message, show the matrix and the figures, and the screenshot
/// must be a picture, not a blank page. A missing browser fails the test.
@Suite(.serialized) struct BrowserTests {
    static var chromium: URL? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }

    /// `--no-sandbox`: the tests run as root in CI, where Chromium refuses its sandbox.
    func browser(_ args: [String]) throws -> CLI.Run {
        let exe = try #require(Self.chromium, "Chromium is not installed: run scripts/ensure-test-deps (apt package chromium)")
        let home = try CLI.temporaryDirectory()
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        defer { try? FileManager.default.removeItem(at: home) }
        return try CLI.run(exe, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                                 "--user-data-dir=\(home.path)/profile", "--enable-logging=stderr", "--v=0"] + args,
                           in: home, environment: env)
    }

    @Test func pageLoadsWithoutErrors_showsTheMatrixAndFigures() throws {
        let dir = try SharedBundle.directory()
        let page = dir.appendingPathComponent("index.html")
        let dom = try browser(["--dump-dom", page.absoluteString])
        #expect(dom.code == 0, "\(dom.err)")
        let consoleLines = dom.err.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(consoleLines.isEmpty, "console: \(consoleLines.joined(separator: "\n"))")
        #expect(dom.out.contains("<table class=\"grid matrix\">"))
        #expect(dom.out.contains("CAP-2") && dom.out.contains("Authority confinement"))
        #expect(dom.out.components(separatedBy: "<svg").count - 1 == 3)
        #expect(dom.out.contains("VIOLATED (EXPECTED)"))
    }

    /// Self-contained: no script, no external resource, and every relative link names a file of the bundle.
    @Test func pageIsSelfContained_linksResolveInsideTheBundle() throws {
        let dir = try SharedBundle.directory()
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains(" src=") && !html.contains("@import"))
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(hrefs.count > 10)
        for h in hrefs {
            if h.hasPrefix("#") {
                #expect(html.contains("id=\"\(h.dropFirst())\""), "dangling anchor \(h)")
            } else {
                #expect(!h.contains(":"), "external link \(h)")
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(h).path), "missing \(h)")
            }
        }
        let md = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        for link in md.components(separatedBy: "](").dropFirst().compactMap({ $0.split(separator: ")").first.map(String.init) }) where !link.hasPrefix("#") {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(link).path), "report.md links \(link)")
        }
    }

    @Test func screenshotIsAPicture() throws {
        let dir = try SharedBundle.directory()
        let shot = try CLI.temporaryDirectory().appendingPathComponent("page.png")
        defer { try? FileManager.default.removeItem(at: shot.deletingLastPathComponent()) }
        let r = try browser(["--screenshot=\(shot.path)", "--window-size=1280,1600", dir.appendingPathComponent("index.html").absoluteString])
        #expect(r.code == 0, "\(r.err)")
        let stats = try PNGStats.measure(shot)
        #expect(stats.width == 1280 && stats.height == 1600)
        #expect(stats.colours > 50, "\(stats)")
        #expect(stats.nonBackground > 0.2, "\(stats)")
    }

    /// The blank-page check can fail: an empty page is judged blank.
    @Test func blankPageIsRecognised() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: page)
        let shot = dir.appendingPathComponent("blank.png")
        let r = try browser(["--screenshot=\(shot.path)", "--window-size=400,300", page.absoluteString])
        #expect(r.code == 0, "\(r.err)")
        let stats = try PNGStats.measure(shot)
        #expect(stats.colours <= 2 && stats.nonBackground < 0.01, "\(stats)")
    }
}

/// Colour statistics of a PNG, decoded by Python's standard library (zlib
/// + the PNG row filters), since Foundation on Linux decodes no images.
struct PNGStats: CustomStringConvertible {
    var width: Int
    var height: Int
    /// Distinct RGB colours.
    var colours: Int
    /// Share of pixels that differ from the most common colour.
    var nonBackground: Double
    var description: String { "\(width)x\(height), \(colours) colours, \(Int(nonBackground * 100))% non-background" }

    static let script = """
    import sys, struct, zlib, collections
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT': idat += body
    assert depth == 8 and ctype in (2, 6), 'unexpected PNG type %d/%d' % (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, counts = zlib.decompress(idat), w * bpp, bytearray(w * bpp), collections.Counter()
    for y in range(h):
        f, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            if f == 1: row[i] = (row[i] + a) & 255
            elif f == 2: row[i] = (row[i] + b) & 255
            elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        counts.update(bytes(row[i:i + 3]) for i in range(0, stride, bpp)); prev = row
    print(w, h, len(counts), 1 - counts.most_common(1)[0][1] / (w * h))
    """

    static func measure(_ png: URL) throws -> PNGStats {
        let python = try #require(["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "python3 is needed to decode the screenshot")
        let r = try CLI.run(URL(fileURLWithPath: python), ["-c", script, png.path])
        let f = r.out.split(separator: " ").map(String.init)
        guard r.code == 0, f.count == 4, let w = Int(f[0]), let h = Int(f[1]), let c = Int(f[2]),
              let nb = Double(f[3].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BundleFailed(message: "cannot decode \(png.path): \(r.err)")
        }
        return PNGStats(width: w, height: h, colours: c, nonBackground: nb)
    }
}
