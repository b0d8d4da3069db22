/// The `shenguan` subcommands, as the root help lists them. The CLI's help
/// test checks the list against the binary; the application layer's test
/// (`LibraryCommandsTests`) drives each one through the libraries alone, so
/// a new command without its library entry point fails one of the two.
public enum CLICommands {
    public static let names = [
        "network", "init", "roster", "policy", "staff", "approve", "claim", "certify", "feedback", "relay", "supervise", "warnings",
        "revoke", "inquire", "reply", "inspect", "liaison", "review", "expert", "draw", "boundary", "notice", "promise-check", "correct", "inbox", "reminders", "query", "status", "report", "conflicts", "evidence", "verify",
        "note", "erase", "log", "show", "state", "export", "import", "backup", "restore", "serve", "sync", "peers", "calendar", "key", "demo",
    ]
}
