import ShenguanCore
import ShenguanReplica

extension Pages {
    /// The outcomes a chart stacks, in order, with their words.
    static let claimOutcomes: [(key: String, zh: String)] = [
        ("on_time", "按时认领"), ("late", "逾期认领"), ("lapsed", "超时自动认领"), ("awaiting_witness", "待见证"), ("open", "待认领"),
    ]
    static let pushOutcomes: [(key: String, zh: String)] = [
        ("on_time", "按时推送"), ("late", "逾期推送"), ("awaiting_witness", "待见证"), ("open", "未到期"), ("lapsed", "超期"),
    ]

    /// 统计: claim timeliness by department and by month, supervision push
    /// timeliness (R7), as SVG drawn here (no script, no external request)
    /// with the same numbers in tables.
    /// - Parameters:
    ///   - me: this replica's department (its own monthly charts).
    ///   - departments: every department the tallies name, in Chinese order, with its name.
    ///   - credit: the departments with role credit (R20 pushes go to them).
    public static func statistics(_ ctx: PageContext, _ s: Statistics, me: String?, departments: [(id: String, name: String)],
                                  credit: Set<String> = []) -> HTML {
        let years: HTML = """
            <p class="years"><a href="/stats?year=\(s.year - 1)">‹ \(s.year - 1)年</a> <strong>\(s.year)年</strong> \
            <a href="/stats?year=\(s.year + 1)">\(s.year + 1)年 ›</a></p>
            """
        let pending: HTML = HTML.when(s.unjudged > 0, """
            <p class="notice" role="status">另有 \(s.unjudged) 项推送尚在判定，统计稍后完整，请稍后刷新本页。</p>
            """)
        let received = s.claims { $0.to }
        let byDept = departments.compactMap { d in received[d.id].map { (d.name, $0, Optional("period=\(s.year)&to=\(d.id)")) } }
        var sections: [HTML] = []
        sections.append(section("各部门认领情况（收到的推送）", "认领时限 R2；监管信息推回审批部门 R7", byDept, claimOutcomes, rateLabel: "按时认领率"))
        if let me {
            let toMe = s.claims { $0.to == me ? $0.month : nil }, fromMe = s.claims { $0.from == me ? $0.month : nil }
            let mine = s.months.map { m in (m, toMe[m] ?? [:], Optional("period=\(m)&to=\(me)")) }
            sections.append(monthly("本部门收到的推送（按月）", mine, claimOutcomes))
            let sent = s.months.map { m in (m, fromMe[m] ?? [:], Optional("period=\(m)&from=\(me)")) }
            if sent.contains(where: { !$0.1.isEmpty }) {
                sections.append(monthly("本部门发出的推送被认领情况（按月）", sent, claimOutcomes))
            }
        }
        let pushedBack = s.pushLimits { credit.contains($0.to) ? nil : $0.from }
        let r7 = departments.compactMap { d in pushedBack[d.id].map { (d.name, $0, String?.none) } }
        if !r7.isEmpty {
            sections.append(section("监管信息推送及时情况（按推送部门）", "作出监管决定后按时限推送 R7", r7, pushOutcomes, rateLabel: "按时推送率"))
        }
        let toCredit = s.pushLimits { credit.contains($0.to) ? $0.from : nil }
        let r20 = departments.compactMap { d in toCredit[d.id].map { (d.name, $0, String?.none) } }
        if !r20.isEmpty {
            sections.append(section("监管信息推送信用平台情况（按推送部门）", "检查结果或处理决定作出后 7 个工作日内推送 R20", r20, pushOutcomes, rateLabel: "按时推送率"))
        }
        let empty: HTML = HTML.when(byDept.isEmpty, "<p class=\"empty\">\(s.year)年暂无推送。</p>")
        return layout("统计", ctx, """
            \(years)\(pending)\(empty)\(HTML.when(!byDept.isEmpty, HTML(raw: sections.map(\.raw).joined())))
            <p class="hint">每项推送的判定与事项页相同：以其他部门的见证确定时间，按官方工作日历计算时限。</p>
            """)
    }

    /// One chart of horizontal stacked bars (a row per department) and its table.
    /// A row of a chart: its label, its counts by outcome, and the query of
    /// the pushes behind its numbers (nil: not listed).
    typealias ChartRow = (String, [String: Int], String?)

    static func section(_ title: String, _ rule: String, _ rows: [ChartRow], _ outcomes: [(key: String, zh: String)], rateLabel: String) -> HTML {
        let labelW = 190, barW = 420, rowH = 26
        let maxTotal = max(1, rows.map { $0.1.values.reduce(0, +) }.max() ?? 1)
        var bars: [HTML] = []
        for (i, (name, counts, _)) in rows.enumerated() {
            let y = 24 + i * rowH
            var x = labelW
            bars.append("<text x=\"\(labelW - 8)\" y=\(quoted(y + 16)) text-anchor=\"end\">\(name)</text>")
            for o in outcomes {
                let n = counts[o.key] ?? 0
                guard n > 0 else { continue }
                let w = max(1, n * barW / maxTotal)
                bars.append("<rect class=\"o-\(o.key)\" x=\(quoted(x)) y=\(quoted(y + 3)) width=\(quoted(w)) height=\"18\"><title>\(name) \(o.zh) \(n) 项</title></rect>")
                x += w
            }
            bars.append("<text x=\(quoted(x + 6)) y=\(quoted(y + 16))>\(counts.values.reduce(0, +))</text>")
        }
        let height = 24 + rows.count * rowH + 30
        let svg: HTML = """
            <svg class="chart" viewBox="0 0 \(labelW + barW + 60) \(height)" role="img" aria-label="\(title)"><title>\(title)</title>
            \(legend(outcomes, x: labelW, y: 12))\(bars)</svg>
            """
        return figure(title, rule, svg, table(rows, outcomes, first: "部门", rateLabel: rateLabel))
    }

