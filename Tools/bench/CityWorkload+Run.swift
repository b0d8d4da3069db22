import Foundation
import ShenguanCalendar
import ShenguanCore
import ShenguanCrypto

extension CityWorkload {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func between(_ lo: Int64, _ hi: Int64) -> Int64 { Int64.random(in: lo...hi, using: &rng) }
    mutating func pick(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }

    /// Working day after working day from `first`, until `target` operations.
    mutating func run(until target: Int, from first: CivilDate) throws {
        let k = keys.count
        let t0 = ChinaStandardTime.startOfDayMillis(first) + 9 * Self.hour
        for d in 0..<k {
            for n in 0..<2 {
                let m = StaffMember(department: "d\(d)", staffNo: String(format: "%04d", n + 1), name: ["王芳", "李强"][n], office: d == 0 ? "审批科" : "执法科",
                                    validFrom: CivilDate(year: 2025, month: 1, day: 1)!, validUntil: CivilDate(year: 2026, month: 12, day: 31)!)
                staff[d].append(write(d, RosterOps.staff, m.json, at: t0 + Int64(d * 10 + n)).id)
            }
        }
        var date = first
        while count < target, date.year <= 2026 {
            defer { date = date.adding(days: 1) }
            guard (try? OfficialCalendar.calendar.isWorkingDay(date)) == true else { continue }
            let open = ChinaStandardTime.startOfDayMillis(date) + 9 * Self.hour
            func spread(_ n: Int, _ action: Action, dept: () -> Int) -> [Event] {
                (0..<n).map { _ in Event(time: open + Int64.random(in: 0...(8 * Self.hour), using: &rng), dept: dept(), action: action) }
            }
            var today = spread(12 * k, .approval) { 0 }
            today += spread(2 * k, .supervision) { 1 + Int.random(in: 0..<(k - 1), using: &rng) }
            today += spread(max(1, 2 * k / 5), .inquiry) { 0 }
            today += spread(max(1, k / 10), .revocation) { 1 + Int.random(in: 0..<(k - 1), using: &rng) }
            today += spread(max(1, k / 8), .correction) { 0 }
            for dept in 0..<k {
                for h in [Int64(30), 150, 330, 450] { today.append(Event(time: open + h * 60_000 + between(-20, 20) * 60_000, dept: dept, action: .sync)) }
            }
            for e in today { queue.push(e) }
            let close = open + 15 * Self.hour
            while let e = queue.peek(), e.time < close, count < target {
                queue.pop()
                perform(e)
            }
        }
    }

    mutating func staffRef(_ d: Int) -> JSONValue { .string(staff[d][pick(staff[d].count)].hex) }

