import ConnectAsOdoo
import ConnectAsSchema

extension OdooShellError {
    /// The target rule the script refused on, as the denial policy-service would have given had it been able to
    /// look into Odoo; nil for everything that is a failure rather than a refusal.
    var denialCode: DenialCode? {
        guard isRefusal else { return nil }
        switch code {
        // Not an active internal user: the superuser and portal users are not targets at all.
        case .userNotFound, .userIsSuperuser, .userIsShare: return .targetNotFound
        case .userInactive: return .targetInactive
        case .administratorProtected: return .targetProtectedAdministrator
        case .ownAccount: return .targetIsSelf
        default: return nil
        }
    }

    /// What SessionFailed and RequestFailedReply report; `operation` is the stage of the script's own errors.
    func failure(during operation: FailureStage) -> (stage: FailureStage, code: FailureCode) {
        switch code {
        case .hostKeyMismatch: (.sshHostKey, .hostKeyMismatch)
        case .sshAuthenticationFailed: (.sshAuthentication, .sshAuthenticationFailed)
        case .sshUnreachable: (.sshConnect, .hostUnreachable)
        case .sshFailed: (.sshConnect, .sshChannelError)
        case .timeout: (.odooShell, .timeout)
        case .shellFailed:
            // Odoo's own message for an unknown database, the one shell failure an operator fixes in the platform.
            (.odooShell, message.contains("does not exist") ? .databaseNotFound : .odooShellFailed)
        case .protocolError: (.odooShell, .odooProtocolError)
        case .unsupportedVersion: (.odooShell, .odooVersionUnsupported)
        case .invalidIdentifier: (.validation, .internalError)
        case .internalError, .deleteFailed, .mailNotInstalled: (operation, .odooShellFailed)
        default: (operation, .internalError)
        }
    }
}
