import Foundation

/// How a connection authenticates: a private key (OpenSSH or PEM format) and its passphrase if it has one.
///
/// Never printed or dumped with its key material: descriptions and mirrors say only where the key comes from.
public struct SSHCredentials: Sendable, CustomStringConvertible, CustomReflectable {
    /// A private key, read from a file each time a connection authenticates (so a rotated file is picked up on the
    /// next connection) or held in memory.
    public struct PrivateKey: Sendable, CustomStringConvertible, CustomReflectable {
        enum Source: Sendable {
            case file(String)
            case memory([UInt8])
        }

        let source: Source

        /// A key file in OpenSSH (`BEGIN OPENSSH PRIVATE KEY`) or PEM format.
        public static func file(_ path: String) -> PrivateKey { PrivateKey(source: .file(path)) }

        /// The text of a key file, for keys kept in a key store rather than on disk.
        public static func pem(_ text: String) -> PrivateKey { PrivateKey(source: .memory(Array(text.utf8))) }

        public var description: String {
            switch source {
            case .file(let path): "private key file \(path)"
            case .memory: "in-memory private key"
            }
        }

        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    public var privateKey: PrivateKey
    public var passphrase: String?

    public init(privateKey: PrivateKey, passphrase: String? = nil) {
        self.privateKey = privateKey
        self.passphrase = passphrase
    }

    public static func privateKeyFile(_ path: String, passphrase: String? = nil) -> SSHCredentials {
        SSHCredentials(privateKey: .file(path), passphrase: passphrase)
    }

    public static func privateKey(pem: String, passphrase: String? = nil) -> SSHCredentials {
        SSHCredentials(privateKey: .pem(pem), passphrase: passphrase)
    }

    public var description: String {
        passphrase == nil ? privateKey.description : "\(privateKey.description) with passphrase"
    }

    public var customMirror: Mirror { Mirror(self, children: ["privateKey": privateKey.description]) }

    /// The key's bytes, read on the connection's own thread at authentication time.
    func loadPrivateKey() throws(SSHError) -> [UInt8] {
        switch privateKey.source {
        case .memory(let bytes):
            return bytes
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SSHError(.privateKeyUnusable, "cannot read the private key file \(path)")
            }
            return Array(data)
        }
    }
}
