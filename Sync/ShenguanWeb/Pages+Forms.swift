import ShenguanCore
import ShenguanReplica

extension Pages {
    /// Departments to push to, as checkboxes (Chinese collation by pinyin is
    /// approximated by the roster's order of names; the ids are stable).
    static func departmentChoices(_ choices: [(id: String, name: String)], checked: Set<String>) -> HTML {
        HTML(raw: choices.map { c in
            "<label class=\"check\"><input type=\"checkbox\" name=\"to\" value=\"\(HTML.escape(c.id))\"\(checked.contains(c.id) ? " checked" : "")> \(HTML.escape(c.name))</label>"
        }.joined())
    }

    static func field(_ label: String, _ name: String, _ form: Form?, required: Bool = true, placeholder: String = "", type: String = "text") -> HTML {
        """
        <label>\(label)\(HTML.when(required, "<span class=\"req\" aria-hidden=\"true\">*</span>")) \
        <input type="\(type)" name="\(name)" value="\(form?[name] ?? "")" placeholder="\(placeholder)"\(HTML(raw: required ? " required" : ""))></label>
        """
    }

    /// 审批信息推送 (R1, R2): the approval and the regulators it goes to.
    public static func approveForm(_ ctx: PageContext, regulators: [(id: String, name: String)], form: Form? = nil, error: ReplicaError? = nil) -> HTML {
        layout("审批信息推送", ctx, error: error, """
            <form method="post" action="/approve" enctype="multipart/form-data" class="card">\(csrf(ctx))
            <fieldset><legend>审批结果</legend>
            \(field("事项编码", "itemCode", form, placeholder: "370100-001"))
            \(field("事项名称", "itemName", form, placeholder: "食品经营许可"))
            \(field("申请人", "applicant", form))
            \(field("统一社会信用代码", "creditCode", form, placeholder: "18 位"))
            \(field("联系方式", "contact", form))
            \(field("证照编号", "licence", form))
            \(field("有效期至", "validUntil", form, required: false, type: "date"))
            <label>附件 <input type="file" name="attachment" multiple></label></fieldset>
            <fieldset><legend>推送给监管部门（R2）</legend>\(departmentChoices(regulators, checked: Set(form?.all("to") ?? [])))</fieldset>
            <button type="submit">签发并推送</button></form>
            """)
    }

    /// 监管信息推送 (R6, R7, R8): supervision information back to the bureau.
    public static func superviseForm(_ ctx: PageContext, bureaus: [(id: String, name: String)], form: Form? = nil, error: ReplicaError? = nil) -> HTML {
        let categories = ["penalty", "suspension", "revocation", "inspection", "training", "regulation"]
        let selected = form?["category"] ?? "penalty"
        let options = HTML(raw: categories.map { c in
            "<option value=\"\(c)\"\(c == selected ? " selected" : "")>\(HTML.escape(SupervisionBody.names[c] ?? c))</option>"
        }.joined())
        return layout("监管信息推送", ctx, error: error, """
            <form method="post" action="/supervise" enctype="multipart/form-data" class="card">\(csrf(ctx))
            <fieldset><legend>监管信息</legend>
            <label>类别 <select name="category">\(options)</select></label>
            \(field("摘要", "summary", form))
            \(field("所涉许可（证照编号）", "approval", form, required: false))
            \(field("对象名称", "subject", form, required: false))
            \(field("统一社会信用代码", "creditCode", form, required: false, placeholder: "18 位"))
            <label>附件 <input type="file" name="attachment" multiple></label></fieldset>
            <fieldset><legend>推送给审批部门（R7；填写所涉许可时默认推送给签发部门）</legend>\(departmentChoices(bureaus, checked: Set(form?.all("to") ?? [])))</fieldset>
            <button type="submit">记录并推送</button></form>
            """)
    }

