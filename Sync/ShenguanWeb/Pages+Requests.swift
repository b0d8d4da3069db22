import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica

extension Pages {
    static let revocationActions = ["revoke": "撤销", "withdraw": "撤回", "cancel": "注销", "change": "变更"]

    /// 函询 (R12): the letter, its verdict, and the reply form for its addressee.
    static func inquirySection(_ ctx: PageContext, _ wf: Workflow, _ st: Workflow.InquiryStatus, department: String, now: Int64,
                               calendar: WorkingDayCalendar, who: (Workflow.Act) -> HTML, witnessName: (Digest?) -> String?) -> HTML {
        let q = st.inquiry, v = st.verdict
        let replies: [HTML] = q.replies.map { r in
            let consent = r.op.body?["consent"]?.boolValue == true
            return "<li>\(who(r))：\(consent ? "同意" : "不同意")。\(r.op.body?["text"]?.stringValue ?? "")</li>"
        }
        let canReply = q.body.to == department && q.replies.isEmpty && v.outcome == .open
        return """
            <section class="card"><h2>函询：\(q.body.subject)</h2>
            <p><span class="badge status-\(st.label)" data-status="\(st.label)">\(ClerkWords.statusChinese(st.label))</span></p>
            <dl><dt>来函</dt><dd>\(who(q.act)) → \(wf.name(of: q.body.to))</dd><dt>问题</dt><dd>\(q.body.question)</dd>
            <dt>答复时限</dt><dd>\(ClerkTime.limitLong(v.due))（\(q.body.workingDays) 个工作日，R12：逾期未复视为同意）\(HTML.when(v.outcome == .open, " · \(ClerkTime.leftChinese(v.due, now: now, calendar: calendar))"))</dd>
            <dt>依据</dt><dd>\(verdictWords(v, witnessName: witnessName))</dd>
            \(HTML.when(st.responsible != nil, "<dt>责任</dt><dd>\(wf.name(of: st.responsible ?? ""))（R12）</dd>"))</dl>
            <ul class="acts">\(replies)</ul>
            \(HTML.when(canReply, """
                <form method="post" action="/reply" class="card">\(csrf(ctx))<input type="hidden" name="inquiry" value="\(q.act.id.hex)">
                <fieldset><legend>答复</legend><label class="check"><input type="radio" name="consent" value="yes" checked> 同意</label>
                <label class="check"><input type="radio" name="consent" value="no"> 不同意</label>
                <label>意见 <input name="text" required></label></fieldset><button type="submit">签署答复</button></form>
                """))</section>
            """
    }

    /// 撤销申请 (R10): the regulator's request, the bureau's decisions, and
    /// the decision form for the bureau that issued the licence.
    static func requestSection(_ ctx: PageContext, _ wf: Workflow, _ r: Workflow.RevocationRequest, department: String,
                               who: (Workflow.Act) -> HTML) -> HTML {
        let decisions: [HTML] = r.decisions.map { d in
            let grant = d.op.body?["grant"]?.boolValue == true
            return "<li>\(who(d))：\(grant ? "准予" : "不予")\(Self.revocationActions[r.body.action] ?? r.body.action)。\(d.op.body?["reason"]?.stringValue ?? "")</li>"
        }
        let issuer = wf.approvals[r.body.approval]?.act.department
        let canDecide = issuer == department && r.decisions.isEmpty
        return """
            <section class="card"><h2>\(Self.revocationActions[r.body.action] ?? r.body.action)申请 · \(wf.title(ofRecord: r.body.approval))</h2>
            <dl><dt>申请</dt><dd>\(who(r.act))</dd><dt>依据</dt><dd>\(r.body.basis)</dd>
            <dt>许可状态</dt><dd>\(licenceStatusWords(wf.licenceStatus(r.body.approval)))</dd></dl>
            <p><a href="/item/\(r.body.approval.hex)">查看许可</a></p>
            \(decisions.isEmpty ? "<p class=\"hint\">待审批部门决定。</p>" : "<ul class=\"acts\">\(decisions)</ul>")
            \(HTML.when(canDecide, """
                <form method="post" action="/decide" class="card">\(csrf(ctx))<input type="hidden" name="request" value="\(r.act.id.hex)">
                <fieldset><legend>决定（R10）</legend><label class="check"><input type="radio" name="grant" value="yes"> 准予</label>
                <label class="check"><input type="radio" name="grant" value="no" checked> 不予</label>
                <label>理由 <input name="reason" required></label></fieldset><button type="submit">签署决定</button></form>
                """))</section>
            """
    }

    /// The revocation request form on a licence's page (a regulator).
    static func requestForm(_ ctx: PageContext, approval: Digest) -> HTML {
        let options = HTML(raw: RevocationRequestBody.actions.map { "<option value=\"\($0)\">\(HTML.escape(revocationActions[$0] ?? $0))</option>" }.joined())
        return """
            <form method="post" action="/request" class="card">\(csrf(ctx))<input type="hidden" name="approval" value="\(approval.hex)">
            <fieldset><legend>申请撤销、撤回、注销或变更该许可（R10）</legend>
            <label>类型 <select name="action">\(options)</select></label>
            <label>事实与依据 <input name="basis" required></label></fieldset><button type="submit">提出申请</button></form>
            """
    }

    static func licenceStatusWords(_ s: String) -> String {
        ["valid": "有效", "revoked": "已撤销", "withdrawn": "已撤回", "cancelled": "已注销", "changed": "已变更"][s] ?? s
    }

    /// 函询 form (R12): the bureau asks a regulator, with a limit in working days.
    public static func inquireForm(_ ctx: PageContext, departments: [(id: String, name: String)], form: Form? = nil, error: ReplicaError? = nil) -> HTML {
        let options = HTML(raw: departments.map { "<option value=\"\(HTML.escape($0.id))\"\(form?["to"] == $0.id ? " selected" : "")>\(HTML.escape($0.name))</option>" }.joined())
        return layout("函询", ctx, error: error, """
            <form method="post" action="/inquire" class="card">\(csrf(ctx))
            <label>致 <select name="to">\(options)</select></label>
            \(field("事由", "subject", form))
            \(field("问题", "question", form))
            <label>答复时限（工作日）<input name="workingDays" type="number" min="1" max="30" value="\(form?["workingDays"] ?? "5")" required></label>
            <button type="submit">发出函询</button></form>
            """)
    }
}
