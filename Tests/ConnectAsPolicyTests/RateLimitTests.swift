import ConnectAsPolicy
import ConnectAsSchema
import Foundation
import Testing

@Suite("Rate windows")
struct RateLimitTests {
    let now = Fixtures.now
    func ago(_ seconds: Double) -> Date { now.addingTimeInterval(-seconds) }

    @Test("the standard limits are the design's")
    func standard() {
        #expect(RateLimits.standard.perClientIp == RateLimit(limit: 5, windowSeconds: 3600))
        #expect(RateLimits.standard.perEnvironment == RateLimit(limit: 3, windowSeconds: 60))
        #expect(RateLimits.standard.lookBackSeconds == 3600)
    }

    @Test("client IP: the 6th in a rolling hour is refused, not the 5th")
    func clientIpCount() {
        let limit = RateLimits.standard.perClientIp
        let four = [ago(3500), ago(1000), ago(100), ago(1)]
        #expect(limit.retryAfter(four, at: now) == nil)
        #expect(limit.retryAfter(four + [now], at: now) == 100)
    }

    @Test("client IP window edges: exactly an hour ago no longer counts, a millisecond less still does")
    func clientIpEdges() {
        let limit = RateLimits.standard.perClientIp
        let recentFour = [ago(10), ago(20), ago(30), ago(40)]
        #expect(limit.retryAfter(recentFour + [ago(3600)], at: now) == nil)
        #expect(limit.retryAfter(recentFour + [ago(3599.999)], at: now) == 1)
        #expect(limit.retryAfter(recentFour + [ago(3599)], at: now) == 1)
        #expect(limit.retryAfter(recentFour + [ago(3590)], at: now) == 10)
        #expect(limit.retryAfter(recentFour + [ago(7200)], at: now) == nil)
    }

    @Test("environment: the 4th in a rolling minute is refused; exactly a minute ago no longer counts")
    func environmentEdges() {
        let limit = RateLimits.standard.perEnvironment
        #expect(limit.retryAfter([ago(1), ago(2)], at: now) == nil)
        #expect(limit.retryAfter([ago(1), ago(2), ago(3)], at: now) == 57)
        #expect(limit.retryAfter([ago(60), ago(2), ago(3)], at: now) == nil)
        #expect(limit.retryAfter([ago(59.999), ago(2), ago(3)], at: now) == 1)
        #expect(limit.retryAfter([ago(59.5), ago(2), ago(3)], at: now) == 1)
        #expect(limit.retryAfter([now, now, now], at: now) == 60)
    }

    @Test("retry after waits for enough events to leave, whatever their order")
    func retryAfterOrder() {
        let limit = RateLimit(limit: 3, windowSeconds: 60)
        // Five counted, limit three: the three oldest must leave, so the third oldest (30 s ago) decides.
        let events = [ago(5), ago(50), ago(30), ago(40), ago(10)]
        #expect(limit.retryAfter(events, at: now) == 30)
    }

    @Test("events stamped after now count (a replica's clock ahead)")
    func futureEvents() {
        let limit = RateLimit(limit: 3, windowSeconds: 60)
        #expect(limit.retryAfter([now.addingTimeInterval(2), ago(1), ago(2)], at: now) == 58)
    }

    @Test("the counted events are those inside the window")
    func counted() {
        let limit = RateLimit(limit: 3, windowSeconds: 60)
        #expect(limit.counted([ago(61), ago(60), ago(59), now], at: now) == [ago(59), now])
    }
}
