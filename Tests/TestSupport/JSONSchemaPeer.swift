public import Foundation
import Support

/// Runs `json_schema_check.py` (Python jsonschema) beside this file: a second, independent reader of
/// every JSON Schema in `docs/schemas/`.
public enum JSONSchemaPeer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "json_schema_check.py"
    ).path

    /// The repository's `docs/schemas/` directory.
    public static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/schemas")

    /// Validates each document (JSON, or YAML for `.yaml` files); returns each path's error, nil when valid.
    public static func validate(_ documents: [URL], against schema: URL) async throws -> [String: String?] {
        let output = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("python3", [script, schema.path] + documents.map(\.path)))
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        return object.mapValues { $0 as? String }
    }

    /// Validates one JSON text; returns the error, nil when valid.
    public static func validate(json: String, against schema: URL) async throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lockmaster-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await validate([file], against: schema)[file.path] ?? "not validated"
    }
}
