import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica

extension Pages {
    /// The page of one item: its facts, every push with its verdict and the
    /// evidence in plain words, and what this department can do next.
    /// - Parameter relayTargets: the regulators a received push may be
    ///   forwarded to (R5), in Chinese order.
    public static func item(_ ctx: PageContext, _ r: ItemReport, department: String, witnessName: (Digest?) -> String?,
                            relayTargets: [(id: String, name: String)] = [], notice: String? = nil, error: ReplicaError? = nil) throws -> HTML {
        let wf = r.workflow, now = r.context.now
        func who(_ a: Workflow.Act) -> HTML {
            let ended = a.staff.flatMap { m in m.mayAct(atMillis: a.time) ? nil : m.endedOn }.map { "，⚠ 登记已于 \($0.iso) 终止" } ?? ""
            return "\(wf.name(of: a.department))\(a.staff.map { "（\($0.name)，工号 \($0.staffNo)\(ended)）" } ?? "") · \(ClerkTime.instantLong(a.time))"
        }
        func pushSection(_ st: Workflow.PushStatus) -> HTML {
            let p = st.push, v = st.claim
            let mine = p.body.to == department && p.claims.isEmpty && v.outcome == .open
            let claims: [HTML] = p.claims.map { "<li>认领：\(who($0))</li>" }
            let feedback: [HTML] = p.feedback.map { "<li>反馈：\(who($0))：\($0.op.body?["text"]?.stringValue ?? "")</li>" }
            return """
                <section class="card push" id="push-\(p.act.id.hex)"><h2>推送给 \(wf.name(of: p.body.to))\(HTML.when(p.body.via != nil, "（转推，R5）"))</h2>
                <p><span class="badge status-\(st.label)" data-status="\(st.label)">\(ClerkWords.statusChinese(st.label))</span>
                \(HTML.when(v.provisional, "<small>暂定：该年度官方日历未发布，按周末推算</small>"))</p>
                <dl><dt>推送</dt><dd>\(who(p.act))</dd>
                <dt>认领时限</dt><dd>\(ClerkTime.limitLong(v.due))（\(v.due.workingDays) 个工作日，\(v.rule)）\(HTML.when(v.outcome == .open, " · \(ClerkTime.leftChinese(v.due, now: now, calendar: r.context.calendar))"))</dd>
                <dt>依据</dt><dd>\(verdictWords(v, witnessName: witnessName))</dd>
                \(st.pushLimit.map { pl in HTML("<dt>推送时限（\(pl.rule)）</dt><dd>\(ClerkTime.limitLong(pl.due))：\(ClerkWords.chinese(ClerkWords.pushLimit(pl)))</dd>") })
                \(st.certificate.map { c in HTML("<dt>配发证照时限（R17）</dt><dd>\(ClerkTime.limitLong(c.due))：\(ClerkWords.chinese(ClerkWords.certificate(c)))</dd>") })
                \(HTML.when(st.responsible != nil, "<dt>责任</dt><dd>\(wf.name(of: st.responsible ?? ""))（\(v.rule)，R24）</dd>"))
                </dl><ul class="acts">\(claims)\(feedback)</ul>
                <p class="actions">\(HTML.when(mine, """
                    <form method="post" action="/claim" class="inline">\(csrf(ctx))<input type="hidden" name="push" value="\(p.act.id.hex)"><button type="submit">认领</button></form>
                    """))
                <a class="button secondary" href="/evidence/\(p.act.id.hex)/check">证据包与离线核验</a>
                <a href="/item/\(p.act.id.hex)">推送编号 \(short(p.act.id.hex))…</a></p>
                \(HTML.when(p.body.to == department, pushActs(p)))</section>
                """
        }
        /// What the addressee may do besides claiming: feedback (R4), forwarding (R5).
        func pushActs(_ p: Workflow.Push) -> HTML {
            let options = HTML(raw: relayTargets.filter { $0.id != department && $0.id != p.act.department }
                .map { "<option value=\"\(HTML.escape($0.id))\">\(HTML.escape($0.name))</option>" }.joined())
            return """
                <details class="more"><summary>反馈或转推</summary>
                <form method="post" action="/feedback" class="card">\(csrf(ctx))<input type="hidden" name="push" value="\(p.act.id.hex)">
                <label>反馈意见（R4：对推送内容有疑问或异议时） <textarea name="text" required rows="2"></textarea></label>
                <button type="submit">发送反馈</button></form>
                \(HTML.when(!options.raw.isEmpty, """
                    <form method="post" action="/relay" class="card">\(csrf(ctx))<input type="hidden" name="push" value="\(p.act.id.hex)">
                    <label>转推给（R5：推送给上级或其他监管部门） <select name="to">\(options)</select></label>
                    <button type="submit">转推</button></form>
                    """))
                </details>
                """
        }
        var body: HTML
        let title: String
        if let a = wf.approvals[r.id] {
            title = "许可 \(a.body.licenceNo)"
            let pushes = try wf.pushStatuses(of: r.id, r.context)
            body = """
                <section class="card"><dl>
                <dt>事项</dt><dd>\(a.body.itemName)（\(a.body.itemCode)，\(a.body.powerType)）</dd>
                <dt>申请人</dt><dd>\(a.body.applicantName)</dd><dt>统一社会信用代码</dt><dd>\(a.body.creditCode.value)</dd>
                <dt>证照编号</dt><dd>\(a.body.licenceNo)</dd><dt>决定日期</dt><dd>\(a.body.decisionDate.iso)</dd>
                <dt>签发</dt><dd>\(who(a.act))</dd><dt>许可状态</dt><dd>\(licenceStatusWords(wf.licenceStatus(r.id)))</dd>
                \(HTML.when(!a.body.alerts.isEmpty, "<dt>预警</dt><dd class=\"warn\">申请人在预警名单上（R9）</dd>"))
                \(attachmentList(a.body.attachments))
                </dl></section>
                \(pushes.map(pushSection))
                \(wf.requests.values.filter { $0.body.approval == r.id }.sorted { $0.act.id < $1.act.id }.map { requestSection(ctx, wf, $0, department: department, who: who) })
                \(HTML.when(ctx.role == "regulator" && wf.licenceStatus(r.id) == "valid", requestForm(ctx, approval: r.id)))
                """
        } else if let p = wf.pushes[r.id] {
            title = "推送 · \(wf.title(ofRecord: p.body.record))"
            body = "<p><a href=\"/item/\(p.body.record.hex)\">查看所推送的\(p.recordKind == WorkflowKinds.approval ? "许可" : "监管信息")</a></p>" + pushSection(try wf.status(of: p, r.context))
        } else if let s = wf.supervision[r.id] {
            title = "监管信息 · \(SupervisionBody.names[s.body.category] ?? s.body.category)"
            body = """
                <section class="card"><dl><dt>类别</dt><dd>\(SupervisionBody.names[s.body.category] ?? s.body.category)</dd>
                <dt>对象</dt><dd>\(s.body.subjectName ?? "—") \(s.body.creditCode?.value ?? "")</dd><dt>摘要</dt><dd>\(s.body.summary)</dd>
                <dt>公示日期</dt><dd>\(s.body.publishedDate.iso)</dd><dt>记录</dt><dd>\(who(s.act))</dd>\(attachmentList(s.body.attachments))</dl></section>
                \(try wf.pushStatuses(of: r.id, r.context).map(pushSection))
                """
        } else if let q = wf.inquiries[r.id] {
            title = "函询 · \(q.body.subject)"
            body = inquirySection(ctx, wf, try wf.status(of: q, r.context), department: department, now: now, calendar: r.context.calendar,
                                  who: who, witnessName: witnessName)
        } else if let q = wf.requests[r.id] {
            title = "\(revocationActions[q.body.action] ?? q.body.action)申请"
            body = requestSection(ctx, wf, q, department: department, who: who)
        } else {
            title = "事项 \(short(r.id.hex))…"
            body = "<section class=\"card\"><pre class=\"lines\">\(r.lines.joined(separator: "\n"))</pre></section>"
        }
        return layout(title, ctx, notice: notice, error: error, body)
    }

