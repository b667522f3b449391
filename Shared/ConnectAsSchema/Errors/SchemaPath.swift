/// Renders a coding path the way a JSON reader thinks of it: `data.users[2].login`.
enum SchemaPath {
    static func render(_ path: [any CodingKey]) -> String {
        var rendered = ""
        for key in path {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                rendered += "[\(index)]"
            } else if key.stringValue.isEmpty || key.stringValue.contains(where: { ".[]\"".contains($0) }) {
                // Permission names contain dots; quoting keeps the path unambiguous.
                rendered += "[\"\(key.stringValue)\"]"
            } else {
                rendered += rendered.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return rendered
    }
}
