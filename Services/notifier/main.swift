import ConnectAsService
import Notifier

// The composition point of notifier: e-mails the impersonated user when a session is redeemed (bell notifications
// are later work, see NotifierHandler).
await ServiceMain.migrateIfAsked(.notifier, migrations: NotifierMigrations.all)
let settings = await NotifierConfiguration.loadOrExit()
await ServiceMain.run(.notifier, migrations: NotifierMigrations.all) { context in
    ServiceComposition(
        consumes: [context.topics.events], handler: NotifierHandler(configuration: settings),
        services: [try NotificationSender(context: context, configuration: settings)],
        retention: NotifierRetention.rules)
}
