import ConnectAsSchema
import Foundation

/// At most `limit` events in any rolling `windowSeconds`.
///
/// The window ending at `now` is the half-open interval (now − window, now]: an event exactly one window old no
/// longer counts. Events stamped after `now` (another replica's clock, or the same transaction) count, so that a
/// clock skew can only make the limit stricter.
public struct RateLimit: Sendable, Hashable {
    public var limit: Int
    public var windowSeconds: Int

    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// The events of `recent` that count against the limit at `now`.
    public func counted(_ recent: [Date], at now: Date) -> [Date] {
        let start = now.addingTimeInterval(-Double(windowSeconds))
        return recent.filter { $0 > start }
    }

    /// Nil when one more event is allowed at `now`; otherwise how many whole seconds until it is (at least 1).
    public func retryAfter(_ recent: [Date], at now: Date) -> Int? {
        let counted = counted(recent, at: now).sorted()
        guard counted.count >= limit else { return nil }
        // One more is allowed once all but limit − 1 of the counted events have left the window.
        let leaving = counted[counted.count - limit]
        let wait = leaving.addingTimeInterval(Double(windowSeconds)).timeIntervalSince(now)
        return max(1, Int(wait.rounded(.up)))
    }
}

/// The design's limits on initiations, exact across all replicas because they are counted in one database.
public struct RateLimits: Sendable, Hashable {
    /// At most 5 initiations per rolling hour from one client IP.
    public var perClientIp: RateLimit
    /// At most 3 initiations per rolling minute on one environment.
    public var perEnvironment: RateLimit

    public static let standard = RateLimits(
        perClientIp: RateLimit(limit: 5, windowSeconds: 3600), perEnvironment: RateLimit(limit: 3, windowSeconds: 60))

    public init(perClientIp: RateLimit, perEnvironment: RateLimit) {
        self.perClientIp = perClientIp
        self.perEnvironment = perEnvironment
    }

    /// The longest window, i.e. how far back a caller must look up past initiations.
    public var lookBackSeconds: Int { max(perClientIp.windowSeconds, perEnvironment.windowSeconds) }

    func check(_ recent: RecentInitiations, at now: Date) throws(Denial) {
        if let wait = perClientIp.retryAfter(recent.fromClientIp, at: now) {
            throw Denial(
                .rateLimitedClientIp,
                "Too many sessions started from your address: at most \(perClientIp.limit) per "
                    + "\(Self.describe(perClientIp.windowSeconds)). Try again in \(wait) s.",
                retryAfterSeconds: wait)
        }
        if let wait = perEnvironment.retryAfter(recent.onEnvironment, at: now) {
            throw Denial(
                .rateLimitedEnvironment,
                "Too many sessions started on this environment: at most \(perEnvironment.limit) per "
                    + "\(Self.describe(perEnvironment.windowSeconds)). Try again in \(wait) s.",
                retryAfterSeconds: wait)
        }
    }

    private static func describe(_ seconds: Int) -> String {
        switch seconds {
        case 3600: "hour"
        case 60: "minute"
        default: "\(seconds) s"
        }
    }
}

/// When the initiations that count against the limits were approved: those from the command's client IP and those
/// on its environment, as far back as ``RateLimits/lookBackSeconds`` (older ones may be included; they are ignored).
public struct RecentInitiations: Sendable, Hashable {
    public var fromClientIp: [Date]
    public var onEnvironment: [Date]

    public static let none = RecentInitiations(fromClientIp: [], onEnvironment: [])

    public init(fromClientIp: [Date], onEnvironment: [Date]) {
        self.fromClientIp = fromClientIp
        self.onEnvironment = onEnvironment
    }
}
