import Foundation
import Hummingbird
import ShenguanCalendar
import ShenguanCore
import ShenguanReplica
import ShenguanSync

extension WebRoutes {
    /// Departments of `role` other than this one, in Chinese order.
    static func departments(_ clerk: Clerk, role: Role) -> [(id: String, name: String)] {
        ClerkWords.chineseOrder(clerk.roster.departments.filter { $0.value.role == role && $0.key != clerk.department }
            .map { (id: $0.key, name: $0.value.name) })
    }

    /// A form on a push's page (field `push`) acting through the application
    /// layer as the signed-in staff member: to the resulting push's page
    /// with `done`, or back to the item's page with the refusal.
    func pushAct(_ router: Router<BasicRequestContext>, _ path: RouterPath, done: String,
                 _ act: @escaping @Sendable (Session, Form, String) throws -> PushActResult) {
        router.post(path) { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            let push = f["push"] ?? ""
            do {
                let r = try act(s, f, push)
                return Self.render(.redirect("/item/\(r.status.push.act.id.hex)?done=\(done)"))
            } catch {
                return Self.render(try itemPage(s, push, error: ReplicaError.wrap(error)))
            }
        }
    }

    func registerWrites(on router: Router<BasicRequestContext>) {
        router.post("/claim") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            let push = f["push"] ?? ""
            do {
                // Who claims is the signed-in staff member (R3), never a form field.
                let r = try s.clerk.claim(push, staff: s.user.staffNo)
                return Self.render(.redirect("/item/\(r.status.push.act.id.hex)?done=claimed"))
            } catch {
                return Self.render(.page(Pages.inbox(s.ctx, try s.clerk.reader.inbox(), now: s.clerk.now, error: ReplicaError.wrap(error)), status: .init(code: 422)))
            }
        }
        // What the addressee does on a push's page besides claiming; a refusal shows on that page.
        pushAct(router, "/feedback", done: "feedback") { s, f, push in try s.clerk.feedback(push, text: f["text"] ?? "", staff: s.user.staffNo) }
        pushAct(router, "/relay", done: "relayed") { s, f, push in try s.clerk.relay(push, to: f["to"] ?? "", staff: s.user.staffNo) }
        router.get("/approve") { request, _ -> Response in
            try await signedIn(request) { s in .page(Pages.approveForm(s.ctx, regulators: Self.departments(s.clerk, role: .regulator))) }
        }
        router.post("/approve") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            let regulators = Self.departments(s.clerk, role: .regulator)
            do {
                var r = ApprovalRequest(itemCode: f["itemCode"] ?? "", itemName: f["itemName"] ?? "", applicant: f["applicant"] ?? "",
                                        creditCode: f["creditCode"] ?? "", contact: f["contact"] ?? "", licence: f["licence"] ?? "",
                                        pushTo: f.all("to"))
                if let v = f["validUntil"] {
                    guard let d = CivilDate(iso: v) else {
                        throw ReplicaError("web.bad_date", "Valid until: \(v) is not a date.", zh: "有效期至：\(v) 不是有效日期。")
                    }
                    r.validUntil = d
                }
                r.attachments = f.files["attachment"] ?? []
                r.staff = s.user.staffNo
                let result = try s.clerk.approve(r)
                return Self.render(.redirect("/item/\(result.approval.id.hex)?done=approved"))
            } catch {
                return Self.render(.page(Pages.approveForm(s.ctx, regulators: regulators, form: f, error: ReplicaError.wrap(error)), status: .init(code: 422)))
            }
        }
        router.get("/supervise") { request, _ -> Response in
            try await signedIn(request) { s in .page(Pages.superviseForm(s.ctx, bureaus: Self.departments(s.clerk, role: .approval))) }
        }
        router.post("/supervise") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            do {
                var r = SupervisionRequest(category: f["category"] ?? "penalty", summary: f["summary"] ?? "")
                r.approval = f["approval"]; r.subject = f["subject"]; r.creditCode = f["creditCode"]
                r.pushTo = f.all("to"); r.attachments = f.files["attachment"] ?? []
                r.staff = s.user.staffNo
                let result = try s.clerk.supervise(r)
                return Self.render(.redirect("/item/\(result.record.id.hex)?done=supervised"))
            } catch {
                return Self.render(.page(Pages.superviseForm(s.ctx, bureaus: Self.departments(s.clerk, role: .approval), form: f, error: ReplicaError.wrap(error)),
                                         status: .init(code: 422)))
            }
        }
        // Acts on an item's page: on refusal, the same page with the sentence.
        func act(_ path: String, item field: String, done: String, _ body: @escaping @Sendable (Session, Form) throws -> String) {
            router.post(RouterPath(stringLiteral: path)) { request, _ -> Response in
                guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
                let name = f[field] ?? ""
                do { return Self.render(.redirect("/item/\(try body(s, f))?done=\(done)")) } catch {
                    let report = try s.clerk.reader.report(name)
                    return Self.render(.page(try Pages.item(s.ctx, report, department: s.clerk.department, witnessName: witnessName(s.clerk),
                                                            error: ReplicaError.wrap(error)), status: .init(code: 422)))
                }
            }
        }
        act("/reply", item: "inquiry", done: "replied") { s, f in
            try s.clerk.reply(f["inquiry"] ?? "", consent: f["consent"] == "yes", text: f["text"] ?? "", staff: s.user.staffNo).status.inquiry.act.id.hex
        }
        act("/decide", item: "request", done: "decided") { s, f in
            guard let g = f["grant"] else { throw ReplicaError("web.choose", "Choose grant or decline.", zh: "请选择准予或不予。") }
            _ = try s.clerk.decideRevocation(f["request"] ?? "", grant: g == "yes", reason: f["reason"] ?? "", staff: s.user.staffNo)
            return try s.clerk.reader.resolveOp(f["request"] ?? "").id.hex   // back to the request's page
        }
        act("/request", item: "approval", done: "requested") { s, f in
            try s.clerk.requestRevocation(f["approval"] ?? "", action: f["action"] ?? "", basis: f["basis"] ?? "", evidence: [], staff: s.user.staffNo).op.id.hex
        }
        router.get("/inquire") { request, _ -> Response in
            try await signedIn(request) { s in .page(Pages.inquireForm(s.ctx, departments: Self.departments(s.clerk, role: .regulator))) }
        }
        router.post("/inquire") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            do {
                guard let days = Int(f["workingDays"] ?? ""), (1...30).contains(days) else {
                    throw ReplicaError("web.working_days", "The limit is 1 to 30 working days.", zh: "答复时限为 1 至 30 个工作日。")
                }
                let r = try s.clerk.inquire(to: f["to"] ?? "", workingDays: days, subject: f["subject"] ?? "", question: f["question"] ?? "", staff: s.user.staffNo)
                return Self.render(.redirect("/item/\(r.op.id.hex)?done=inquired"))
            } catch {
                return Self.render(.page(Pages.inquireForm(s.ctx, departments: Self.departments(s.clerk, role: .regulator), form: f,
                                                           error: ReplicaError.wrap(error)), status: .init(code: 422)))
            }
        }
        router.post("/warnings/list") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            do {
                _ = try s.clerk.listWarning(creditCode: f["creditCode"] ?? "", name: f["name"] ?? "", level: f["level"] ?? "",
                                            reason: f["reason"] ?? "", staff: s.user.staffNo)
                return Self.render(.redirect("/warnings?done=listed"))
            } catch {
                let w = try s.clerk.reader.warnings()
                return Self.render(.page(Pages.warnings(s.ctx, w.entries, workflow: w.workflow, form: f, error: ReplicaError.wrap(error)),
                                         status: .init(code: 422)))
            }
        }
        router.post("/warnings/delist") { request, _ -> Response in
            guard let (s, f) = try await post(request) else { return Self.render(.redirect("/login")) }
            do {
                _ = try s.clerk.delistWarning(f["entry"] ?? "", reason: f["reason"] ?? "", staff: s.user.staffNo)
                return Self.render(.redirect("/warnings?done=delisted"))
            } catch {
                let w = try s.clerk.reader.warnings()
                return Self.render(.page(Pages.warnings(s.ctx, w.entries, workflow: w.workflow, error: ReplicaError.wrap(error)),
                                         status: .init(code: 422)))
            }
        }
        router.post("/sync") { request, _ -> Response in
            guard let (s, _) = try await post(request) else { return Self.render(.redirect("/login")) }
            let client = SyncClient(store: replica.store, home: replica.home, key: replica.key, clock: replica.clock)
            var lines: [HTML] = []
            let peers = try replica.store.peers()
            for peer in peers {
                do {
                    let r = try await client.sync(with: peer.url)
                    lines.append("<li class=\"ok\">与 <code>\(peer.url)</code> 同步完成：收到 \(r.pulled) 条，发出 \(r.pushed) 条\(HTML.when(r.witness != nil, "，已签署见证"))。</li>")
                } catch {
                    let e = Self.clerkError(error)
                    lines.append("<li class=\"fail\">与 <code>\(peer.url)</code> 同步失败：\(e.chinese) <small>\(e.code)</small></li>")
                }
            }
            return Self.render(try syncPage(s.ctx, results: lines))
        }
    }

    /// A sync failure in the clerk's words.
    static func clerkError(_ error: any Error) -> ReplicaError {
        if let e = error as? SyncClientError {
            let zh = e.code == "sync.unreachable" ? "无法连接对方副本（对方服务未运行或地址有误），本副本数据未受影响，稍后可再次同步。" : e.detail
            return ReplicaError(e.code, e.detail, zh: zh)
        }
        return ReplicaError.wrap(error)
    }
}
