import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica
import ShenguanStore
import ShenguanTestSupport
@testable import ShenguanWeb
import Testing

/// 审管工作台's routes in-process (HummingbirdTesting's router framework)
/// on real replicas: sessions, the anti-forgery checks, escaping of what a
/// peer wrote, and the signed-in staff member recorded on a claim.
@Suite struct WebRoutesTests {
    typealias R = (home: ReplicaHome, store: ReplicaStore, key: SigningKey)
    static let now = Fixtures.ms("2026-09-02T09:00:00")

    /// The bureau approves for an applicant whose name is markup and pushes
    /// it to market; market has staff S01 with a web password.
    func replicas() throws -> (TempDir, R, R, String) {
        let dir = TempDir("web")
        var net = Fixtures.network()
        func replica(_ name: String, _ dept: String) throws -> R {
            let home = ReplicaHome(path: dir.file(name))
            let (store, key) = try home.create(network: net.network, passphrase: nil)
            _ = net.admit(key.publicKey, to: dept)
            return (home, store, key)
        }
        let bureau = try replica("bureau", "d0"), market = try replica("market", "d1")
        for s in [bureau.store, market.store] { _ = try s.ingest(net.ops.map(\.envelope), now: net.clock) }
        for r in [bureau, market] {
            _ = try Clerk(home: r.home, store: r.store, key: r.key, now: Fixtures.ms("2026-09-01T09:00:00")).registerStaff(StaffRegistration(
                staffNo: "S01", name: r.home.path.hasSuffix("market") ? "王芳" : "李明", office: "窗口",
                validFrom: CivilDate(iso: "2026-01-01")!, validUntil: CivilDate(iso: "2026-12-31")!))
        }
        var a = ApprovalRequest(itemCode: "370100-001", itemName: "食品经营许可", applicant: "<script>alert(1)</script>有限公司",
                                creditCode: Fixtures.codeA, contact: "0635-1234567", licence: "JY13715000001", pushTo: ["d1"])
        a.staff = "S01"
        let pushed = try Clerk(home: bureau.home, store: bureau.store, key: bureau.key, now: Fixtures.ms("2026-09-01T10:00:00")).approve(a)
        var envs = [Envelope]()
        try bureau.store.forEachEnvelope { e, _ in envs.append(e) }
        _ = try market.store.ingest(envs, now: Fixtures.ms("2026-09-01T10:05:00"))
        try Clerk(home: market.home, store: market.store, key: market.key, now: Fixtures.ms("2026-09-01T10:10:00"))
            .setWebPassword(staffNo: "S01", password: "correct horse")
        return (dir, bureau, market, pushed.pushes[0].push.act.id.hex)
    }

    func app(_ r: R, now: Int64 = Self.now) throws -> some ApplicationProtocol {
        var logger = Logger(label: "test.ui")
        logger.logLevel = .critical
        return try buildWebApplication(home: r.home, store: r.store, key: r.key, config: WebConfig(), clock: { now }, logger: logger) { _ in }
    }

    static func form(_ s: String) -> HTTPFields { [.contentType: "application/x-www-form-urlencoded"] }
    static func text(_ r: TestResponse) -> String { String(buffer: r.body) }

