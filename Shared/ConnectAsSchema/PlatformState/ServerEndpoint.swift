/// Where and as whom the injector connects over SSH, and the host key it must see there.
public struct ServerEndpoint: Codable, Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    /// OpenSSH's form, `SHA256:` and unpadded base64; the injector refuses a server presenting any other key.
    public var hostKeyFingerprint: String

    public init(host: String, port: Int = 22, user: String, hostKeyFingerprint: String) {
        self.host = host
        self.port = port
        self.user = user
        self.hostKeyFingerprint = hostKeyFingerprint
    }

    enum CodingKeys: String, CodingKey {
        case host = "host"
        case port = "port"
        case user = "user"
        case hostKeyFingerprint = "hostKeyFingerprint"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.identifier(.host)
        // Absent means SSH's own port, as ssh(1) assumes.
        port = try container.optionalInteger(.port, in: 1...65_535) ?? 22
        user = try container.identifier(.user)
        hostKeyFingerprint = try container.identifier(.hostKeyFingerprint)
        // Refused here, not at connect time: a pin that can never match would turn every session into a failure.
        guard hostKeyFingerprint.hasPrefix("SHA256:"), hostKeyFingerprint.count > "SHA256:".count else {
            throw SchemaError.invalidValue(
                at: container.codingPath + [CodingKeys.hostKeyFingerprint], expected: "SHA256:<base64>",
                found: hostKeyFingerprint, "host key fingerprints are pinned as SHA-256")
        }
    }
}
