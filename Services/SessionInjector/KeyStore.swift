import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsService
@preconcurrency import Crypto
import Foundation

/// The secrets the operator provisions as files: the key that seals Odoo session ids at rest and the SSH private
/// key. Never from Kafka, never logged; read at start so that a missing or malformed file stops the service with a
/// message naming the setting, not the first session.
public struct KeyStore: Sendable {
    let sealer: SessionSealer
    let sshCredentials: SSHCredentials

    public init(configuration: InjectorConfiguration) throws {
        sealer = SessionSealer(key: try Self.secretKey(file: configuration.secretKeyFile))
        let sshKey = configuration.sshKeyFile
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: sshKey, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: sshKey)
        else {
            throw ConfigurationError(
                key: InjectorConfiguration.Key.sshKeyFile, problem: "names \(sshKey), which cannot be read",
                fix: "provision the SSH private key there, readable by this service's user")
        }
        // Read by the SSH layer at each connection, so a rotated key file is picked up without a restart.
        sshCredentials = .privateKeyFile(sshKey)
    }

    static func secretKey(file: String) throws -> SymmetricKey {
        let key = InjectorConfiguration.Key.secretKeyFile
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(
                key: key, problem: "names \(file), which cannot be read",
                fix: "write the base64 of 32 random bytes there (openssl rand -base64 32), readable by this service")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            // The content is a secret, even a malformed one: not echoed.
            throw ConfigurationError(
                key: key, problem: "names \(file), which does not hold the base64 of exactly 32 bytes",
                fix: "write a new key with: openssl rand -base64 32")
        }
        return SymmetricKey(data: bytes)
    }
}

/// Seals Odoo session ids with AES-256-GCM before they are stored, and opens them for the redeem cookie and for
/// deleting the session. The session's own id is the authenticated data, so a sealed sid copied to another row does
/// not open there.
struct SessionSealer: Sendable {
    let key: SymmetricKey
    /// Names the key (not secret: a hash prefix) so that a row sealed under another key is reported as such.
    let keyID: String

    init(key: SymmetricKey) {
        self.key = key
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data($0)) }
        keyID = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    func seal(_ sid: OdooSessionID, sessionId: String) throws -> Data {
        let box = try AES.GCM.seal(Data(sid.rawValue.utf8), using: key, authenticating: Data(sessionId.utf8))
        guard let combined = box.combined else { throw SealError(message: "AES-GCM gave no combined box") }
        return combined
    }

    func open(_ sealed: Data, sessionId: String, keyID storedKeyID: String?) throws -> OdooSessionID {
        if let storedKeyID, storedKeyID != keyID {
            throw SealError(message: "the session id was sealed under key \(storedKeyID), this service has \(keyID)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(sessionId.utf8))
            return OdooSessionID(rawValue: String(decoding: plain, as: UTF8.self))
        } catch {
            throw SealError(message: "the sealed session id does not open with this key (\(error))")
        }
    }

    struct SealError: Error, CustomStringConvertible {
        let message: String
        var description: String { "cannot open the session id: \(message)" }
    }
}
