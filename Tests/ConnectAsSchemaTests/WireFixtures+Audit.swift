extension WireFixture {
    static let audit: [WireFixture] = [
        WireFixture(
            type: "connectas.audit.Checkpoint.v1",
            data: """
                {
                  "seq": 4711,
                  "headHash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                  "signedAt": "2025-03-01T10:15:30.123Z",
                  "keyId": "5a1e3c0f9b7d2e41",
                  "signature": "c2lnbmF0dXJlIG9mIHNpeHR5LWZvdXIgYnl0ZXMgLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLg=="
                }
                """,
            expected: .auditCheckpoint(Samples.auditCheckpoint)),
        WireFixture(
            type: "connectas.event.AuditQueried.v1",
            data: """
                {
                  "queryId": "qry-1",
                  "caller": "platform",
                  "platformUserId": "usr_42",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "query": "/v1/orgs/org-1/environments/env-1/sessions?status=ended",
                  "allowed": false,
                  "denialCode": "permission_denied",
                  "denialReason": "Missing permission env.impersonation.view_audit."
                }
                """,
            expected: .auditQueried(Samples.auditQueried)),
    ]
}
