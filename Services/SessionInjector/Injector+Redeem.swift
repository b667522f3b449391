import ConnectAsOdoo
import ConnectAsSchema
import ConnectAsService
import Foundation
import HTTPTypes
import Hummingbird

extension Injector {
    /// `GET /connectas/redeem/<token>`: burns the link and hands the browser Odoo's session cookie.
    ///
    /// Exactly one of any number of concurrent requests wins: the burn is one conditional UPDATE, and the
    /// serializable transaction makes every other request see the row already redeemed. The winner gets a 303 with
    /// the `session_id` cookie; everyone else, and every unknown, expired or revoked link, the same 410 page, which
    /// does not say which of these it was.
    func addRedeemRoutes(to router: ServiceRouter) {
        router.get("connectas/redeem/:token") { request, context -> Response in
            await redeem(
                token: context.parameters.get("token") ?? "", headers: request.headers, peer: context.peerAddress)
        }
        // Hummingbird answers HEAD with the GET handler; a link checker's HEAD must not burn the link.
        router.head("connectas/redeem/:token") { _, _ -> Response in
            Response(status: .methodNotAllowed, headers: [.allow: "GET", .cacheControl: "no-store"])
        }
    }

    func redeem(token: String, headers: HTTPFields, peer: String?) async -> Response {
        guard LinkToken.isWellFormed(token) else { return RedeemPages.gone }
        let browserIp = browserIp(headers, peer: peer)
        let userAgent = Self.userAgent(headers)
        do {
            let redeemed = try await context.transaction { transaction -> (OdooSessionID, String)? in
                let rows = try await transaction.connection.query(
                    """
                    UPDATE sessions SET status = 'redeemed', redeemed_at = now(), link_burnt_at = now(),
                        browser_ip = $2
                    WHERE token_hash = $1 AND status = 'issued' AND link_burnt_at IS NULL
                        AND link_expires_at > now() AND session_expires_at > now()
                    RETURNING \(SessionRecord.columns)
                    """,
                    LinkToken.hash(token), browserIp)
                guard let row = rows.first else { return nil }
                let record = try SessionRecord(row: row)
                // Opened inside the transaction: if it does not open, the link is not burnt for nothing.
                guard let sealed = record.sealedSid else { return nil }
                let sid = try sealer.open(sealed, sessionId: record.sessionId, keyID: record.keyID)
                try await transaction.publish(
                    SessionRedeemed(
                        requestId: record.requestId, orgId: record.orgId, environmentId: record.environmentId,
                        sessionId: record.sessionId, actor: record.actor, target: record.resolvedTarget,
                        browserIp: browserIp, userAgent: userAgent),
                    id: EventID.of(record.sessionId, "redeemed"))
                return (sid, record.environment.domain)
            }
            guard let (sid, domain) = redeemed else { return RedeemPages.gone }
            logger.info("link redeemed", metadata: ["browser.ip": "\(browserIp)"])
            var cookie = "session_id=\(sid.rawValue); Path=/; HttpOnly; SameSite=Lax"
            if links.secure { cookie += "; Secure" }
            return Response(
                status: .seeOther,
                headers: [
                    .location: links.redirect(domain: domain), .setCookie: cookie, .cacheControl: "no-store",
                    RedeemPages.referrerPolicy: "no-referrer",
                ])
        } catch {
            logger.error("redeem failed; the link was not used", metadata: [InjectorLoggingKeys.error: "\(error)"])
            return RedeemPages.unavailable
        }
    }

    /// The browser's address: the peer, or when the peer is a trusted proxy, what its `X-Forwarded-For` says.
    func browserIp(_ headers: HTTPFields, peer: String?) -> String {
        configuration.trustedProxies.browserAddress(
            forwardedFor: headers[values: RedeemPages.forwardedFor], peer: peer)
    }

    static func userAgent(_ headers: HTTPFields) -> String {
        let raw = headers[.userAgent] ?? ""
        let clean = String(raw.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        return String(clean.prefix(512))
    }
}

/// What the redeem endpoint answers besides the redirect: small pages that say nothing about the link.
enum RedeemPages {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    static var gone: Response {
        page(
            .gone, title: "This link is no longer valid",
            text: "Sign-in links work once and only for a few minutes. Ask for a new one.")
    }

    static var unavailable: Response {
        page(
            .serviceUnavailable, title: "Please try again",
            text: "The sign-in could not be completed just now. The link has not been used; reload the page.")
    }

    static func page(_ status: HTTPResponse.Status, title: String, text: String) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">\
            <title>\(title)</title></head><body><h1>\(title)</h1><p>\(text)</p></body></html>
            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", referrerPolicy: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
