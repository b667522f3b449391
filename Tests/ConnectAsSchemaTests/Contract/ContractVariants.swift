import Foundation

/// What the schema says of each field of a sample: for every field present, the sample without it, and whether the
/// schema then refuses it (a required field, or one another present field depends on) or accepts it (optional).
/// Walks nested objects and arrays, following `$ref`, `allOf` and the `oneOf` branch the sample takes.
struct ContractVariants {
    struct Variant: CustomStringConvertible {
        let path: [JSONPathComponent]
        let refused: Bool
        var description: String { path.map(\.description).joined(separator: ".") }
    }

    private(set) var variants: [Variant] = []
    /// Ways the sample and the schema disagree: a field the schema does not name, a required field the sample lacks,
    /// a documented field the sample leaves out (samples hold every field, so that each one is checked).
    private(set) var problems: [String] = []
    private let schemas: ContractSchemas

    init(sample: Any, schema: SchemaNode, schemas: ContractSchemas) throws {
        self.schemas = schemas
        try walk(sample, [schema], path: [])
    }

    private mutating func walk(_ value: Any, _ nodes: [SchemaNode], path: [JSONPathComponent]) throws {
        let facets = try nodes.flatMap { try self.facets(of: $0, for: value) }
        if let array = value as? [Any] {
            let items = facets.compactMap { node in (node.json["items"] as? [String: Any]).map(node.child) }
            for (index, element) in array.enumerated() where !items.isEmpty {
                try walk(element, items, path: path + [.index(index)])
            }
            return
        }
        guard let object = value as? [String: Any] else { return }
        let here = path.isEmpty ? "the record" : path.map(\.description).joined(separator: ".")
        let maps = facets.compactMap { node in (node.json["additionalProperties"] as? [String: Any]).map(node.child) }
        if !maps.isEmpty {
            for (key, element) in object { try walk(element, maps, path: path + [.key(key)]) }
            return
        }
        var required = Set(facets.flatMap { $0.json["required"] as? [String] ?? [] })
        for facet in facets {
            for (key, dependents) in facet.json["dependentRequired"] as? [String: [String]] ?? [:]
            where object[key] != nil {
                required.formUnion(dependents)
            }
        }
        var properties: [String: [SchemaNode]] = [:]
        var complete: Set<String> = []
        for facet in facets {
            let declared = facet.json["properties"] as? [String: Any] ?? [:]
            for (key, schema) in declared {
                if let schema = schema as? [String: Any] { properties[key, default: []].append(facet.child(schema)) }
                // Properties beside a oneOf are alternatives (a target by id or by login): a sample holds one.
                if facet.json["oneOf"] == nil { complete.insert(key) }
            }
        }
        for key in required.subtracting(object.keys).sorted() {
            problems.append("\(here): the sample lacks required field \(key)")
        }
        for key in complete.subtracting(object.keys).sorted() {
            problems.append("\(here): the sample leaves out documented field \(key)")
        }
        for (key, element) in object.sorted(by: { $0.key < $1.key }) {
            guard let schemas = properties[key] else {
                problems.append("\(here): field \(key) is not in the schema")
                continue
            }
            variants.append(Variant(path: path + [.key(key)], refused: required.contains(key)))
            try walk(element, schemas, path: path + [.key(key)])
        }
    }

    /// The node itself, what its `allOf` adds, and the `oneOf` / `anyOf` branch this value takes.
    private func facets(of node: SchemaNode, for value: Any) throws -> [SchemaNode] {
        let node = try schemas.resolved(node)
        var facets = [node]
        for member in node.json["allOf"] as? [[String: Any]] ?? [] {
            facets += try self.facets(of: node.child(member), for: value)
        }
        for key in ["oneOf", "anyOf"] {
            let branches = try (node.json[key] as? [[String: Any]] ?? []).map { try schemas.resolved(node.child($0)) }
            if let taken = branches.first(where: { Self.takes(value, $0.json) }) {
                facets += try self.facets(of: taken, for: value)
            }
        }
        return facets
    }

    /// Whether an object takes a branch: it has the branch's required fields, its constants, and none it forbids.
    private static func takes(_ value: Any, _ branch: [String: Any]) -> Bool {
        guard let object = value as? [String: Any] else { return false }
        let required = branch["required"] as? [String] ?? []
        let forbidden = (branch["not"] as? [String: Any])?["required"] as? [String] ?? []
        let constants = (branch["properties"] as? [String: Any] ?? [:]).compactMapValues {
            ($0 as? [String: Any])?["const"] as? String
        }
        return required.allSatisfy { object[$0] != nil } && !forbidden.contains { object[$0] != nil }
            && constants.allSatisfy { object[$0.key] as? String == $0.value }
    }
}

enum JSONPathComponent: CustomStringConvertible {
    case key(String)
    case index(Int)

    var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): "\(index)"
        }
    }
}

/// A copy of a parsed JSON value without the field at `path`.
func removing(_ path: [JSONPathComponent], from value: Any) -> Any {
    guard let first = path.first else { return value }
    let rest = Array(path.dropFirst())
    switch (first, value) {
    case (.key(let key), var object as [String: Any]):
        if rest.isEmpty { object[key] = nil } else if let child = object[key] { object[key] = removing(rest, from: child) }
        return object
    case (.index(let index), var array as [Any]) where array.indices.contains(index):
        array[index] = removing(rest, from: array[index])
        return array
    default:
        return value
    }
}
