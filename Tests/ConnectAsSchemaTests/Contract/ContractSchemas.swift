import Foundation

/// The published contract as files: `contract/schemas/*.schema.json` (JSON Schema 2020-12) and `contract/samples/*.json`,
/// read the way a platform team in another language reads them, with `$ref`s followed between the files.
/// Unchecked: the parsed JSON is `Any`, but it is read once and never changed.
struct ContractSchemas: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("contract")
    static let schemasDirectory = root.appendingPathComponent("schemas")
    static let samplesDirectory = root.appendingPathComponent("samples")
    static let shared = try! ContractSchemas()

    /// Every schema file by its name, e.g. `common.schema.json`.
    let files: [String: [String: Any]]

    init() throws {
        var files: [String: [String: Any]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.schemasDirectory.path)
        where name.hasSuffix(".schema.json") {
            files[name] = try Self.object(at: Self.schemasDirectory.appendingPathComponent(name))
        }
        self.files = files
    }

    static func schemaFileName(of type: String) -> String { "\(type).schema.json" }

    static func sample(of type: String) throws -> Data {
        try Data(contentsOf: samplesDirectory.appendingPathComponent("\(type).json"))
    }

    static func object(at url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw ContractError("\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }

    func message(_ type: String) throws -> SchemaNode {
        let name = Self.schemaFileName(of: type)
        guard let json = files[name] else { throw ContractError("contract/schemas/\(name) is missing") }
        return SchemaNode(file: name, json: json)
    }

    /// The node a `$ref` chain ends at (`common.schema.json#/$defs/actor`, `#/$defs/id`).
    func resolved(_ node: SchemaNode) throws -> SchemaNode {
        var node = node
        while let reference = node.json["$ref"] as? String {
            let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let file = parts[0].isEmpty ? node.file : String(parts[0])
            guard var target: Any = files[file] else { throw ContractError("\(reference): no file \(file)") }
            let pointer = parts.count > 1 ? parts[1] : ""
            for token in pointer.split(separator: "/") {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = (target as? [String: Any])?[key] else { throw ContractError("\(reference): no \(key)") }
                target = next
            }
            guard let json = target as? [String: Any] else { throw ContractError("\(reference) is not a schema") }
            node = SchemaNode(file: file, json: json)
        }
        return node
    }

    func definition(_ name: String) throws -> [String: Any] {
        try resolved(SchemaNode(file: "common.schema.json", json: ["$ref": "#/$defs/\(name)"])).json
    }
}

/// A schema object and the file it sits in, which its local `$ref`s are relative to.
struct SchemaNode {
    let file: String
    let json: [String: Any]

    func child(_ json: [String: Any]) -> SchemaNode { SchemaNode(file: file, json: json) }
}

struct ContractError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
