import ShenguanCore
import ShenguanReplica

extension Pages {
    /// 待办: what this department must act on, oldest limit first.
    public static func inbox(_ ctx: PageContext, _ view: InboxView, now: Int64, notice: String? = nil, error: ReplicaError? = nil) -> HTML {
        let wf = view.workflow
        let rows: [HTML] = view.items.map { item in
            let left = item.due.map { ClerkTime.leftChinese($0, now: now, calendar: view.context.calendar) } ?? "—"
            let urgent = item.due.map { $0.deadlineMillis - now < 24 * 3_600_000 } ?? false
            let action: HTML
            if item.action == "claim" {
                action = """
                    <form method="post" action="/claim" class="inline">\(csrf(ctx))<input type="hidden" name="push" value="\(item.id.hex)">\
                    <button type="submit" data-claim="\(item.id.hex)">认领</button></form>
                    """
            } else {
                action = "<a class=\"button\" href=\"/item/\(item.id.hex)\">\(item.action == "reply" ? "回复" : "办理")</a>"
            }
            return """
                <tr\(HTML(raw: urgent ? " class=\"urgent\"" : ""))><td><a href="/item/\(item.id.hex)">\(item.title)</a></td>
                <td>\(wf.name(of: item.from))</td><td>\(ClerkTime.instantLong(item.since))</td>
                <td>\(item.due.map { ClerkTime.limitLong($0) } ?? "—")<br><small>\(item.rule)</small></td>
                <td class="left">\(left)</td><td>\(action)</td></tr>
                """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"empty\">暂无待办事项。</p>" : """
            <table class="list"><caption>共 \(rows.count) 项，按时限先后排列</caption>
            <thead><tr><th>事项</th><th>来自</th><th>推送时间</th><th>时限</th><th>剩余</th><th>操作</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let soon = view.reminders.count
        let reminder: HTML = HTML.when(soon > 0, "<p class=\"reminder\" role=\"status\">提醒：\(soon) 项将于 1 个工作日内到期（R22），请及时办理。</p>")
        return layout("待办", ctx, notice: notice, error: error, reminder + table)
    }

    /// Rows of one 全部事项 page.
    public static let historyPageSize = 100

    /// 全部事项: everything addressed to this department, with its status,
    /// newest first, `historyPageSize` to a page.
    public static func history(_ ctx: PageContext, _ items: [HistoryItem], title: String = "全部事项", caption: String? = nil,
                               page: Int = 1, more: Bool = false, name: (String) -> String) -> HTML {
        let rows: [HTML] = items.map { h in
            """
            <tr class="status-\(h.status)"><td><a href="/item/\(h.id.hex)">\(h.item.title)</a></td><td>\(name(h.item.from))</td>
            <td>\(ClerkTime.instantLong(h.item.since))</td><td>\(h.item.due.map { ClerkTime.limitLong($0) } ?? "—")</td>
            <td><span class="badge">\(ClerkWords.statusChinese(h.status))</span>\(HTML.when(h.provisional, " <small>暂定</small>"))</td></tr>
            """
        }
        let pager: HTML = HTML.when(page > 1 || more, """
            <p class="pager">\(HTML.when(page > 1, "<a href=\"/history?page=\(page - 1)\" rel=\"prev\">‹ 较新</a>")) 第 \(page) 页 \
            \(HTML.when(more, "<a href=\"/history?page=\(page + 1)\" rel=\"next\">较早 ›</a>"))</p>
            """)
        return layout(title, ctx, rows.isEmpty ? "<p class=\"empty\">暂无事项。</p>" : """
            <table class="list">\(caption.map { HTML("<caption>\($0)</caption>") })<thead><tr><th>事项</th><th>来自</th><th>时间</th><th>时限</th><th>状态</th></tr></thead>
            <tbody>\(rows)</tbody></table>\(pager)
            """)
    }
}
