import ShenguanCalendar
import ShenguanCrypto

/// When an operation came into being, as far as evidence shows
/// (DESIGN.md "Time evidence"): created no earlier than `lo`, existed no
/// later than `hi`; `own` is what its author asserted.
public struct TimeBounds: Equatable, Sendable {
    public let own: Int64
    public let lo: Int64
    public let hi: Int64
    /// What set `lo` and `hi` (an operation id, or "the author's own clock").
    public let loSource: String
    public let hiSource: String
    /// The operations that set `lo` and `hi` (nil: none, or the author's clock).
    public let loOp: Digest?
    public let hiOp: Digest?

    public init(own: Int64, lo: Int64, hi: Int64, loSource: String, hiSource: String, loOp: Digest? = nil, hiOp: Digest? = nil) {
        self.own = own; self.lo = lo; self.hi = hi; self.loSource = loSource; self.hiSource = hiSource
        self.loOp = loOp; self.hiOp = hiOp
    }

    /// Whether another department has shown it holds the operation.
    public var isWitnessed: Bool { hi != .max }

    /// A fixed instant (a publication day's start): lo = hi = own.
    public static func instant(_ t: Int64, source: String) -> TimeBounds {
        TimeBounds(own: t, lo: t, hi: t, loSource: source, hiSource: source)
    }
}

/// Where deadline judgements get operation times from. The judgement and
/// every view depend on this protocol only, so proven intervals (witnesses,
/// head declarations) can replace author timestamps without touching them.
public protocol TimeEvidence: Sendable {
    func bounds(of op: VerifiedOp) -> TimeBounds
    /// The latest time another department showed it held a chain of
    /// `department` (nil: no evidence kept, judgements are final as they are).
    func lastCited(department: String) -> (time: Int64, op: Digest)?
    /// Whether bounds come from signed evidence (then a lapsed R12 limit is
    /// final only once the silent chain is seen past it).
    var isProven: Bool { get }
}

extension TimeEvidence {
    public var isProven: Bool { false }
}

/// Author timestamps taken at face value: lo = hi = own.
public struct AuthorClockEvidence: TimeEvidence {
    public init() {}
    public func lastCited(department: String) -> (time: Int64, op: Digest)? { nil }
    public func bounds(of op: VerifiedOp) -> TimeBounds {
        let t = op.header.clock.time
        return TimeBounds(own: t, lo: t, hi: t, loSource: "author clock", hiSource: "author clock")
    }
}

/// The outcome of one time limit (R2, R4, R7, R12): a pure function of the
/// start, the act (if any), the policy, the calendar and now.
public struct Verdict: Equatable, Sendable {
    public enum Outcome: String, Sendable {
        /// Not acted on and the limit has not passed.
        case open
        /// Acted on within the limit.
        case onTime = "on_time"
        /// Acted on after the limit (the automatic act at the limit stands).
        case late
        /// Not acted on by the limit: automatically claimed / deemed consent.
        case lapsed
        /// Acted on, dated within the limit, but no other department has
        /// witnessed the act yet; settled once a witness arrives, and late
        /// if none is dated before the limit plus grace.
        case awaitingWitness = "awaiting_witness"
    }
    /// Which rule of DESIGN.md "Deadline verdicts" decided.
    public enum Basis: String, Sendable {
        case provenOnTime = "proven_on_time"      // act.hi < limit
        case provenLate = "proven_late"           // act.lo ≥ limit
        case straddleOnTime = "straddle_on_time"  // own < limit and hi < limit + grace
        case straddleLate = "straddle_late"
        case noActYet = "no_act_yet"
        case noActByLimit = "no_act_by_limit"
        case unwitnessed = "unwitnessed"
    }
    public let outcome: Outcome
    public let basis: Basis
    public let rule: String
    public let due: WorkingDayCalendar.Due
    /// The act that was judged, if any.
    public let act: Digest?
    /// The evidence that decided, in words.
    public let evidence: String
    /// The start of the window and the act's bounds, as judged.
    public var start: TimeBounds? = nil
    public var actBounds: TimeBounds? = nil
    /// The limit touches a year whose official calendar the roster does not
    /// hold yet: judged on the provisional rule (weekends only, PROTOCOL.md
    /// §4.2) and judged again when the table arrives.
    public var provisional = false
    /// The window's start is the trigger's own timestamp: no other
    /// department has shown it held the trigger yet.
    public var provisionalStart: Bool { !(start?.isWitnessed ?? true) }

    /// The instants `now` may take for this verdict to stay what it is, as
    /// long as nothing it was judged from changes (no new act, no new bounds,
    /// no new roster): an open limit lapses at its end, an act awaiting its
    /// witness turns late at the end of the grace period, and what was
    /// decided by evidence alone holds at any time. What lets a judged
    /// verdict be kept and reused (the statistics) without judging it again.
    public func holds(graceMillis: Int64) -> Range<Int64> {
        let limit = due.deadlineMillis
        let (graceEnd, overflow) = limit.addingReportingOverflow(max(0, graceMillis))
        let end = overflow ? Int64.max : graceEnd
        switch outcome {
        case .open: return Int64.min..<limit
        case .lapsed: return limit..<Int64.max
        case .awaitingWitness: return Int64.min..<end
        case .late where basis == .straddleLate && !(actBounds?.isWitnessed ?? true) && (actBounds?.own ?? limit) < limit:
            return end..<Int64.max   // dated within the limit: late once the grace period has passed unwitnessed
        case .late, .onTime: return Int64.min..<Int64.max
        }
    }

