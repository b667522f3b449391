extension WireFixture {
    static let commands: [WireFixture] = [
        WireFixture(
            type: "connectas.command.InitiateSession.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "target": {"login": "sam@customer.example"},
                  "reason": "Customer reported invoice view error",
                  "clientIp": "203.0.113.9",
                  "userAgent": "Mozilla/5.0 (X11; Linux x86_64)"
                }
                """,
            expected: .initiateSession(Samples.initiateSession)),
        WireFixture(
            type: "connectas.command.EndSession.v1",
            data: """
                {
                  "requestId": "req-2",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "reason": "done reproducing"
                }
                """,
            expected: .endSession(Samples.endSession)),
        WireFixture(
            type: "connectas.command.RevokeSession.v1",
            data: """
                {
                  "requestId": "req-3",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_7", "email": "lead@support.example"}
                }
                """,
            expected: .revokeSession(Samples.revokeSession)),
        WireFixture(
            type: "connectas.command.ListUsers.v1",
            data: """
                {
                  "requestId": "req-4",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "search": "sam"
                }
                """,
            expected: .listUsers(Samples.listUsers)),
    ]
}
