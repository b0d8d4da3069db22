// WorkingDayCalendar+Due: when a limit of N working days ends (rule T2).

extension WorkingDayCalendar {
    /// The end of a time limit of N working days (rule T2), as computed by
    /// ``WorkingDayCalendar/due(fromMillis:workingDays:)``.
    ///
    /// The limit runs until 24:00 China Standard Time of ``lastDay``; an
    /// instant `t` is within it exactly when `t < deadlineMillis`.
    public struct Due: Sendable, Equatable, Hashable, Codable {
        /// The CST civil date of the triggering event; not counted (T2).
        public let eventDay: CivilDate
        /// The limit N, in working days (>= 1).
        public let workingDays: Int
        /// The Nth working day after ``eventDay``: the limit's last day.
        public let lastDay: CivilDate
        /// The exclusive end instant: 00:00 CST of the day after ``lastDay``
        /// (= 24:00 CST of ``lastDay``), in milliseconds since the Unix epoch.
        public let deadlineMillis: Int64
        /// Working days 1...N after ``eventDay``, in order; the last one is
        /// ``lastDay``.
        public let countedDays: [CivilDate]

        /// Creates a value from its parts (for decoding and tests; normally
        /// obtained from ``WorkingDayCalendar/due(fromMillis:workingDays:)``).
        public init(eventDay: CivilDate, workingDays: Int, lastDay: CivilDate,
                    deadlineMillis: Int64, countedDays: [CivilDate]) {
            self.eventDay = eventDay
            self.workingDays = workingDays
            self.lastDay = lastDay
            self.deadlineMillis = deadlineMillis
            self.countedDays = countedDays
        }

        /// Whether the instant `millis` is still within the limit, i.e.
        /// strictly before ``deadlineMillis`` (24:00 CST of ``lastDay``).
        public func isWithinLimit(atMillis millis: Int64) -> Bool {
            millis < deadlineMillis
        }

        /// ``deadlineMillis`` in RFC 3339 CST form, e.g.
        /// `"2026-10-10T00:00:00+08:00"`.
        public var deadlineRFC3339: String {
            ChinaStandardTime.rfc3339CST(millis: deadlineMillis)
        }
    }

    /// When a limit of `n` working days that starts with an event at the
    /// instant `fromMillis` ends.
    ///
    /// **T2 start day not counted** (民法典第二百零一条): the limit ends at
    /// 24:00 China Standard Time (UTC+8) of the Nth working day (rule T1)
    /// after the CST civil date on which the event happens. For example, with
    /// 2026-10-01 ... 10-07 holidays and Saturday 2026-10-10 worked:
    /// - an event at 2026-09-30 16:00 +08:00 with N = 2 counts 10-08 and
    ///   10-09, so the limit ends 2026-10-09 24:00, exclusive end instant
    ///   2026-10-10T00:00:00+08:00;
    /// - an event at 2026-10-09 10:00 +08:00 with N = 1 counts 10-10, ending
    ///   2026-10-10 24:00, exclusive end instant 2026-10-11T00:00:00+08:00.
    ///
    /// The event day itself needs no table (it is never counted); every day
    /// walked after it does.
    ///
    /// - Parameters:
    ///   - fromMillis: the event instant, milliseconds since the Unix epoch.
    ///   - n: the limit in working days; must be at least 1.
    /// - Throws: ``CalendarError/invalidLimit(_:)`` if `n < 1`;
    ///   ``CalendarError/noTableForYear(_:)`` if counting reaches a year with
    ///   no table before the Nth working day.
    public func due(fromMillis: Int64, workingDays n: Int) throws(CalendarError) -> Due {
        try due(afterEventDay: ChinaStandardTime.civilDate(atMillis: fromMillis), workingDays: n)
    }

    /// Like ``due(fromMillis:workingDays:)`` for an event whose CST civil
    /// date is already known: counts the `n` working days after `eventDay`
    /// (rule T2) and ends at 24:00 CST of the last of them.
    ///
    /// - Throws: ``CalendarError/invalidLimit(_:)`` if `n < 1`;
    ///   ``CalendarError/noTableForYear(_:)`` if counting reaches a year with
    ///   no table before the Nth working day.
    public func due(afterEventDay eventDay: CivilDate, workingDays n: Int) throws(CalendarError) -> Due {
        // Terminates: each step either counts a working day or moves on; a
        // finite set of years is covered, so the walk either finds n working
        // days or reaches an uncovered year and throws.
        try walk(after: eventDay, workingDays: n) { day throws(CalendarError) in try isWorkingDay(day) }
    }

    /// Counts `n` working days after `eventDay`, as `isWorking` classifies
    /// them, and ends at 24:00 CST of the last (T2).
    func walk(after eventDay: CivilDate, workingDays n: Int,
              _ isWorking: (CivilDate) throws(CalendarError) -> Bool) throws(CalendarError) -> Due {
        guard n >= 1 else { throw .invalidLimit(n) }
        var counted: [CivilDate] = []
        counted.reserveCapacity(min(n, 400))
        var day = eventDay
        while counted.count < n {
            day = day.adding(days: 1)
            if try isWorking(day) { counted.append(day) }
        }
        return Due(
            eventDay: eventDay,
            workingDays: n,
            lastDay: day,
            deadlineMillis: ChinaStandardTime.startOfDayMillis(day.adding(days: 1)),
            countedDays: counted)
    }
}

// MARK: - Years without a table (PROTOCOL.md §4.2, issue 15)

extension WorkingDayCalendar {
    /// Whether `date` is a working day, judging a year without a table on
    /// the **provisional rule**: Monday to Friday are working days, Saturday
    /// and Sunday are not (no holidays, no adjusted days). A year with a
    /// table follows T1 exactly.
    public func isWorkingDayOrProvisional(_ date: CivilDate) -> Bool {
        covers(year: date.year) ? ((try? isWorkingDay(date)) ?? false) : !date.isWeekend
    }

    /// ``due(afterEventDay:workingDays:)`` that never stops at a year
    /// without a table: such days are judged on the provisional rule
    /// (``isWorkingDayOrProvisional(_:)``), and ``isProvisional(_:)`` says
    /// so. The limit is judged again, exactly, once the year's table is in
    /// the roster. `n` = 0 is not a limit here (see `Deadlines.limit`).
    ///
    /// - Throws: ``CalendarError/invalidLimit(_:)`` if `n < 1`, only.
    public func provisionalDue(fromMillis: Int64, workingDays n: Int) throws(CalendarError) -> Due {
        // Terminates: at least five days of every seven count.
        try walk(after: ChinaStandardTime.civilDate(atMillis: fromMillis), workingDays: n) { isWorkingDayOrProvisional($0) }
    }

    /// Whether a limit was computed on the provisional rule: a day after its
    /// event day, through its last day, lies in a year without a table.
    public func isProvisional(_ due: Due) -> Bool {
        let first = due.eventDay.adding(days: due.workingDays == 0 ? 0 : 1)
        return (first.year...due.lastDay.year).contains { !covers(year: $0) }
    }
}
