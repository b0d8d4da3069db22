import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanStore

/// Every refusal of the application layer: a stable `code` (what scripts and
/// tests match), a sentence a clerk can act on in English and in Chinese.
/// Errors of the layers below are mapped to it once, by ``wrap(_:)``, so a
/// front end (the CLI, the web interface) has one thing to present.
public struct ReplicaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, dotted: `workflow.already_claimed`, `staff.required`, …
    public let code: String
    /// The sentence in English.
    public let message: String
    /// The sentence in Chinese (简体中文), for the clerk.
    public let chinese: String

    public init(_ code: String, _ message: String, zh chinese: String? = nil) {
        self.code = code; self.message = message
        self.chinese = chinese ?? Self.chineseByCode[code] ?? message
    }

    public var description: String { message }

    /// The Chinese sentence is the code's general one (the English message
    /// holds the particulars): a front end shows both.
    public var chineseIsGeneral: Bool { Self.chineseByCode[code] == chinese }

    /// Any error of the store, the key file, the operation rules or the
    /// calendar as a `ReplicaError` with its stable code.
    public static func wrap(_ error: any Error) -> ReplicaError {
        switch error {
        case let e as ReplicaError: return e
        case let e as OpRejection: return ReplicaError(e.code.rawValue, e.reason)
        case let e as StoreError: return ReplicaError(e.code, "\(e)")
        case let e as KeyFileError: return ReplicaError(e.code, "\(e)")
        case let e as CalendarError: return ReplicaError(e.code, "\(e)")
        case let e as Policy.Invalid: return ReplicaError(e.code, "\(e)")
        default:
            if let fault = StoreError.classify(error) { return wrap(fault) }   // disk full, read-only, locked, damaged
            return ReplicaError("error", "\(error)", zh: "内部错误：\(error)")
        }
    }

    /// Chinese sentences of the codes the layers below raise (their English
    /// sentence says the same with the details).
    static let chineseByCode: [String: String] = [
        "workflow.not_addressee": "该事项发给或属于其他部门，只有该部门可以办理。",
        "workflow.invalid_ref": "所引用的操作类型或对象不符。",
        "auth.forbidden_kind": "本部门无权进行此类操作（权限表，R21）。",
        "auth.not_admitted": "本副本尚未被名册接纳：请将 join-request.json 交给监督办公室，然后同步。",
        "staff.unknown": "所填工作人员不是本部门登记的人员。",
        "staff.invalid": "所填工作人员在操作日期不在有效期内（R3）。",
        "op.invalid_body": "填写的内容不完整或不合规。",
        "store.unknown_op": "找不到该编号、证照编号、信用代码或名称对应的事项。",
        "store.ambiguous_op": "该编号前缀对应多个操作，请多输入几位。",
        "store.not_initialised": "此文件夹还不是审管副本：请先运行 shenguan init。",
        "store.behind_key": "数据库比密钥记录的旧（可能是从旧备份恢复）：请先同步找回本部门的操作，切勿继续签名。",
        "store.behind_chain": "对端持有本副本密钥签署的、本副本尚未持有的操作（副本可能从旧副本恢复，或另有一份副本在运行）：请先同步取回这些操作再签名；若无法取回，请监督办公室为本副本更换密钥。未签署任何内容。",
        "store.forked_key": "本副本的密钥对同一序号签署了两个不同的操作（副本或密钥的拷贝在别处被使用）：请停用此密钥，由监督办公室吊销并接纳新密钥（证据见 shenguan conflicts）。未签署任何内容。",
        "store.restored_unsynced": "本副本从备份恢复后尚未与所有对端同步：请先运行 shenguan sync，以免再次签署密钥已签过的序号（分叉）。未签署任何内容。",
        "key.passphrase_required": "需要副本密钥的口令：设置 SHENGUAN_PASSPHRASE 或在终端输入。",
        "key.wrong_passphrase": "口令不正确，密钥未解锁。",
        "calendar.no_table": "官方工作日历缺少该年度：请监督办公室发布该年度日历（shenguan network calendar）。",
        "clock.future": "该操作的时间超前于本机时钟，待本机时间到达后自动生效。",
        "store.disk_full": "副本所在磁盘已满：本次写入已全部撤销。请清理磁盘空间后重试。",
        "store.read_only": "副本数据库无法写入：请检查磁盘是否以读写方式挂载、文件夹是否属于本账户。未写入任何内容。",
        "store.busy": "另一个程序（其他 shenguan 命令或备份）长时间占用副本数据库：请稍后重试。未写入任何内容。",
        "store.damaged": "副本数据库已损坏：请停止写入并保留该文件，从备份恢复或从其他副本重新同步。",
    ]
}