    /// 附件: each scanned document by name, downloadable, with its SHA-256.
    static func attachmentList(_ refs: [AttachmentRef]) -> HTML {
        HTML.when(!refs.isEmpty, """
            <dt>附件</dt><dd><ul class="attachments">\(refs.map { r -> HTML in
                "<li><a href=\"/attachment/\(r.op.hex)\" download>\(r.name)</a> <small>SHA-256 \(short(r.sha256.hex))…</small></li>"
            })</ul></dd>
            """)
    }

    /// Why a verdict is what it is, in a clerk's words.
    static func verdictWords(_ v: Verdict, witnessName: (Digest?) -> String?) -> HTML {
        func evidence(_ b: TimeBounds?) -> String {
            guard let b, b.isWitnessed else { return "尚无其他部门的见证，按本部门时钟计" }
            return "\(ClerkTime.instantLong(b.hi)) 前已被\(witnessName(b.hiOp).map { "「\($0)」的" } ?? "")见证"
        }
        let start = "起算：推送\(evidence(v.start))。"
        let act = v.actBounds.map { "认领记录时间 \(ClerkTime.instantLong($0.own))，\(evidence($0))。" } ?? ""
        let basis: String = switch v.basis {
        case .provenOnTime: "见证证明在时限前完成，按时。"
        case .provenLate: "见证证明在时限后才完成，逾期。"
        case .straddleOnTime: "记录时间在时限内，见证在宽限期内，按时。"
        case .straddleLate: "见证晚于时限加宽限期，按逾期论。"
        case .noActYet: "尚未办理，时限未到。"
        case .noActByLimit: "时限届满未办理：视为自动认领，责任在接收部门。"
        case .unwitnessed: "记录时间在时限内，待其他部门见证后确定。"
        }
        return "\(start)\(act)\(basis)"
    }
}
