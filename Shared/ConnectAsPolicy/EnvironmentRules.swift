import ConnectAsSchema
import Foundation

/// What an environment and its org must be for Connect As to reach it.
public enum EnvironmentRules {
    /// Odoo series whose session store the injector knows (13.0 through 19.0, SaaS releases included).
    public static let supportedOdooMajors: ClosedRange<Int> = 13...19

    /// The environment named by the command, when it exists and belongs to the org. One that belongs to another org
    /// is reported exactly like one that does not exist, so a denial never reveals another org's environments.
    public static func environment(
        _ environmentId: String, of orgId: String, in state: PolicySnapshot
    ) throws(Denial) -> EnvironmentState {
        guard let environment = state.environment, environment.environmentId == environmentId,
            environment.orgId == orgId
        else {
            throw Denial(.environmentUnknown, "The environment is not known in this organization.")
        }
        return environment
    }

    /// Connect As is offered from the Starter plan up.
    public static func requireEligiblePlan(_ org: OrgState) throws(Denial) {
        guard org.plan >= .starter else {
            throw Denial(
                .planNotEligible,
                "Connect As needs the Starter plan or above; this organization is on \(org.plan.rawValue).")
        }
    }

    /// The environment can take a new session now: running, preflight passed, a supported Odoo.
    public static func requireReady(_ environment: EnvironmentState) throws(Denial) {
        guard environment.status == .running else {
            throw Denial(
                .environmentNotRunning,
                "The environment is \(environment.status.rawValue); Connect As needs it running.")
        }
        guard environment.preflight.ok else {
            let failures = environment.preflight.failures.joined(separator: "; ")
            throw Denial(
                .preflightFailed,
                "The environment's SSH preflight failed" + (failures.isEmpty ? "." : ": \(failures)."))
        }
        guard let major = odooMajorVersion(environment.odooVersion), supportedOdooMajors.contains(major) else {
            throw Denial(
                .odooVersionUnsupported,
                "Odoo \(environment.odooVersion) is not supported; Connect As supports Odoo 13.0 to 19.0.")
        }
    }

    /// The major series of an Odoo version as the platform writes it: `17.0` → 17, `saas~17.2` → 17.
    public static func odooMajorVersion(_ version: String) -> Int? {
        var text = Substring(version.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("saas~") { text = text.dropFirst("saas~".count) }
        let digits = text.prefix(while: \.isASCIIDigit)
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let rest = text.dropFirst(digits.count)
        guard rest.isEmpty || rest.first == "." else { return nil }
        return Int(digits)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
