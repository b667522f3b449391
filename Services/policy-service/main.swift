import ConnectAsService

// The composition point of policy-service: decides InitiateSession and the other commands from its own copy of
// platform state.
await ServiceMain.run(.policyService) { configuration, logger in
    [StandbyService(logger: logger)]
}
