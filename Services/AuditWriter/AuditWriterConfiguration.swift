import ConnectAsService
import Configuration

/// audit-writer's own settings, beside ``ServiceConfiguration``'s.
///
/// | key | environment variable | default |
/// |---|---|---|
/// | connectas.audit.checkpointKeyFile | CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE | required: the base64 of a 32-byte Ed25519 private key |
/// | connectas.audit.checkpointIntervalSeconds | CONNECTAS_AUDIT_CHECKPOINT_INTERVAL_SECONDS | 60 (1–86400) |
public struct AuditWriterConfiguration: Sendable {
    public var checkpointKey: AuditCheckpointKey
    public var checkpointInterval: Duration

    public init(reader: ConfigReader) throws {
        let key = "connectas.audit.checkpointKeyFile"
        checkpointKey = try AuditCheckpointKey(file: reader.checkedString(key), key: key)
        checkpointInterval = try reader.checkedSeconds(
            "connectas.audit.checkpointIntervalSeconds", default: .seconds(60), range: 1...86_400)
    }
}
