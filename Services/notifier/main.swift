import ConnectAsService

// The composition point of notifier: tells the impersonated user by e-mail or Odoo bell.
await ServiceMain.run(.notifier) { configuration, logger in
    [StandbyService(logger: logger)]
}
