import ConnectAsPolicy
import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// A service's own copy of the compacted `platform.*` topics, in its own schema (tables ``PlatformStateTables``):
/// the latest record per key. policy-service reads it in the transaction that decides; audit-writer to decide who
/// may read the audit, by the same rules (``ConnectAsPolicy``).
public struct PlatformStateStore: Sendable {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    public func upsert(_ org: OrgState, eventID: String) async throws {
        try await connection.query(
            """
            INSERT INTO orgs (org_id, plan, record, source_event_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (org_id) DO UPDATE SET plan = excluded.plan, record = excluded.record,
                source_event_id = excluded.source_event_id, updated_at = now()
            """, org.orgId, org.plan.rawValue, try PostgresJSON(encoding: org), eventID)
    }

    public func upsert(_ member: MemberState, eventID: String) async throws {
        try await connection.query(
            """
            INSERT INTO members (member_key, org_id, platform_user_id, role, record, source_event_id)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (member_key) DO UPDATE SET org_id = excluded.org_id,
                platform_user_id = excluded.platform_user_id, role = excluded.role, record = excluded.record,
                source_event_id = excluded.source_event_id, updated_at = now()
            """, member.partitionKey, member.orgId, member.platformUserId, member.role.rawValue,
            try PostgresJSON(encoding: member), eventID)
    }

    public func upsert(_ environment: EnvironmentState, eventID: String) async throws {
        try await connection.query(
            """
            INSERT INTO environments (environment_id, org_id, status, record, source_event_id)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (environment_id) DO UPDATE SET org_id = excluded.org_id, status = excluded.status,
                record = excluded.record, source_event_id = excluded.source_event_id, updated_at = now()
            """, environment.environmentId, environment.orgId, environment.status.rawValue,
            try PostgresJSON(encoding: environment), eventID)
    }

    /// Deletes the record a tombstone's key names; returns whether there was one.
    public func delete(_ kind: StateKind, key: String) async throws -> Bool {
        let sql =
            switch kind {
            case .orgs: "DELETE FROM orgs WHERE org_id = $1"
            case .members: "DELETE FROM members WHERE member_key = $1"
            case .environments: "DELETE FROM environments WHERE environment_id = $1"
            }
        return try await connection.query(sql, key).affectedRows > 0
    }

    /// What a decision about `actor` in `orgId` on `environmentId` may read.
    public func snapshot(orgId: String, actor platformUserId: String, environmentId: String) async throws -> PolicySnapshot {
        let org = try await record(OrgState.self, "SELECT record FROM orgs WHERE org_id = $1", orgId)
        let member = try await record(
            MemberState.self, "SELECT record FROM members WHERE org_id = $1 AND platform_user_id = $2", orgId,
            platformUserId)
        let environment = try await record(
            EnvironmentState.self, "SELECT record FROM environments WHERE environment_id = $1", environmentId)
        return PolicySnapshot(org: org, member: member, environment: environment)
    }

    private func record<State: Decodable>(
        _ type: State.Type, _ sql: String, _ parameters: any PostgresEncodable...
    ) async throws -> State? {
        guard let row = try await connection.query(sql, parameters: parameters).first else { return nil }
        return try row.decode("record", as: PostgresJSON.self).decode(State.self)
    }
}

/// The three state topics, by the table that holds each.
public enum StateKind: String, Sendable {
    case orgs
    case members
    case environments
}

/// The tables of ``PlatformStateStore``, for a service's migration (policy-service's first migration created the same).
public enum PlatformStateTables {
    public static let sql = """
        CREATE TABLE orgs (
            org_id text PRIMARY KEY,
            plan text NOT NULL,
            record jsonb NOT NULL,
            source_event_id text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE members (
            member_key text PRIMARY KEY,
            org_id text NOT NULL,
            platform_user_id text NOT NULL,
            role text NOT NULL,
            record jsonb NOT NULL,
            source_event_id text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (org_id, platform_user_id)
        );
        CREATE TABLE environments (
            environment_id text PRIMARY KEY,
            org_id text NOT NULL,
            status text NOT NULL,
            record jsonb NOT NULL,
            source_event_id text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """
}
