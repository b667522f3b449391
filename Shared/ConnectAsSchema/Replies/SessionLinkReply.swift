import Foundation

/// The one-time link, for the platform only: it opens it in the engineer's browser.
///
/// The only message that carries the link; the reply topic must be readable by the platform and nothing else, and no
/// service logs this payload.
public struct SessionLinkReply: MessagePayload {
    public static let eventType = EventType("connectas.reply.SessionLink", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    /// On the environment's own domain, so the redeem response can set Odoo's cookie there.
    public var url: URL
    public var expiresAt: Date

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, url: URL, expiresAt: Date
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.url = url
        self.expiresAt = RFC3339.normalized(expiresAt)
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case url = "url"
        case expiresAt = "expiresAt"
    }
}

extension SessionLinkReply {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        let text: String = try container.required(.url)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme),
            url.host?.isEmpty == false
        else {
            // Not echoed in `found`: a malformed link may still hold a live token.
            throw SchemaError.invalidValue(
                at: container.codingPath + [CodingKeys.url], expected: "absolute http(s) URL", found: nil,
                "not an absolute http(s) URL")
        }
        self.url = url
        expiresAt = try container.timestamp(.expiresAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestId, forKey: .requestId)
        try container.encode(orgId, forKey: .orgId)
        try container.encode(environmentId, forKey: .environmentId)
        try container.encode(sessionId, forKey: .sessionId)
        try container.encode(url.absoluteString, forKey: .url)
        try container.encodeTimestamp(expiresAt, forKey: .expiresAt)
    }

    public var partitionKey: String { requestId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionLinkReply(self) }
}
