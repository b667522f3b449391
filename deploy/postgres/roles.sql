-- The roles of a Connect As database (README, "Database roles"), for docker-compose's first start. In production a
-- DBA runs the same with real passwords. Nothing here is a superuser; only the owner owns anything.
CREATE ROLE connectas_owner LOGIN PASSWORD 'connectas_owner';
CREATE DATABASE connectas OWNER connectas_owner;
-- One role per service: it logs in, and receives its rights from `<service> migrate`.
CREATE ROLE connectas_policy_service LOGIN PASSWORD 'connectas_policy_service';
CREATE ROLE connectas_session_injector LOGIN PASSWORD 'connectas_session_injector';
CREATE ROLE connectas_audit_writer LOGIN PASSWORD 'connectas_audit_writer';
CREATE ROLE connectas_notifier LOGIN PASSWORD 'connectas_notifier';
-- Reads the audit (and the other schemas) and nothing else: for `connectas audit verify` and auditors' tools.
CREATE ROLE connectas_auditor LOGIN PASSWORD 'connectas_auditor';
