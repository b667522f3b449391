import ConnectAsService

// The composition point of session-injector: creates and deletes Odoo sessions over SSH and serves the one-time
// redeem link.
await ServiceMain.run(.sessionInjector) { configuration, logger in
    [StandbyService(logger: logger)]
}
