/// What a rule concluded: the approval it builds, or the first rule the command broke.
public enum PolicyDecision<Approval: Sendable>: Sendable {
    case approved(Approval)
    case denied(Denial)

    /// Runs checks written as straight-line code, each throwing the ``Denial`` of the rule it enforces; the first one
    /// thrown is the decision, so the order of the checks is the order in which rules win.
    public init(_ checks: () throws(Denial) -> Approval) {
        do {
            self = .approved(try checks())
        } catch {
            self = .denied(error)
        }
    }

    public var approval: Approval? {
        if case .approved(let approval) = self { approval } else { nil }
    }

    public var denial: Denial? {
        if case .denied(let denial) = self { denial } else { nil }
    }
}

extension PolicyDecision: Equatable where Approval: Equatable {}