    /// One chart of vertical stacked bars, a month each, and its table.
    static func monthly(_ title: String, _ months: [ChartRow], _ outcomes: [(key: String, zh: String)]) -> HTML {
        let left = 40, colW = 46, plotH = 180, top = 30
        let maxTotal = max(1, months.map { $0.1.values.reduce(0, +) }.max() ?? 1)
        var bars: [HTML] = []
        for (i, (month, counts, _)) in months.enumerated() {
            let x = left + i * colW
            var y = top + plotH
            for o in outcomes {
                let n = counts[o.key] ?? 0
                guard n > 0 else { continue }
                let h = max(1, n * plotH / maxTotal)
                y -= h
                bars.append("<rect class=\"o-\(o.key)\" x=\(quoted(x + 8)) y=\(quoted(y)) width=\"30\" height=\(quoted(h))><title>\(monthName(month)) \(o.zh) \(n) 项</title></rect>")
            }
            let total = counts.values.reduce(0, +)
            if total > 0 { bars.append("<text x=\(quoted(x + 23)) y=\(quoted(y - 4)) text-anchor=\"middle\">\(total)</text>") }
            bars.append("<text x=\(quoted(x + 23)) y=\(quoted(top + plotH + 16)) text-anchor=\"middle\">\(monthName(month))</text>")
        }
        let svg: HTML = """
            <svg class="chart" viewBox="0 0 \(left + 12 * colW + 10) \(top + plotH + 26)" role="img" aria-label="\(title)"><title>\(title)</title>
            \(legend(outcomes, x: left, y: 12))<line class="axis" x1=\(quoted(left)) y1=\(quoted(top + plotH)) x2=\(quoted(left + 12 * colW)) y2=\(quoted(top + plotH))></line>\(bars)</svg>
            """
        let rows = months.filter { !$0.1.isEmpty }.map { ChartRow(monthName($0.0), $0.1, $0.2) }
        return figure(title, nil, svg, rows.isEmpty ? "<p class=\"empty\">本年暂无。</p>" : table(rows, outcomes, first: "月份", rateLabel: "按时率"))
    }

    static func figure(_ title: String, _ rule: String?, _ svg: HTML, _ table: HTML) -> HTML {
        """
        <section class="card stats"><h2>\(title)\(rule.map { HTML(" <small>\($0)</small>") })</h2>\(svg)\(table)</section>
        """
    }

    static func legend(_ outcomes: [(key: String, zh: String)], x: Int, y: Int) -> HTML {
        HTML(raw: outcomes.enumerated().map { i, o in
            let lx = x + i * 90
            return "<rect class=\"o-\(o.key)\" x=\"\(lx)\" y=\"\(y - 9)\" width=\"10\" height=\"10\"></rect><text x=\"\(lx + 14)\" y=\"\(y)\" class=\"legend\">\(HTML.escape(o.zh))</text>"
        }.joined())
    }

    /// The numbers of a chart, with the on-time share of what was decided.
    static func table(_ rows: [ChartRow], _ outcomes: [(key: String, zh: String)], first: String, rateLabel: String) -> HTML {
        let head: [HTML] = outcomes.map { "<th>\($0.zh)</th>" }
        let body: [HTML] = rows.map { name, c, query in
            let cells: [HTML] = outcomes.map { o in
                let n = c[o.key] ?? 0
                guard n > 0, let query else { return "<td>\(n)</td>" }
                return "<td><a href=\"/stats/items?\(query)&amp;claim=\(o.key)\" title=\"\(name) \(o.zh)\">\(n)</a></td>"
            }
            let decided = (c["on_time"] ?? 0) + (c["late"] ?? 0) + (c["lapsed"] ?? 0)
            let rate = decided == 0 ? "—" : "\((c["on_time"] ?? 0) * 1000 / decided / 10).\((c["on_time"] ?? 0) * 1000 / decided % 10)%"
            return "<tr><td>\(name)</td><td>\(c.values.reduce(0, +))</td>\(cells)<td>\(rate)</td></tr>"
        }
        return """
            <table class="list numbers"><thead><tr><th>\(first)</th><th>合计</th>\(head)<th>\(rateLabel)</th></tr></thead><tbody>\(body)</tbody></table>
            """
    }

    /// "2026-03" → "3月".
    static func monthName(_ m: String) -> String { "\(Int(m.suffix(2)) ?? 0)月" }

    /// 2026年, 2026年第4季度, 2026年10月.
    static func periodName(_ p: ReportPeriod) -> String {
        if p.months == 1...12 { return "\(p.year)年" }
        if p.months.count == 1 { return "\(p.year)年\(p.months.lowerBound)月" }
        return "\(p.year)年第\((p.months.lowerBound + 2) / 3)季度"
    }

    private static func quoted(_ n: Int) -> HTML { HTML(raw: "\"\(n)\"") }
}
