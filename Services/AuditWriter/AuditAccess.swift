import ConnectAsService
import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who may call the audit API, by bearer token (`Authorization: Bearer …`), each compared in constant time:
///
/// - the platform's back end (`connectas.audit.platformTokenFile`, required): asks on behalf of one of its users,
///   named in `asUser`; each query is decided by ``ConnectAsPolicy/ViewAuditRule`` on audit-writer's own copy of
///   platform state;
/// - operators of the suite (`connectas.audit.operatorTokenFile`, optional): the chain check, checkpoints, and
///   reads by session, request or sequence number.
///
/// A token file holds one token per line (several during a rotation), each at least 32 characters. In production put
/// a TLS-terminating proxy with client certificates (mTLS) in front as well; audit-writer itself listens on loopback.
public struct AuditAccess: Sendable {
    public enum Caller: Sendable, Equatable {
        case platform
        case `operator`
    }

    /// SHA-256 of each token: equal lengths, so the comparison's time depends on neither token's length.
    let platform: [Data]
    let operators: [Data]

    public init(platformTokens: [String], operatorTokens: [String]) {
        platform = platformTokens.map(Self.digest)
        operators = operatorTokens.map(Self.digest)
    }

    static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    /// Every byte looked at whatever the first difference.
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    public init(reader: ConfigReader) throws {
        let platformKey = "connectas.audit.platformTokenFile"
        guard let platformFile = reader.checkedString(platformKey) else {
            throw ConfigurationError(
                key: platformKey, problem: "is not set",
                fix: "point it at a file holding the platform back end's bearer token (openssl rand -hex 32 > FILE)")
        }
        let operatorKey = "connectas.audit.operatorTokenFile"
        self.init(
            platformTokens: try Self.tokens(file: platformFile, key: platformKey),
            operatorTokens: try reader.checkedString(operatorKey).map { try Self.tokens(file: $0, key: operatorKey) }
                ?? [])
    }

    static func tokens(file: String, key: String) throws -> [String] {
        let fix = "put one token of at least 32 characters per line (openssl rand -hex 32 > FILE)"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(key: key, problem: "names \(file), which cannot be read", fix: fix)
        }
        let tokens = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !tokens.isEmpty, tokens.allSatisfy({ $0.count >= 32 }) else {
            throw ConfigurationError(key: key, problem: "names \(file), which holds no usable token", fix: fix)
        }
        return tokens
    }

    /// The caller a request's bearer token names; 401 without a known one.
    public func caller(of request: Request) throws -> Caller {
        let header = request.headers[.authorization] ?? ""
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        let digest = Self.digest(token)
        // Every token compared, each in constant time, so the time taken says nothing about which one nearly matched.
        var isPlatform = false
        var isOperator = false
        for known in platform where Self.constantTimeEqual(known, digest) { isPlatform = true }
        for known in operators where Self.constantTimeEqual(known, digest) { isOperator = true }
        if !token.isEmpty, isPlatform { return .platform }
        if !token.isEmpty, isOperator { return .operator }
        throw HTTPError(
            .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"connectas-audit\""],
            message: "a bearer token the operator provisioned is required")
    }

    /// Only `caller` may use this route: anyone else is refused as unauthenticated for it.
    public func require(_ caller: Caller, for request: Request) throws {
        guard try self.caller(of: request) == caller else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"connectas-audit\""],
                message: caller == .platform
                    ? "this route answers the platform's back end, with its token"
                    : "this route answers operators, with an operator token")
        }
    }
}
