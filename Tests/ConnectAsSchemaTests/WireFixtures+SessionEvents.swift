extension WireFixture {
    static let actorJSON = #"{"platformUserId": "usr_42", "email": "ana@support.example"}"#
    static let targetJSON = """
        {"odooUserId": 7, "login": "sam@customer.example", "displayName": "Sam Rivera", "email": "sam@customer.example"}
        """

    static let sessionEvents: [WireFixture] = [
        WireFixture(
            type: "connectas.event.SessionLinkIssued.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "target": \(targetJSON),
                  "linkExpiresAt": "2025-03-01T10:20:30.123Z",
                  "sessionExpiresAt": "2025-03-01T11:15:30.123Z"
                }
                """,
            expected: .sessionLinkIssued(Samples.sessionLinkIssued)),
        WireFixture(
            type: "connectas.event.SessionRedeemed.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "target": \(targetJSON),
                  "browserIp": "198.51.100.23",
                  "userAgent": "Mozilla/5.0 (X11; Linux x86_64)"
                }
                """,
            expected: .sessionRedeemed(Samples.sessionRedeemed)),
        WireFixture(
            type: "connectas.event.SessionEnded.v1",
            data: """
                {
                  "requestId": "req-2",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "target": \(targetJSON),
                  "endReason": "end_command",
                  "endedBy": \(actorJSON)
                }
                """,
            expected: .sessionEnded(Samples.sessionEnded)),
        WireFixture(
            type: "connectas.event.LinkExpired.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "target": \(targetJSON)
                }
                """,
            expected: .linkExpired(Samples.linkExpired)),
        WireFixture(
            type: "connectas.event.SessionRevoked.v1",
            data: """
                {
                  "requestId": "req-3",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "target": \(targetJSON),
                  "revokedBy": {"platformUserId": "usr_7", "email": "lead@support.example"},
                  "reason": "Left open by mistake"
                }
                """,
            expected: .sessionRevoked(Samples.sessionRevoked)),
        WireFixture(
            type: "connectas.event.SessionFailed.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": \(actorJSON),
                  "stage": "ssh_host_key",
                  "code": "host_key_mismatch",
                  "message": "the server presented a different host key"
                }
                """,
            expected: .sessionFailed(Samples.sessionFailed)),
        WireFixture(
            type: "connectas.event.NotificationSent.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "channel": "bell",
                  "language": "es",
                  "recipient": \(targetJSON),
                  "notifiedEventId": "evt-redeemed-1",
                  "notifiedEventType": "connectas.event.SessionRedeemed.v1"
                }
                """,
            expected: .notificationSent(Samples.notificationSent)),
        WireFixture(
            type: "connectas.event.NotificationFailed.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "channel": "bell",
                  "language": "es",
                  "recipient": \(targetJSON),
                  "notifiedEventId": "evt-redeemed-1",
                  "notifiedEventType": "connectas.event.SessionRedeemed.v1",
                  "attempts": 1,
                  "reason": "mail_not_installed: the Discuss (mail) module is not installed"
                }
                """,
            expected: .notificationFailed(Samples.notificationFailed)),
    ]
}