    @Test func signInClaimAndTheAntiForgeryChecks() async throws {
        let (dir, _, market, push) = try replicas()
        _ = dir
        try await app(market).test(.router) { client in
            // Without a session: to the sign-in page.
            try await client.execute(uri: "/inbox", method: .get) { #expect($0.status == .seeOther && $0.headers[.location] == "/login") }
            // A wrong password: 401 and the Chinese sentence.
            try await client.execute(uri: "/login", method: .post, headers: Self.form(""), body: ByteBuffer(string: "staff=S01&password=nope")) {
                #expect($0.status == .unauthorized && Self.text($0).contains("工号或密码不正确"))
            }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.form(""),
                                                  body: ByteBuffer(string: "staff=S01&password=correct+horse")) { r -> String in
                let set = r.headers[.setCookie] ?? ""
                #expect(r.status == .seeOther && set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Strict"))
                return String(set.prefix { $0 != ";" })
            }
            // The inbox: the peer's markup is text, and the form carries the session's token.
            let page = try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]) { r -> String in
                #expect(r.status == .ok && r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                return Self.text(r)
            }
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;有限公司") && !page.contains("<script>alert"))
            let csrf = try #require(page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
            let before = try market.store.count()
            // No token, a wrong token, another site's origin: refused, nothing written.
            for (body, origin, code) in [("push=\(push)", nil, "web.csrf"), ("push=\(push)&csrf=forged", nil, "web.csrf"),
                                         ("push=\(push)&csrf=\(csrf)", "http://evil.example", "web.cross_site")] as [(String, String?, String)] {
                var h = Self.form(""); h[.cookie] = cookie
                if let origin { h[HTTPField.Name("Origin")!] = origin }
                try await client.execute(uri: "/claim", method: .post, headers: h, body: ByteBuffer(string: body)) {
                    #expect($0.status == .forbidden && Self.text($0).contains(code), "\(code)")
                }
            }
            #expect(try market.store.count() == before)
            // With the token: claimed, by the signed-in staff member (R3).
            var h = Self.form(""); h[.cookie] = cookie
            try await client.execute(uri: "/claim", method: .post, headers: h, body: ByteBuffer(string: "push=\(push)&csrf=\(csrf)")) {
                #expect($0.status == .seeOther && $0.headers[.location] == "/item/\(push)?done=claimed")
            }
            let wf = try market.store.itemView(Digest(hex: push)!, now: Self.now).workflow
            #expect(wf.pushes[Digest(hex: push)!]?.claims.first?.staff?.name == "王芳")
            // Claimed twice: the application layer's refusal, in Chinese, as a page.
            try await client.execute(uri: "/claim", method: .post, headers: h, body: ByteBuffer(string: "push=\(push)&csrf=\(csrf)")) {
                #expect($0.status.code == 422 && Self.text($0).contains("错误代码"))
            }
            // Signed out: the cookie no longer opens anything.
            try await client.execute(uri: "/logout", method: .post, headers: h, body: ByteBuffer(string: "csrf=\(csrf)")) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]) { #expect($0.headers[.location] == "/login") }
        }
    }

    /// 统计: the push counted 待认领 before its claim and 待见证 after it
    /// (the claim made its kept verdict stale), drawn as SVG with the same
    /// number in the table; a year out of range is refused in Chinese.
    @Test func statisticsFollowTheClaim() async throws {
        let (dir, _, market, push) = try replicas()
        _ = dir
        try await app(market).test(.router) { client in
            let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.form(""),
                                                  body: ByteBuffer(string: "staff=S01&password=correct+horse")) { r -> String in
                String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
            }
            let before = try await client.execute(uri: "/stats", method: .get, headers: [.cookie: cookie]) { r -> String in
                #expect(r.status == .ok)
                return Self.text(r)
            }
            #expect(before.contains("<svg class=\"chart\"") && before.contains("各部门认领情况"))
            #expect(before.contains("<title>部门1 待认领 1 项</title>") && !before.contains("待见证 1 项"))
            #expect(!before.contains("尚在判定"), "the page judged what it shows")
            _ = try Clerk(home: market.home, store: market.store, key: market.key, now: Self.now).claim(push, staff: "S01")
            let after = try await client.execute(uri: "/stats", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(after.contains("<title>部门1 待见证 1 项</title>") && !after.contains("待认领 1 项"))
            #expect(after.contains("<title>9月 待见证 1 项</title>"), "this department's monthly chart")
            // 快速查询: the number links to the pushes behind it, and only those.
            let link = "/stats/items?period=2026&amp;to=d1&amp;claim=awaiting_witness"
            #expect(after.contains("<a href=\"\(link)\""), "the table's number is a link")
            let list = try await client.execute(uri: link.replacingOccurrences(of: "&amp;", with: "&"), method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(list.contains("统计明细") && list.contains("href=\"/item/\(push)\"") && list.contains("共 1 项"), "\(list)")
            let none = try await client.execute(uri: "/stats/items?period=2026-09&to=d1&claim=late", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(!none.contains("/item/\(push)") && none.contains("暂无事项"))
            try await client.execute(uri: "/stats/items?period=2026&claim=sideways", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status.code == 422 && Self.text($0).contains("stats.outcome"))
            }
            try await client.execute(uri: "/stats?year=3000", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status.code == 422 && Self.text($0).contains("stats.year") && Self.text($0).contains("2000 至 2100"))
                #expect(Self.text($0).contains("王芳（工号 S01）") && Self.text($0).contains("aria-label=\"主菜单\""), "a refusal keeps the signed-in frame")
            }
        }
    }

    /// 同步状态: a peer that cannot be reached shows the failure and its code
    /// after the sync (also on a later visit); once a sync completes, what
    /// the peer still lacks is counted from its vector.
    @Test func syncStatusShowsTheLastFailureAndWhatThePeerLacks() async throws {
        let (dir, _, market, _) = try replicas()
        _ = dir
        let peer = "http://127.0.0.1:9"   // discard port: nothing listens
        try market.store.addPeer(peer, now: Self.now)
        try await app(market).test(.router) { client in
            let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.form(""),
                                                  body: ByteBuffer(string: "staff=S01&password=correct+horse")) { r -> String in
                String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
            }
            let page = try await client.execute(uri: "/sync", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(page.contains("从未同步") && page.contains("data-lacking=\"-1\""))
            let csrf = try #require(page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
            var h = Self.form(""); h[.cookie] = cookie
            try await client.execute(uri: "/sync", method: .post, headers: h, body: ByteBuffer(string: "csrf=\(csrf)")) {
                #expect(Self.text($0).contains("同步失败") && Self.text($0).contains("sync.unreachable"))
            }
            let later = try await client.execute(uri: "/sync", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(later.contains("<span class=\"warn\">") && later.contains("<code>sync.unreachable</code>"))
            // A completed sync with a peer that held nothing: it lacks every operation held here.
            try market.store.notePeerSynced(peer, vector: [:], now: Self.now)
            let synced = try await client.execute(uri: "/sync", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
            #expect(synced.contains("data-lacking=\"\(try market.store.count())\"") && !synced.contains("sync.unreachable"))
        }
    }

    /// R22 on 待办: the push limited to 09-03 24:00 is a reminder on 09-03, not on 09-02.
    @Test func theInboxRemindsOnTheLastWorkingDay() async throws {
        let (dir, _, market, push) = try replicas()
        _ = dir
        for (at, reminded) in [("2026-09-02T09:00:00", false), ("2026-09-03T09:00:00", true)] {
            try await app(market, now: Fixtures.ms(at)).test(.router) { client in
                let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.form(""),
                                                      body: ByteBuffer(string: "staff=S01&password=correct+horse")) { r -> String in
                    String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
                }
                let page = try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]) { Self.text($0) }
                #expect(page.contains(push), "the push is in 待办 at \(at)")
                #expect(page.contains("提醒：1 项将于 1 个工作日内到期") == reminded, "at \(at)")
            }
        }
    }
}
