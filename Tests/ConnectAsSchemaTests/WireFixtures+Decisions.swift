extension WireFixture {
    static let dockerEnvironmentJSON = """
        {
          "domain": "acme.odoo.example",
          "server": {
            "host": "10.0.0.5",
            "port": 2222,
            "user": "deploy",
            "hostKeyFingerprint": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
          },
          "odooVersion": "17.0",
          "database": "acme_prod",
          "runtime": {"kind": "docker", "container": "acme-odoo"}
        }
        """

    static let decisions: [WireFixture] = [
        WireFixture(
            type: "connectas.event.InitiateApproved.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "actorRole": "admin",
                  "target": {"odooUserId": 7},
                  "reason": "Customer reported invoice view error",
                  "clientIp": "203.0.113.9",
                  "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
                  "maxSessionDurationSeconds": 3600,
                  "protectAdministrators": true,
                  "environment": \(dockerEnvironmentJSON),
                  "notifications": {"channels": ["email", "bell"], "language": "es"}
                }
                """,
            expected: .initiateApproved(Samples.initiateApproved)),
        WireFixture(
            type: "connectas.event.InitiateDenied.v1",
            data: """
                {
                  "requestId": "req-1",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "target": {"login": "sam@customer.example"},
                  "reason": "Customer reported invoice view error",
                  "clientIp": "203.0.113.9",
                  "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
                  "code": "rate_limited_client_ip",
                  "message": "Too many sessions from this address; try again later.",
                  "retryAfterSeconds": 1200
                }
                """,
            expected: .initiateDenied(Samples.initiateDenied)),
        WireFixture(
            type: "connectas.event.RevokeApproved.v1",
            data: """
                {
                  "requestId": "req-3",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_7", "email": "lead@support.example"},
                  "actorRole": "owner",
                  "reason": "Left open by mistake",
                  "environment": {
                    "domain": "erp.acme.example",
                    "server": {
                      "host": "10.0.0.5",
                      "port": 2222,
                      "user": "deploy",
                      "hostKeyFingerprint": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
                    },
                    "odooVersion": "13.0",
                    "database": "acme",
                    "runtime": {
                      "kind": "host",
                      "command": ["/opt/odoo/odoo-bin", "shell", "-c", "/etc/odoo/odoo.conf"],
                      "runAsUser": "odoo"
                    }
                  }
                }
                """,
            expected: .revokeApproved(Samples.revokeApproved)),
        WireFixture(
            type: "connectas.event.RevokeDenied.v1",
            data: """
                {
                  "requestId": "req-3",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_7", "email": "lead@support.example"},
                  "code": "permission_denied",
                  "message": "You may not revoke sessions in this organization."
                }
                """,
            expected: .revokeDenied(Samples.revokeDenied)),
        WireFixture(
            type: "connectas.event.EndApproved.v1",
            data: """
                {
                  "requestId": "req-2",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "actorRole": "developer",
                  "environment": \(dockerEnvironmentJSON)
                }
                """,
            expected: .endApproved(Samples.endApproved)),
        WireFixture(
            type: "connectas.event.EndDenied.v1",
            data: """
                {
                  "requestId": "req-2",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "sessionId": "ses-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "code": "session_not_active",
                  "message": "The session has already ended."
                }
                """,
            expected: .endDenied(Samples.endDenied)),
        WireFixture(
            type: "connectas.event.ListUsersApproved.v1",
            data: """
                {
                  "requestId": "req-4",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "actorRole": "admin",
                  "search": "sam",
                  "environment": \(dockerEnvironmentJSON)
                }
                """,
            expected: .listUsersApproved(Samples.listUsersApproved)),
        WireFixture(
            type: "connectas.event.ListUsersDenied.v1",
            data: """
                {
                  "requestId": "req-4",
                  "orgId": "org-1",
                  "environmentId": "env-1",
                  "actor": {"platformUserId": "usr_42", "email": "ana@support.example"},
                  "code": "plan_not_eligible",
                  "message": "Connect As needs the Starter plan or above."
                }
                """,
            expected: .listUsersDenied(Samples.listUsersDenied)),
    ]
}
