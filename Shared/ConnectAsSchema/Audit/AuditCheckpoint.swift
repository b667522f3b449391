import Foundation

/// audit-writer's signed statement that the audit's hash chain had `headHash` as the hash of record `seq` at
/// `signedAt`. Published on a topic of its own and kept outside the audit database, so that an insider who rewrites
/// the records and the head together, or cuts records off the end, is caught by `connectas audit verify`.
///
/// The signature is Ed25519 over ``signedBytes``, by the operator's key whose id (the first 16 hex digits of the
/// SHA-256 of its raw public key) is `keyId`.
public struct AuditCheckpoint: MessagePayload {
    public static let eventType = EventType("connectas.audit.Checkpoint", version: 1)
    public static let defaultTopic = DefaultTopic.auditCheckpoints

    public var seq: Int
    /// SHA-256 of record `seq`, 64 lower-case hex digits.
    public var headHash: String
    /// RFC 3339, as signed (kept as text so that the signed bytes are exactly the ones on the wire).
    public var signedAt: String
    public var keyId: String
    /// Base64 of the 64-byte Ed25519 signature.
    public var signature: String

    public init(seq: Int, headHash: String, signedAt: String, keyId: String, signature: String) {
        self.seq = seq
        self.headHash = headHash
        self.signedAt = signedAt
        self.keyId = keyId
        self.signature = signature
    }

    /// What is signed: the type, then each field, one per line.
    public static func signedBytes(seq: Int, headHash: String, signedAt: String, keyId: String) -> Data {
        Data("\(eventType.rawValue)\n\(seq)\n\(headHash)\n\(signedAt)\n\(keyId)".utf8)
    }

    public var signedBytes: Data { Self.signedBytes(seq: seq, headHash: headHash, signedAt: signedAt, keyId: keyId) }

    enum CodingKeys: String, CodingKey {
        case seq = "seq"
        case headHash = "headHash"
        case signedAt = "signedAt"
        case keyId = "keyId"
        case signature = "signature"
    }
}

extension AuditCheckpoint {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.integer(.seq, in: 0...Int.max)
        headHash = try container.identifier(.headHash)
        guard headHash.utf8.count == 64, headHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw SchemaError.invalidValue(
                at: container.codingPath + [CodingKeys.headHash], expected: "64 lower-case hex digits",
                found: String(headHash.prefix(80)), "is not a SHA-256 in hex")
        }
        signedAt = try container.identifier(.signedAt)
        guard RFC3339.date(from: signedAt) != nil else {
            throw SchemaError.invalidValue(
                at: container.codingPath + [CodingKeys.signedAt], expected: "RFC 3339 timestamp",
                found: String(signedAt.prefix(80)), "not an RFC 3339 timestamp")
        }
        keyId = try container.identifier(.keyId)
        signature = try container.identifier(.signature)
    }

    /// One chain, one key: every checkpoint on one partition, in order.
    public var partitionKey: String { "audit-chain" }
    public var subject: String? { "\(seq)" }
    public var asMessage: ConnectAsMessage { .auditCheckpoint(self) }
}
