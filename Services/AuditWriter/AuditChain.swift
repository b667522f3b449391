import Crypto
import Foundation

/// The hash chain over the audit records: each record's hash is SHA-256 of the previous record's hash followed by
/// the record's hashed bytes (``AuditRecord/hashedBytes``: every stored field), starting from 32 zero bytes. Changing, removing or inserting a record changes every
/// hash after it, which ``AuditVerifier`` notices.
enum AuditChain {
    static let genesis = Data(repeating: 0, count: 32)

    static func hash(previous: Data, record: AuditRecord) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: record.hashedBytes)
        return Data(hasher.finalize())
    }
}

extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