    mutating func perform(_ e: Event) {
        let k = keys.count
        switch e.action {
        case .approval:
            let n = approvals.count
            let code = CreditCode.withCheck(String(format: "91371500%09d", (n * 7919) % 999_999_937))!
            var body: [String: JSONValue] = [
                "item": ["code": "370100-001", "name": "食品经营许可"], "powerType": "行政许可",
                "applicant": ["name": .string("聊城市鲁西餐饮有限公司\(n)"), "creditCode": .string(code), "contact": "0635-1234567"],
                "licenceNo": .string("JY13715\(String(format: "%08d", n))"), "decisionDate": .string(ChinaStandardTime.civilDate(atMillis: e.time).iso),
                "riskPoints": ["冷链储存", "从业人员健康证明"], "commitment": false, "staff": staffRef(0),
            ]
            if chance(0.02) {
                let size = Int(between(20_000, 80_000))
                var data = [UInt8](repeating: 0, count: size)
                for i in data.indices { data[i] = UInt8.random(in: 0...255, using: &rng) }
                let att = write(0, WorkflowKinds.attachment, AttachmentBody.json(name: "营业执照扫描件.pdf", mediaType: "application/pdf", data: data), at: e.time)
                body["attachments"] = [["op": .string(att.id.hex), "sha256": .string(SHA256.hash(data).hex), "name": "营业执照扫描件.pdf"]]
            }
            let a = write(0, WorkflowKinds.approval, .object(body), at: e.time)
            approvals.append(a.id)
            var targets = Set<Int>()
            let fanout = 1 + pick(3)
            while targets.count < min(fanout, k - 1) { targets.insert(1 + pick(k - 1)) }
            for (i, r) in targets.sorted().enumerated() {
                let p = write(0, WorkflowKinds.push, ["record": .string(a.id.hex), "to": .string("d\(r)")], at: e.time + Int64(i + 1) * 1000)
                unseen[r].append(Event(time: 0, dept: r, action: .claim(p.id)))
                pushesTo[r].append(p.id)
            }
        case .supervision:
            let published = ChinaStandardTime.civilDate(atMillis: e.time).iso
            var body: [String: JSONValue] = ["category": "penalty", "decisionDate": .string(published), "publishedDate": .string(published),
                                             "summary": "超范围经营，罚款5000元", "staff": staffRef(e.dept)]
            let code = CreditCode.withCheck(String(format: "91371500%09d", pick(400_000)))!
            body["subject"] = ["name": "聊城市某经营主体", "creditCode": .string(code)]
            if chance(0.03) { body["listing"] = "strict" }
            let rec = write(e.dept, WorkflowKinds.supervision, .object(body), at: e.time)
            queue.push(Event(time: e.time + between(600_000, 2 * Self.day), dept: e.dept, action: .pushBack(rec.id)))
        case .pushBack(let rec):
            let p = write(e.dept, WorkflowKinds.push, ["record": .string(rec.hex), "to": "d0", "staff": staffRef(e.dept)], at: e.time)
            unseen[0].append(Event(time: 0, dept: 0, action: .claim(p.id)))
            pushesTo[0].append(p.id)
        case .claim(let p):
            write(e.dept, WorkflowKinds.claim, ["push": .string(p.hex), "staff": staffRef(e.dept)], at: e.time)
        case .inquiry:
            let to = 1 + pick(k - 1)
            let q = write(0, WorkflowKinds.inquiry, ["to": .string("d\(to)"), "subject": "关于经营范围的函询", "question": "是否同意扩大经营范围？",
                                                     "workingDays": .int(Int64(1 + pick(3)))], at: e.time)
            inquiries.append(q.id)
            unseen[to].append(Event(time: 0, dept: to, action: .reply(q.id)))
        case .reply(let q):
            write(e.dept, WorkflowKinds.reply, ["inquiry": .string(q.hex), "consent": .bool(chance(0.8)), "text": "经研究，同意。"], at: e.time)
        case .revocation:
            guard approvals.count > 10 else { return }
            // An approval the regulator holds: one from before its last sync.
            let a = approvals[pick(approvals.count * 9 / 10)]
            let r = write(e.dept, WorkflowKinds.revocationRequest, ["approval": .string(a.hex), "action": "revoke", "basis": "拒不改正违法行为"], at: e.time)
            unseen[0].append(Event(time: 0, dept: 0, action: .decide(r.id)))
        case .decide(let r):
            write(0, WorkflowKinds.revocationDecision, ["request": .string(r.hex), "grant": .bool(chance(0.7)), "reason": "已核实"], at: e.time)
        case .correction:
            guard let a = approvals.last else { return }
            write(0, WorkflowKinds.correction, ["approval": .string(a.hex), "field": "contact", "value": "0635-7654321"], at: e.time)
        case .sync:
            sync(e.dept, at: e.time)
        }
    }

    /// Department `d` syncs (with a hub holding everything so far), then
    /// schedules its answers to what it learnt and signs a witness.
    mutating func sync(_ d: Int, at t: Int64) {
        for b in heads.indices where b != d { seen[d][b] = heads[b] }
        for item in unseen[d] {
            switch item.action {
            case .claim, .decide:
                let u = Double.random(in: 0..<1, using: &rng)
                if u < 0.85 { queue.push(Event(time: t + between(300_000, 20 * Self.hour), dept: d, action: item.action)) }
                else if u < 0.95 { queue.push(Event(time: t + between(3 * Self.day, 6 * Self.day), dept: d, action: item.action)) }
            case .reply:
                if chance(0.8) { queue.push(Event(time: t + between(Self.hour, 36 * Self.hour), dept: d, action: item.action)) }
            default: break
            }
        }
        unseen[d] = []
        var entries = [(author: String, seq: Int64, id: String)]()
        for b in heads.indices { if let h = b == d ? heads[b] : seen[d][b] { entries.append((keys[b].publicKey.base64url, h.seq, h.id.hex)) } }
        let from = (d + 1 + pick(keys.count - 1)) % keys.count
        let decl = heads[from].map { HeadDeclaration.sign(key: keys[from], seq: $0.seq, id: $0.id, time: t - 1000) }
        write(d, WitnessOps.kind, WitnessOps.body(heads: entries, declarations: decl.map { [$0] } ?? []), at: t)
    }
}

/// A deterministic generator (SplitMix64), so runs are comparable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A binary min-heap of events by time.
struct EventQueue {
    private var items: [CityWorkload.Event] = []
    func peek() -> CityWorkload.Event? { items.first }
    mutating func push(_ e: CityWorkload.Event) {
        items.append(e)
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2].time > items[i].time { items.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
    }
    @discardableResult
    mutating func pop() -> CityWorkload.Event? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, items[l].time < items[m].time { m = l }
            if r < items.count, items[r].time < items[m].time { m = r }
            if m == i { break }
            items.swapAt(i, m); i = m
        }
        return top
    }
}
