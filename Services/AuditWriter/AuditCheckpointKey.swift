import ConnectAsSchema
import ConnectAsService
import Crypto
import Foundation

/// The operator's Ed25519 key that signs the audit's checkpoints: a file holding the base64 of the 32-byte private
/// key (`openssl rand -base64 32 > FILE`), readable by audit-writer alone.
public struct AuditCheckpointKey: Sendable {
    /// The raw key (the key type of swift-crypto is not Sendable).
    let raw: Data
    var privateKey: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }

    public var keyID: String { Self.keyID(of: privateKey.publicKey.rawRepresentation) }
    /// What `connectas audit verify --public-key` takes: the base64 of the raw 32-byte public key.
    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    public init(privateKeyBase64 text: String) throws {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32
        else { throw CheckpointKeyError.notAKey }
        _ = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        self.raw = raw
    }

    /// Reads the key file named by `key`; a missing, unreadable or malformed one is a configuration error.
    public init(file path: String?, key: String) throws {
        let fix = "point it at a file holding the base64 of 32 random bytes (openssl rand -base64 32 > FILE)"
        guard let path else { throw ConfigurationError(key: key, problem: "is not set", fix: fix) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: key, problem: "names \(path), which cannot be read", fix: fix)
        }
        do {
            try self.init(privateKeyBase64: String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigurationError(key: key, problem: "names \(path), which holds no Ed25519 private key", fix: fix)
        }
    }

    public func sign(seq: Int, headHash: String, signedAt: Date) throws -> AuditCheckpoint {
        let time = RFC3339.string(from: signedAt)
        let bytes = AuditCheckpoint.signedBytes(seq: seq, headHash: headHash, signedAt: time, keyId: keyID)
        let signature = try privateKey.signature(for: bytes)
        return AuditCheckpoint(
            seq: seq, headHash: headHash, signedAt: time, keyId: keyID, signature: signature.base64EncodedString())
    }

    /// The first 16 hex digits of the SHA-256 of a raw public key.
    public static func keyID(of publicKey: Data) -> String {
        String(Data(SHA256.hash(data: publicKey)).hexString.prefix(16))
    }
}

enum CheckpointKeyError: Error { case notAKey }

/// Checks checkpoints against the operator's public key.
public struct AuditCheckpointSignature: Sendable {
    let raw: Data
    var publicKey: Curve25519.Signing.PublicKey { try! Curve25519.Signing.PublicKey(rawRepresentation: raw) }
    public let keyID: String

    public init(publicKeyBase64 text: String) throws {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32
        else { throw CheckpointKeyError.notAKey }
        _ = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        self.raw = raw
        keyID = AuditCheckpointKey.keyID(of: raw)
    }

    public init(key: AuditCheckpointKey) {
        raw = key.privateKey.publicKey.rawRepresentation
        keyID = key.keyID
    }

    public func isValid(_ checkpoint: AuditCheckpoint) -> Bool {
        guard checkpoint.keyId == keyID, let signature = Data(base64Encoded: checkpoint.signature) else { return false }
        return publicKey.isValidSignature(signature, for: checkpoint.signedBytes)
    }
}
