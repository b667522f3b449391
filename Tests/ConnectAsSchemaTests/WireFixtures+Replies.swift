extension WireFixture {
    static let replies: [WireFixture] = [
        WireFixture(
            type: "connectas.reply.SessionLink.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "url": "https://acme.odoo.example/connectas/redeem/3q2-7wEAAAA",
                  "expiresAt": "2025-03-01T10:20:30.123Z"
                }
                """,
            expected: .sessionLinkReply(Samples.sessionLinkReply)),
        WireFixture(
            type: "connectas.reply.RequestDenied.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "command": "initiate_session",
                  "sessionId": "ses-1",
                  "code": "target_protected_administrator",
                  "message": "Administrators are protected in this organization."
                }
                """,
            expected: .requestDeniedReply(Samples.requestDeniedReply)),
        WireFixture(
            type: "connectas.reply.RequestFailed.v1",
            data: """
                {
                  "requestId": "req-9",
                  "stage": "validation",
                  "code": "invalid_command",
                  "message": "schema.missing_field at data.actor"
                }
                """,
            expected: .requestFailedReply(Samples.requestFailedReply)),
        WireFixture(
            type: "connectas.reply.UsersList.v1",
            data: """
                {
                  "requestId": "req-4",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "users": [
                    {"id": 2, "login": "admin", "displayName": "Mitchell Admin", "isAdministrator": true},
                    {"id": 7, "login": "sam@customer.example", "displayName": "Sam Rivera", "isAdministrator": false}
                  ]
                }
                """,
            expected: .usersListReply(Samples.usersListReply)),
        WireFixture(
            type: "connectas.reply.StateApplied.v1",
            data: #"{"stateEventId": "evt-env-1", "stateType": "platform.environment.v1", "stateKey": "env-1"}"#,
            expected: .stateApplied(Samples.stateApplied)),
        WireFixture(
            type: "connectas.reply.RevokeAcknowledged.v1",
            data: #"{"requestId": "req-3", "orgId": "org-1", "environmentId": "env-1", "sessionId": "ses-1"}"#,
            expected: .revokeAcknowledged(Samples.revokeAcknowledged)),
        WireFixture(
            type: "connectas.reply.EndAcknowledged.v1",
            data: #"{"requestId": "req-2", "orgId": "org-1", "environmentId": "env-1", "sessionId": "ses-1"}"#,
            expected: .endAcknowledged(Samples.endAcknowledged)),
    ]
}
