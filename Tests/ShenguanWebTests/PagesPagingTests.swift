@testable import ShenguanCore
import ShenguanCrypto
@testable import ShenguanReplica
import ShenguanTestSupport
@testable import ShenguanWeb
import Testing

/// 全部事项 and 预警名单 a page at a time: what a city-year holds would
/// otherwise make one page of hundreds of kilobytes (issue 16 target: a
/// page under 200 KB).
@Suite struct PagesPagingTests {
    let ctx = PageContext(departmentName: "市市场监督管理局", role: "approval", user: nil)

    @Test func historyLinksTheNeighbouringPagesOnly() {
        let items = (0..<Pages.historyPageSize).map { i in
            HistoryItem(item: .init(id: SHA256.hash(Array("item \(i)".utf8)), action: "claim", rule: "R2", title: "事项\(i)", from: "d0",
                                    since: Fixtures.ms("2026-10-08T09:00:00"), due: nil),
                        status: "pending", provisional: false)
        }
        let first = Pages.history(ctx, items, page: 1, more: true) { $0 }.raw
        #expect(first.contains("rel=\"next\"") && first.contains("/history?page=2") && !first.contains("rel=\"prev\""))
        #expect(first.components(separatedBy: "<tr class=").count - 1 == Pages.historyPageSize)
        let last = Pages.history(ctx, Array(items.prefix(3)), page: 4, more: false) { $0 }.raw
        #expect(last.contains("/history?page=3") && last.contains("第 4 页") && !last.contains("rel=\"next\""))
        let only = Pages.history(ctx, Array(items.prefix(3))) { $0 }.raw
        #expect(!only.contains("class=\"pager\""))
    }

    @Test func warningsShowAHundredToAPageAndClampThePageAsked() {
        let entries = (0..<250).map { i in
            Workflow.WarningEntry(source: SHA256.hash(Array("listing \(i)".utf8)), creditCode: CreditCode(Fixtures.codeA)!, name: "企业\(i)",
                                  level: "strict", reason: "理由", department: "d0", delisted: nil)
        }
        let wf = Workflow(ops: [], roster: nil, rosterSeq: { _ in 0 })
        func rows(_ html: String) -> Int { html.components(separatedBy: "从严审批").count - 1 }
        let p1 = Pages.warnings(ctx, entries, workflow: wf).raw
        #expect(rows(p1) == 100 + 1 && p1.contains("共 250 条") && p1.contains("第 1/3 页") && p1.contains("/warnings?page=2"))   // + the form's option
        let p3 = Pages.warnings(ctx, entries, workflow: wf, page: 3).raw
        #expect(rows(p3) == 50 + 1 && p3.contains("企业249") && !p3.contains("企业199<") && !p3.contains("rel=\"next\""))
        #expect(Pages.warnings(ctx, entries, workflow: wf, page: 99).raw == p3, "a page past the end shows the last")
    }
}

/// A file name a peer chose goes into a response header: it must not be
/// able to end the header or add one (RFC 6266 `filename*`).
@Suite struct DownloadHeaderTests {
    @Test func aNameCannotBreakOutOfContentDisposition() {
        let h = WebRoutes.contentDisposition("许可决定书.pdf")
        #expect(h == "attachment; filename=\".pdf\"; filename*=UTF-8''%E8%AE%B8%E5%8F%AF%E5%86%B3%E5%AE%9A%E4%B9%A6.pdf")
        let evil = WebRoutes.contentDisposition("a\"; x=1\r\nSet-Cookie: s=1.pdf")
        #expect(!evil.contains("\r") && !evil.contains("\n") && evil.filter { $0 == "\"" }.count == 2)
        #expect(evil.hasPrefix("attachment; filename=\"ax1Set-Cookies1.pdf\"; filename*=UTF-8''a%22%3B%20x%3D1%0D%0ASet-Cookie%3A%20s%3D1.pdf"))
        #expect(WebRoutes.contentDisposition("证据") .hasPrefix("attachment; filename=\"download\""))
    }
}
