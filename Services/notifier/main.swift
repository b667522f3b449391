import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsService
import Notifier

// The composition point of notifier: tells the impersonated user, by e-mail and by the Odoo bell, when support signs
// in as them and when that session closes.
await ServiceMain.migrateIfAsked(.notifier, migrations: NotifierMigrations.all)
let settings = await NotifierConfiguration.loadOrExit()
await ServiceMain.run(.notifier, migrations: NotifierMigrations.all) { context in
    var ssh = SSHClientConfiguration()
    ssh.commandTimeout = settings.odooTimeout
    let pool = SSHConnectionPool(configuration: ssh, logger: context.logger)
    let odoo = settings.sshKeyFile.map {
        OdooShell(pool: pool, credentials: .privateKeyFile($0), timeout: settings.odooTimeout, logger: context.logger)
    }
    return ServiceComposition(
        consumes: [context.topics.events], handler: try NotifierHandler(configuration: settings),
        services: [SSHPoolService(pool: pool), try NotificationSender(context: context, configuration: settings, odoo: odoo)],
        retention: NotifierRetention.rules)
}
