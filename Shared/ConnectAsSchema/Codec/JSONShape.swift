/// A single pass over a record's bytes, before Foundation parses them, for what Foundation's parser lets through:
/// objects nested deeper than a bound (its recursion would exhaust the stack), duplicate keys (it keeps the first,
/// Python keeps the last, so two readers would see two messages), and the envelope attributes of a record too large
/// to parse, so that even its refusal can be attributed.
///
/// Iterative and allocation-light: the cost is one read of the bytes whatever they hold. It stops at the first
/// problem; bytes that are not JSON at all are left for the parser to name.
struct JSONShape {
    /// String members of the top-level object that a refusal is labelled with (as far as the scan got).
    var envelope: [String: String] = [:]
    /// The first problem found; the scan stops there.
    var problem: Problem?

    static let labels: Set<String> = ["id", "type", "correlationid", "specversion"]

    enum Problem: Error {
        case tooDeep
        case duplicateKey(path: String)
        case notJSON
    }

    static func scan(_ bytes: [UInt8], maxDepth: Int) -> JSONShape {
        var shape = JSONShape()
        do {
            try scan(bytes, maxDepth: maxDepth, into: &shape)
        } catch {
            shape.problem = error
        }
        return shape
    }

    private static func scan(_ bytes: [UInt8], maxDepth: Int, into shape: inout JSONShape) throws(Problem) {
        // A raw NUL is never valid UTF-8 JSON; it is how UTF-16 and UTF-32 text looks, which Foundation would
        // accept and this byte-wise scan would misread.
        if bytes.contains(0) { throw .notJSON }
        var reader = Reader(bytes: bytes)
        // One frame per open container: its keys so far (objects only) and the key that led into it.
        struct Frame {
            var isObject: Bool
            // Swift Strings, as JSONDecoder compares keys: canonically equivalent spellings (K and the Kelvin sign)
            // are one key to it, so they must be one key here.
            var keys: Set<String> = []
            var name: String
        }
        var stack: [Frame] = []
        var pendingKey: [UInt8]?
        var expectKey = false

        func path(_ stack: [Frame], _ key: [UInt8]) -> String {
            (stack.dropFirst().map(\.name) + [String(decoding: key, as: UTF8.self)]).joined(separator: ".")
        }

        while let byte = reader.nextNonSpace() {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maxDepth else { throw .tooDeep }
                let name = pendingKey.map { String(decoding: $0, as: UTF8.self) } ?? "[]"
                stack.append(Frame(isObject: byte == UInt8(ascii: "{"), name: name))
                pendingKey = nil
                expectKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard !stack.isEmpty else { throw .notJSON }
                stack.removeLast()
                expectKey = false
            case UInt8(ascii: ","):
                expectKey = stack.last?.isObject ?? false
            case UInt8(ascii: ":"):
                expectKey = false
            case UInt8(ascii: "\""):
                let string = try reader.string()
                if expectKey, let index = stack.indices.last {
                    guard stack[index].keys.insert(String(decoding: string, as: UTF8.self)).inserted else {
                        throw .duplicateKey(path: path(stack, string))
                    }
                    pendingKey = string
                    expectKey = false
                } else if stack.count == 1, let key = pendingKey {
                    let name = String(decoding: key, as: UTF8.self)
                    if labels.contains(name) { shape.envelope[name] = String(decoding: string.prefix(256), as: UTF8.self) }
                    pendingKey = nil
                } else {
                    pendingKey = nil
                }
            default:
                // Numbers, true, false, null: skipped to the next structural byte.
                pendingKey = nil
                reader.skipScalar()
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func nextNonSpace() -> UInt8? {
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte != 0x20, byte != 0x0a, byte != 0x0d, byte != 0x09 { return byte }
            }
            return nil
        }

        mutating func skipScalar() {
            while index < bytes.count, !Self.structural.contains(bytes[index]) { index += 1 }
        }

        static let structural: Set<UInt8> = Set("{}[],:\" \n\r\t".utf8)

        /// The string's value (escapes decoded, so `"a"` and `"\u0061"` are one key), after its opening quote.
        mutating func string() throws(Problem) -> [UInt8] {
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return value
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw .notJSON }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw .notJSON }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        value += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                    case UInt8(ascii: "n"): value.append(0x0a)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "r"): value.append(0x0d)
                    case UInt8(ascii: "b"): value.append(0x08)
                    case UInt8(ascii: "f"): value.append(0x0c)
                    default: value.append(escape)
                    }
                default:
                    value.append(byte)
                }
            }
            throw .notJSON
        }

        mutating func hex4() throws(Problem) -> UInt32 {
            guard index + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw .notJSON }
            index += 4
            return value
        }
    }
}
