import ConnectAsService
import Foundation
import SessionInjector

// The composition point of session-injector: creates and deletes Odoo sessions over SSH and serves the one-time
// redeem link. Its own settings and key files are checked before anything connects, so a missing key stops it
// with the same exit status as any configuration error.
await ServiceMain.migrateIfAsked(.sessionInjector, migrations: InjectorMigrations.all)
let configuration: InjectorConfiguration
let keys: KeyStore
do {
    configuration = try await InjectorConfiguration.load()
    keys = try KeyStore(configuration: configuration)
} catch {
    FileHandle.standardError.write(Data("session-injector: \(error)\n".utf8))
    exit(ServiceMain.configurationErrorStatus)
}

await ServiceMain.run(.sessionInjector, migrations: InjectorMigrations.all) { context in
    try InjectorService.compose(context: context, configuration: configuration, keys: keys)
}
