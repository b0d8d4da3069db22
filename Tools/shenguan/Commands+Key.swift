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
            let bytes = try KeyFile.read(from: path)
            let old = KeyFile.isEncrypted(bytes) ? try Passphrase.obtain() : nil
            _ = try KeyFile.open(bytes, passphrase: old, path: path)   // a wrong current passphrase stops here, before asking the new one
            let new: String
            if let env = ProcessInfo.processInfo.environment["SHENGUAN_NEW_PASSPHRASE"], !env.isEmpty { new = env } else {
                new = try Passphrase.prompt("New passphrase: ", confirm: true)
            }
            guard new != old else {
                throw ReplicaError("key.same_passphrase", "The new passphrase is the current one: nothing was changed.", zh: "新口令与当前口令相同，未作更改。")
            }
            try KeyFile.changePassphrase(at: path, old: old, new: new)
            if global.json { printJSON(.object(["key": .string(path), "changed": .bool(true)])); return }
            print("The passphrase of \(path) was changed (mode 0600, encrypted). Keep the new one where the old one was kept.")
        }
    }
}
