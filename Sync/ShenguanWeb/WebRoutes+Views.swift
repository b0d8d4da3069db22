import Foundation
import Hummingbird
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto
import ShenguanReplica

extension WebRoutes {
    /// Words for the `done=` of a redirect after a write (POST → redirect → GET).
    static let notices = [
        "claimed": "已认领。同步后，其他部门的见证将确定是否按时认领。",
        "approved": "已签发并推送。同步后监管部门即可认领。",
        "supervised": "监管信息已记录并推送。同步后审批部门即可认领。",
        "replied": "答复已签署。同步后来函部门即可看到。",
        "decided": "决定已签署。同步后申请部门即可看到。",
        "requested": "申请已提出。同步后审批部门即可办理。",
        "inquired": "函询已发出。同步后对方即可答复；逾期未复视为同意（R12）。",
        "feedback": "反馈已签署。同步后推送部门即可看到（R4）。",
        "relayed": "已转推。同步后对方即可认领（R5）。",
        "listed": "已列入预警名单。同步后各部门办理时即可看到。",
        "delisted": "已移出预警名单。",
    ]

    func registerViews(on router: Router<BasicRequestContext>) {
        router.get("/inbox") { request, _ -> Response in
            try await signedIn(request) { s in
                let notice = request.uri.queryParameters["done"].flatMap { Self.notices[String($0)] }
                return .page(Pages.inbox(s.ctx, try s.clerk.reader.inbox(), now: s.clerk.now, notice: notice))
            }
        }
        router.get("/history") { request, _ -> Response in
            try await signedIn(request) { s in
                let roster = s.clerk.roster
                // 100 a page, newest first; one more is read to know whether a next page exists.
                let page = max(1, min(request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1, 10_000))
                let items = try s.clerk.reader.history(limit: Pages.historyPageSize + 1, offset: (page - 1) * Pages.historyPageSize)
                return .page(Pages.history(s.ctx, Array(items.prefix(Pages.historyPageSize)), page: page,
                                           more: items.count > Pages.historyPageSize) { roster.departments[$0]?.name ?? $0 })
            }
        }
        router.get("/item/:id") { request, context -> Response in
            try await signedIn(request) { s in
                let notice = request.uri.queryParameters["done"].flatMap { Self.notices[String($0)] }
                return try itemPage(s, context.parameters.get("id") ?? "", notice: notice)
            }
        }
        router.get("/warnings") { request, _ -> Response in
            try await signedIn(request) { s in
                let w = try s.clerk.reader.warnings()
                let notice = request.uri.queryParameters["done"].flatMap { Self.notices[String($0)] }
                let page = request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1
                return .page(Pages.warnings(s.ctx, w.entries, workflow: w.workflow, page: page, notice: notice))
            }
        }
        router.get("/evidence/:id") { request, context -> Response in
            try await signedIn(request) { s in
                let (id, bytes) = try bundle(s, context.parameters.get("id") ?? "")
                return .download(name: "evidence-\(id.prefix(12)).json", type: "application/json", bytes: bytes)
            }
        }
        router.get("/attachment/:id") { request, context -> Response in
            try await signedIn(request) { s in
                let op = try s.clerk.reader.resolveOp(context.parameters.get("id") ?? "", kinds: [WorkflowKinds.attachment])
                guard let body = op.body, let a = try? AttachmentBody(json: body) else {
                    throw ReplicaError("web.attachment_erased", "This attachment's content is not held on this replica.",
                                       zh: "本副本未持有该附件的内容（未传来或已删除）。")
                }
                // What a peer says the type is, only where a browser cannot run it.
                let types: Set = ["application/pdf", "image/png", "image/jpeg", "image/tiff", "text/plain"]
                return .download(name: a.name, type: types.contains(a.mediaType) ? a.mediaType : "application/octet-stream", bytes: a.data)
            }
        }
        router.get("/evidence/:id/check") { request, context -> Response in
            try await signedIn(request) { s in
                let (id, bytes) = try bundle(s, context.parameters.get("id") ?? "")
                // The very bytes offered for download, checked as an offline verifier would.
                let parsed = try EvidenceBundle(bytes: bytes)
                let report = EvidenceVerifier.verify(parsed)
                let text = report.lines.map { "\($0.ok ? "✓" : "✗") \($0.zh)" }.joined(separator: "\n")
                return .page(Pages.evidence(s.ctx, id: id, verdictText: text, passed: report.passed, bytes: bytes.count))
            }
        }
        router.get("/stats") { request, _ -> Response in
            try await signedIn(request) { s in
                let year = request.uri.queryParameters["year"].flatMap { Int(String($0)) }
                let stats = try s.clerk.reader.statistics(year: year)
                let named = Set(stats.tallies.flatMap { [$0.to, $0.from] })
                let roster = s.clerk.roster
                let departments = ClerkWords.chineseOrder(named.map { (id: $0, name: roster.departments[$0]?.name ?? $0) })
                let credit = Set(roster.departments.values.filter { $0.role == .credit }.map(\.id))
                return .page(Pages.statistics(s.ctx, stats, me: s.clerk.department, departments: departments, credit: credit))
            }
        }
        router.get("/stats/items") { request, _ -> Response in
            try await signedIn(request) { s in
                let q = request.uri.queryParameters
                func param(_ k: String) -> String? { q[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
                let period = try ReportPeriod(param("period") ?? String(ChinaStandardTime.civilDate(atMillis: s.clerk.now).year))
                let (to, from, claim) = (param("to"), param("from"), param("claim"))
                let items = try s.clerk.reader.talliedPushes(period: period, to: to, from: from, claim: claim, limit: 101)
                let roster = s.clerk.roster
                func name(_ d: String) -> String { roster.departments[d]?.name ?? d }
                let outcome = Pages.claimOutcomes.first { $0.key == claim }?.zh ?? "全部"
                let who = [to.map { "收到方 \(name($0))" }, from.map { "推送方 \(name($0))" }].compactMap { $0 }.joined(separator: "，")
                let caption = "\(Pages.periodName(period)) · \(who.isEmpty ? "各部门" : who) · \(outcome) · "
                    + (items.count > 100 ? "最新 100 项" : "共 \(items.count) 项")
                return .page(Pages.history(s.ctx, Array(items.prefix(100)), title: "统计明细", caption: caption, name: name))
            }
        }
        router.get("/sync") { request, _ -> Response in
            try await signedIn(request) { s in
                try syncPage(s.ctx)
            }
        }
    }

    /// The page of the item `name` names, with a notice or a refusal.
    func itemPage(_ s: Session, _ name: String, notice: String? = nil, error: ReplicaError? = nil) throws -> WebAnswer {
        let report = try s.clerk.reader.report(name)
        return .page(try Pages.item(s.ctx, report, department: s.clerk.department, witnessName: witnessName(s.clerk),
                                    relayTargets: Self.departments(s.clerk, role: .regulator), notice: notice, error: error),
                     status: error == nil ? .ok : .init(code: 422))
    }

    /// 同步状态 as it stands, with `results` of a sync just run.
    func syncPage(_ ctx: PageContext, results: [HTML] = []) throws -> WebAnswer {
        let store = replica.store
        let peers = try store.peers().map { p in
            Pages.PeerRow(url: p.url, lastSync: p.lastSync, lacking: try p.lastVector.map { try store.lacking(vector: $0) },
                          lastAttempt: p.lastAttempt, lastError: p.lastError)
        }
        return .page(Pages.sync(ctx, peers: peers, ops: try store.count(), waiting: try store.pendingCount(), results: results))
    }

    /// The evidence bundle of what `name` names, canonical bytes.
    func bundle(_ s: Session, _ name: String) throws -> (String, [UInt8]) {
        let b = try s.clerk.reader.evidence(name)
        return (b.subject, try CanonicalJSON.encode(b.json))
    }

    /// The department whose witness an evidence mark is, by the op's author.
    func witnessName(_ clerk: Clerk) -> (Digest?) -> String? {
        { id in
            guard let id, let op = try? replica.store.op(id.hex), let d = clerk.roster.replicas[op.header.author]?.department else { return nil }
            return clerk.roster.departments[d]?.name ?? d
        }
    }
}
