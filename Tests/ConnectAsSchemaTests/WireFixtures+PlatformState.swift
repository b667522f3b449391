extension WireFixture {
    static let platformState: [WireFixture] = [
        WireFixture(
            type: "platform.org.v1",
            data: """
                {
                  "orgId": "org-1",
                  "plan": "professional",
                  "permissionOverrides": {
                    "developer": {"env.impersonation.list_users": true, "env.impersonation.initiate": true},
                    "admin": {"env.impersonation.revoke": false}
                  },
                  "notifications": {"channels": ["email", "bell"], "language": "es"},
                  "policy": {"protectAdministrators": true, "maxSessionDurationSeconds": 1800}
                }
                """,
            expected: .orgState(Samples.orgState)),
        WireFixture(
            type: "platform.member.v1",
            data: """
                {"orgId": "org-1", "platformUserId": "usr_42", "email": "ana@support.example", "role": "admin"}
                """,
            expected: .memberState(Samples.memberState)),
        WireFixture(
            type: "platform.environment.v1",
            data: """
                {
                  "environmentId": "env-1",
                  "orgId": "org-1",
                  "status": "running",
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
                  },
                  "preflight": {"ok": false, "failures": ["odoo container not reachable"]}
                }
                """,
            expected: .environmentState(Samples.environmentState)),
    ]

    static let deadLetters: [WireFixture] = [
        WireFixture(
            type: "connectas.dlq.DeadLetter.v1",
            data: """
                {
                  "originalTopic": "connectas.commands",
                  "partition": 3,
                  "offset": 1042,
                  "key": "env-1",
                  "keyEncoding": "utf8",
                  "payload": "//4AQQ==",
                  "payloadEncoding": "base64",
                  "payloadSize": 4,
                  "payloadSha256": "6e153708ea1302ccc480999bda6939c7aef6dd60531b7acfff00e81bde4986ab",
                  "errorCode": "schema.malformed_json",
                  "reason": "not valid JSON",
                  "service": "policy-service",
                  "failedAt": "2025-03-01T10:15:30.123Z"
                }
                """,
            expected: .deadLetter(Samples.deadLetter))
    ]
}