    /// 预警名单 (R9).
    /// 预警名单 (R9): the active listings; the bureau lists a subject by hand
    /// and ends a listing, each with its reason.
    public static func warnings(_ ctx: PageContext, _ all: [Workflow.WarningEntry], workflow: Workflow, page: Int = 1, form: Form? = nil,
                                notice: String? = nil, error: ReplicaError? = nil) -> HTML {
        let bureau = ctx.role == "approval"
        let size = 100, pages = max(1, (all.count + size - 1) / size), page = min(max(1, page), pages)
        let entries = all.dropFirst((page - 1) * size).prefix(size)
        let pager: HTML = HTML.when(pages > 1, """
            <p class="pager">共 \(all.count) 条 · \(HTML.when(page > 1, "<a href=\"/warnings?page=\(page - 1)\" rel=\"prev\">‹ 上一页</a>")) 第 \(page)/\(pages) 页 \
            \(HTML.when(page < pages, "<a href=\"/warnings?page=\(page + 1)\" rel=\"next\">下一页 ›</a>"))</p>
            """)
        let rows: [HTML] = entries.map { e in
            let delist: HTML = HTML.when(bureau, """
                <form method="post" action="/warnings/delist" class="inline">\(csrf(ctx))<input type="hidden" name="entry" value="\(e.source.hex)">\
                <input name="reason" placeholder="移出原因" required aria-label="移出原因"> <button type="submit" class="secondary">移出</button></form>
                """)
            return """
                <tr><td>\(e.name)</td><td>\(e.creditCode.value)</td><td>\(levelChinese(e.level))</td><td>\(e.reason)</td>\
                <td>\(workflow.name(of: e.department))</td>\(HTML.when(bureau, "<td>\(delist)</td>"))</tr>
                """
        }
        let list: HTML = rows.isEmpty ? "<p class=\"empty\">预警名单为空。</p>" : """
            <table class="list"><thead><tr><th>名称</th><th>统一社会信用代码</th><th>级别</th><th>原因</th><th>列入部门</th>\
            \(HTML.when(bureau, "<th>操作</th>"))</tr></thead><tbody>\(rows)</tbody></table>\(pager)
            """
        let level = form?["level"] ?? "restricted"
        let add: HTML = HTML.when(bureau, """
            <form method="post" action="/warnings/list" class="card"><h2>列入预警名单</h2>\(csrf(ctx))
            \(field("统一社会信用代码", "creditCode", form))
            \(field("名称", "name", form))
            <label>级别 <select name="level"><option value="restricted"\(HTML(raw: level == "restricted" ? " selected" : ""))>限制准入</option>\
            <option value="strict"\(HTML(raw: level == "strict" ? " selected" : ""))>从严审批</option></select></label>
            \(field("原因", "reason", form))
            <button type="submit">列入</button></form>
            """)
        return layout("预警名单", ctx, notice: notice, error: error, list + add)
    }

    /// 限制准入 / 从严审批 (002 第七条(二)1).
    static func levelChinese(_ level: String) -> String { level == "strict" ? "从严审批" : level == "restricted" ? "限制准入" : level }

    /// 证据包: the bundle's verdict checked offline, and the download.
    public static func evidence(_ ctx: PageContext, id: String, verdictText: String, passed: Bool, bytes: Int) -> HTML {
        layout("证据包", ctx, """
            <section class="card"><p class="verdict \(passed ? "pass" : "fail")" data-verify="\(passed ? "pass" : "fail")">离线核验：\(passed ? "通过" : "未通过")</p>
            <pre class="lines">\(verdictText)</pre>
            <p><a class="button" href="/evidence/\(id)" download>下载证据包（\(bytes / 1024 + 1) KB）</a>
            <a href="/item/\(id)">返回事项</a></p>
            <p class="hint">任何一方都可用 <code>shenguan-verify 证据包.json</code> 或 <code>Tools/verify-py</code> 离线复核，无需联网。</p></section>
            """)
    }

    /// One peer as 同步状态 shows it.
    public struct PeerRow: Sendable {
        public let url: String
        public let lastSync: Int64?
        /// Operations held here that the peer lacked at the last completed
        /// sync, plus those written since (nil: never synced).
        public let lacking: Int?
        public let lastAttempt: Int64?
        public let lastError: String?
        public init(url: String, lastSync: Int64?, lacking: Int?, lastAttempt: Int64?, lastError: String?) {
            self.url = url; self.lastSync = lastSync; self.lacking = lacking; self.lastAttempt = lastAttempt; self.lastError = lastError
        }
    }

    /// 同步状态: the peers, when each last synced, what it still lacks, the
    /// last failure; what waits here for operations it builds on.
    public static func sync(_ ctx: PageContext, peers: [PeerRow], ops: Int, waiting: Int, results: [HTML] = [], error: ReplicaError? = nil) -> HTML {
        let rows: [HTML] = peers.map { p in
            let state: HTML
            if let e = p.lastError, let t = p.lastAttempt {
                state = "<span class=\"warn\">\(ClerkTime.instantLong(t)) 同步失败</span> <small>错误代码 <code>\(e)</code></small>"
            } else {
                state = p.lastSync == nil ? "—" : "正常"
            }
            let lacking: HTML = p.lacking.map { $0 == 0 ? "无" : HTML("\($0) 条") } ?? "—"
            return """
                <tr><td><code>\(p.url)</code></td><td>\(p.lastSync.map(ClerkTime.instantLong) ?? "从未同步")</td>\
                <td data-lacking="\(p.lacking ?? -1)">\(lacking)</td><td>\(state)</td></tr>
                """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"empty\">尚未添加同步对象：<code>shenguan peers add URL</code></p>" : """
            <table class="list"><thead><tr><th>同步对象</th><th>上次同步</th><th>对方尚缺</th><th>状态</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return layout("同步状态", ctx, error: error, """
            <section class="card"><p>本副本持有 \(ops) 条已签名操作\(HTML.when(waiting > 0, "，另有 \(waiting) 条收到的操作在等待其所依赖的操作"))。</p>
            \(table)
            \(HTML.when(!results.isEmpty, "<ul class=\"results\">\(results)</ul>"))
            <form method="post" action="/sync">\(csrf(ctx))<button type="submit">立即同步</button></form></section>
            """)
    }
}
