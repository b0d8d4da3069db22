import ArgumentParser
import Foundation
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore

/// `shenguan key`: the replica key at rest.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "The replica key at rest (encrypted, mode 0600).",
                                                    subcommands: [ChangePassphrase.self])

    struct ChangePassphrase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passphrase", abstract: "Change the passphrase of the replica key (the key itself, and so the replica's identity, stay the same).",
            discussion: """
                The current passphrase comes from $SHENGUAN_PASSPHRASE or a prompt, the new one from
                $SHENGUAN_NEW_PASSPHRASE or a prompt typed twice. The file is replaced atomically: on any
                error the old key file stays as it was.
                Example: shenguan key passphrase --home ~/market
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Another key file than the replica's (e.g. a root key kept off the serving machine).") var key: String?

        func run() throws {
            let path = key ?? ReplicaHome(path: global.resolvedHome).keyPath
            let old = try ReplicaFiles.keyIsEncrypted(path) ? try Passphrase.obtain() : nil
            // A wrong current passphrase stops here, before the new one is asked for.
            try ReplicaFiles.checkPassphrase(keyFile: path, current: old)
            let new: String
            if let env = ProcessInfo.processInfo.environment["SHENGUAN_NEW_PASSPHRASE"], !env.isEmpty { new = env } else {
                new = try Passphrase.prompt("New passphrase: ", confirm: true)
            }
            try ReplicaFiles.changePassphrase(keyFile: path, current: old, new: new)
            if global.json { printJSON(.object(["key": .string(path), "changed": .bool(true)])); return }
            print("The passphrase of \(path) was changed (mode 0600, encrypted). Keep the new one where the old one was kept.")
        }
    }
}
