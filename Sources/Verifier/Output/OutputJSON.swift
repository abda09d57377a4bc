import Foundation

/// `--format json` for every subcommand: the `l4spec-output/1` envelope
/// (docs/output.md, schema docs/output.schema.json), pretty-printed with
/// sorted keys. The command's own detailed document (`l4spec-check/1`,
/// `l4spec-prove/1`, `l4spec-refine-report/1`) rides along under `report`.
public enum OutputJSON {
    public static func render(_ report: OutputReport, details: String? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        guard let details, let extra = try? JSONSerialization.jsonObject(with: Data(details.utf8)),
              var doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return String(decoding: data, as: UTF8.self)
        }
        doc["report"] = extra
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let merged = try? JSONSerialization.data(withJSONObject: doc, options: options) else {
            return String(decoding: data, as: UTF8.self)
        }
        return String(decoding: merged, as: UTF8.self)
    }

    /// `SOURCE_DATE_EPOCH` as the envelope's timestamp (UTC, ISO 8601), or nil.
    public static func timestamp(_ date: Date?) -> String? {
        date.map { JUnitRendering.iso8601($0) + "Z" }
    }
}