    /// Milliseconds left before the limit (negative once passed).
    public func millisLeft(now: Int64) -> Int64 { due.deadlineMillis - now }
}

public enum Deadlines {
    /// The end of a limit of `workingDays` starting at `from` (PROTOCOL.md
    /// §4.2): 24:00 CST of the Nth working day after the day of `from` (T1,
    /// T2); a limit of 0 working days (临淄 "即时", immediately) ends at 24:00
    /// CST of that day itself. Every verdict and the read model's stored
    /// limits use this one function.
    public static func limit(from: Int64, workingDays: Int, calendar: WorkingDayCalendar) throws(CalendarError) -> WorkingDayCalendar.Due {
        guard workingDays == 0 else { return try calendar.provisionalDue(fromMillis: from, workingDays: workingDays) }
        let day = ChinaStandardTime.civilDate(atMillis: from)
        return WorkingDayCalendar.Due(eventDay: day, workingDays: 0, lastDay: day,
                                      deadlineMillis: ChinaStandardTime.startOfDayMillis(day.adding(days: 1)), countedDays: [])
    }

    /// Judges one limit. The window starts when the trigger provably existed
    /// outside its author (`start.hi`; T2: that day is not counted); the
    /// limit ends at 24:00 CST of the Nth working day after it (T1).
    /// An act is on time when it provably precedes the limit; late when it
    /// provably follows it; when its interval straddles the limit, on time
    /// only if its own timestamp is within the limit and it was witnessed
    /// before the limit plus `graceMillis`.
    public static func judge(rule: String, start: TimeBounds, workingDays: Int, act: (id: Digest, bounds: TimeBounds)?,
                             calendar: WorkingDayCalendar, graceMillis: Int64, now: Int64) throws(CalendarError) -> Verdict {
        var v = try decide(rule: rule, start: start, workingDays: workingDays, act: act, calendar: calendar, graceMillis: graceMillis, now: now)
        v.start = start; v.actBounds = act?.bounds
        v.provisional = calendar.isProvisional(v.due)
        return v
    }

    static func decide(rule: String, start: TimeBounds, workingDays: Int, act: (id: Digest, bounds: TimeBounds)?,
                       calendar: WorkingDayCalendar, graceMillis: Int64, now: Int64) throws(CalendarError) -> Verdict {
        let from = start.isWitnessed ? start.hi : start.own
        return decide(rule: rule, due: try limit(from: from, workingDays: workingDays, calendar: calendar), act: act,
                      graceMillis: graceMillis, now: now)
    }

    /// The verdict of an act (or its absence) against a limit already
    /// computed: the evidence rules of PROTOCOL.md §4.3, whatever the limit
    /// counts from (R14 counts back from the visit).
    static func decide(rule: String, due: WorkingDayCalendar.Due, act: (id: Digest, bounds: TimeBounds)?,
                       graceMillis: Int64, now: Int64) -> Verdict {
        let limit = due.deadlineMillis
        func cst(_ t: Int64) -> String { ChinaStandardTime.rfc3339CST(millis: t) }
        guard let act else {
            if now < limit {
                return Verdict(outcome: .open, basis: .noActYet, rule: rule, due: due, act: nil,
                               evidence: "no act yet; the limit ends \(due.deadlineRFC3339)")
            }
            return Verdict(outcome: .lapsed, basis: .noActByLimit, rule: rule, due: due, act: nil,
                           evidence: "no act held by \(due.deadlineRFC3339)")
        }
        let b = act.bounds
        if b.hi < limit {
            return Verdict(outcome: .onTime, basis: .provenOnTime, rule: rule, due: due, act: act.id,
                           evidence: "existed by \(cst(b.hi)) (\(b.hiSource)), before the limit \(due.deadlineRFC3339)")
        }
        if b.lo >= limit {
            return Verdict(outcome: .late, basis: .provenLate, rule: rule, due: due, act: act.id,
                           evidence: "created no earlier than \(cst(b.lo)) (\(b.loSource)), at or after the limit \(due.deadlineRFC3339)")
        }
        if b.own < limit && b.hi < limit + graceMillis {
            return Verdict(outcome: .onTime, basis: .straddleOnTime, rule: rule, due: due, act: act.id,
                           evidence: "dated \(cst(b.own)) by its author and witnessed \(cst(b.hi)) (\(b.hiSource)), within the grace period")
        }
        if !b.isWitnessed && b.own < limit && now < limit + graceMillis {
            return Verdict(outcome: .awaitingWitness, basis: .unwitnessed, rule: rule, due: due, act: act.id,
                           evidence: "dated \(cst(b.own)) by its author; no other department has witnessed it yet (grace ends \(cst(limit + graceMillis)))")
        }
        if !b.isWitnessed {
            return Verdict(outcome: .late, basis: .straddleLate, rule: rule, due: due, act: act.id,
                           evidence: "dated \(cst(b.own)) by its author but not witnessed by another department before \(cst(limit + graceMillis)) (limit plus grace): evidence of a timely act is missing")
        }
        return Verdict(outcome: .late, basis: .straddleLate, rule: rule, due: due, act: act.id,
                       evidence: "dated \(cst(b.own)) by its author, first witnessed \(cst(b.hi)) (\(b.hiSource)), beyond the limit plus grace")
    }
}
