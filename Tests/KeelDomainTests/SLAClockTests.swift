import Foundation
import KeelDomain
import XCTest

/// The two SLA clocks of a ticket on the API.md London calendar (Mon–Thu 09:00–17:30,
/// Friday 09:00–13:00 and 14:00–17:30). Mon 1 Jun 2026 is a Monday; times are BST (+01:00).
final class SLAClockTests: XCTestCase {
    private let t = SLAFixtures.t
    private let hour = SLAFixtures.hour
    private var clock: SLAClock { SLAClock(policy: .standard, calendar: SLAFixtures.london) }

    // MARK: - Policy

    func testStandardPolicyHasTheIssueDefaults() {
        let policy = SLAPolicy.standard
        XCTAssertEqual(policy.critical, SLATargets(firstResponse: .wallClock(seconds: 3600), resolution: .wallClock(seconds: 4 * 3600)))
        XCTAssertEqual(policy.high, SLATargets(firstResponse: .businessTime(seconds: 2 * 3600), resolution: .businessTime(seconds: 8 * 3600)))
        XCTAssertEqual(policy.medium, SLATargets(firstResponse: .businessTime(seconds: 4 * 3600), resolution: .businessDays(3)))
        XCTAssertEqual(policy.low, SLATargets(firstResponse: .endOfNextBusinessDay, resolution: .businessDays(10)))
        XCTAssertEqual(policy.pausingStatuses, [.pendingCustomer, .pendingThirdParty])
        XCTAssertEqual(policy.warningFraction, 0.75)
        XCTAssertEqual(policy.targets(for: .medium), policy.medium)
    }

    func testPolicyJSONRoundTripsAndIsValidated() throws {
        let data = try JSONEncoder().encode(SLAPolicy.standard)
        XCTAssertEqual(try JSONDecoder().decode(SLAPolicy.self, from: data), .standard)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""kind":"endOfNextBusinessDay""#), text)
        XCTAssertTrue(text.contains(#""pausingStatuses":["pending_customer","pending_third_party"]"#), text)

        func policy(fraction: String = "0.75", pausing: String = #"["pending_customer"]"#, lowResolution: String = #"{"kind":"businessDays","days":10}"#) -> Data {
            let target = #"{"firstResponse":{"kind":"businessTime","seconds":3600},"resolution":{"kind":"wallClock","seconds":7200}}"#
            return Data("""
                {"name":"p","critical":\(target),"high":\(target),"medium":\(target),
                 "low":{"firstResponse":{"kind":"endOfNextBusinessDay"},"resolution":\(lowResolution)},
                 "pausingStatuses":\(pausing),"warningFraction":\(fraction)}
                """.utf8)
        }
        let decoded = try JSONDecoder().decode(SLAPolicy.self, from: policy())
        XCTAssertEqual(decoded.pausingStatuses, [.pendingCustomer])
        XCTAssertEqual(decoded.low.resolution, .businessDays(10))
        XCTAssertThrowsError(try JSONDecoder().decode(SLAPolicy.self, from: policy(fraction: "1.5")))
        XCTAssertThrowsError(try JSONDecoder().decode(SLAPolicy.self, from: policy(fraction: "0")))
        XCTAssertThrowsError(try JSONDecoder().decode(SLAPolicy.self, from: policy(pausing: #"["resolved"]"#)))
        XCTAssertThrowsError(try JSONDecoder().decode(SLAPolicy.self, from: policy(lowResolution: #"{"kind":"businessDays","days":0}"#)))
        XCTAssertThrowsError(try JSONDecoder().decode(SLAPolicy.self, from: policy(lowResolution: #"{"kind":"fortnight"}"#)))
    }

    // MARK: - Targets

    func testBusinessDayTargetsAreTheEarliestInstantWithThatBusinessTime() {
        let london = SLAFixtures.london
        // Mon 09:00 + 3 business days: three whole days (Mon, Tue, Wed: 25.5 h) are used up at
        // Wednesday's closing, 17:30 — the same business instant as Thursday 09:00.
        let monday = t("2026-06-01T09:00:00+01:00")
        XCTAssertEqual(SLATarget.businessDays(3).seconds(from: monday, calendar: london), 25 * hour + 1800)
        XCTAssertEqual(london.rfc3339(SLATarget.businessDays(3).dueDate(from: monday, calendar: london)), "2026-06-03T17:30:00+01:00")
        // Saturday is handled at Monday's opening: the same answer.
        XCTAssertEqual(
            london.rfc3339(SLATarget.businessDays(3).dueDate(from: t("2026-06-06T11:00:00+01:00"), calendar: london)),
            "2026-06-10T17:30:00+01:00")
        // Mid-morning: same time three business days later.
        XCTAssertEqual(
            london.rfc3339(SLATarget.businessDays(3).dueDate(from: t("2026-06-01T10:15:00+01:00"), calendar: london)),
            "2026-06-04T10:15:00+01:00")
    }

    func testPausesExtendBusinessDayTargets() {
        // Fri 5 Jun 15:00 + 10 business days = Fri 19 Jun 15:00 (two whole weeks, 83 h of business
        // time). A pause Mon 8 Jun 09:00–13:00 removes 4 business hours: Fri 19 Jun has 2.5 h
        // left after 15:00, so the remaining 1.5 h fall on Mon 22 Jun: 10:30.
        let london = SLAFixtures.london
        let start = t("2026-06-05T15:00:00+01:00")
        XCTAssertEqual(SLATarget.businessDays(10).seconds(from: start, calendar: london), 83 * hour)
        XCTAssertEqual(london.rfc3339(SLATarget.businessDays(10).dueDate(from: start, calendar: london)), "2026-06-19T15:00:00+01:00")
        let pause = SLAFixtures.pause("2026-06-08T09:00:00+01:00", "2026-06-08T13:00:00+01:00")
        XCTAssertEqual(
            london.rfc3339(SLATarget.businessDays(10).dueDate(from: start, calendar: london, pauses: [pause])),
            "2026-06-22T10:30:00+01:00")
    }

    func testWallClockTargetIgnoresTheCalendar() {
        let london = SLAFixtures.london
        let saturdayNight = t("2026-06-06T03:00:00+01:00")
        XCTAssertFalse(SLATarget.wallClockHours(4).isBusinessTime)
        XCTAssertEqual(SLATarget.wallClockHours(4).dueDate(from: saturdayNight, calendar: london), t("2026-06-06T07:00:00+01:00"))
        XCTAssertEqual(SLATarget.businessHours(4).description, "4 h business time")
        XCTAssertEqual(SLATarget.wallClock(seconds: 5400).description, "90 min 24×7")
    }

    // MARK: - Clocks

    func testPendingCustomerPausesResolutionClockButNotFirstResponse() {
        // High: 2 h first response, 8 h resolution (business). Created Mon 09:00, open 09:05,
        // waiting for the customer 10:00–12:00, open again from 12:00. No reply yet.
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            statusChanges: [
                StatusChange(at: t("2026-06-01T09:00:00+01:00"), status: .new),
                StatusChange(at: t("2026-06-01T09:05:00+01:00"), status: .open),
                StatusChange(at: t("2026-06-01T10:00:00+01:00"), status: .pendingCustomer),
                StatusChange(at: t("2026-06-01T12:00:00+01:00"), status: .open),
            ])

        // At 11:00, during the pause. First response: due 11:00, not paused, warned at 10:30
        // (75 % of 2 h); exactly at the due time it is not yet breached.
        let first = clock.firstResponse(ticket, now: t("2026-06-01T11:00:00+01:00"))
        XCTAssertEqual(first.dueAt, t("2026-06-01T11:00:00+01:00"))
        XCTAssertFalse(first.paused)
        XCTAssertEqual(first.state, .warning)
        XCTAssertEqual(first.warningAt, t("2026-06-01T10:30:00+01:00"))
        XCTAssertEqual(first.elapsedBusinessSeconds, 2 * hour)
        // Resolution: 1 h used by 10:00; paused since then (the pause is taken to last until now),
        // so 7 h remain from 11:00: 11:00–17:30 (6.5 h) and Tue 09:00–09:30.
        let during = clock.resolution(ticket, now: t("2026-06-01T11:00:00+01:00"))
        XCTAssertTrue(during.paused)
        XCTAssertEqual(during.elapsedBusinessSeconds, hour)
        XCTAssertEqual(SLAFixtures.london.rfc3339(during.dueAt), "2026-06-02T09:30:00+01:00")
        XCTAssertEqual(during.state, .ok)

        // At 12:30: the first response is breached at 11:00; the resolution clock runs again,
        // 2 h of pause moved it to Tue 10:30, and 1.5 h have elapsed.
        let later = clock.evaluate(ticket, now: t("2026-06-01T12:30:00+01:00"))
        XCTAssertEqual(later.firstResponse.state, .breached)
        XCTAssertEqual(later.firstResponse.breachedAt, t("2026-06-01T11:00:00+01:00"))
        XCTAssertFalse(later.resolution.paused)
        XCTAssertEqual(SLAFixtures.london.rfc3339(later.resolution.dueAt), "2026-06-02T10:30:00+01:00")
        XCTAssertEqual(later.resolution.elapsedBusinessSeconds, 5400)
        // Resolution warning at 6 h of business time: 09:00–10:00, then 12:00 + 5 h = 17:00.
        XCTAssertEqual(later.resolution.warningAt, t("2026-06-01T17:00:00+01:00"))
        XCTAssertEqual(later.resolution.state, .ok)
    }

    func testPendingThirdPartyPausesByDefaultButCanBeConfiguredNotTo() {
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            statusChanges: [
                StatusChange(at: t("2026-06-01T09:30:00+01:00"), status: .open),
                StatusChange(at: t("2026-06-01T10:00:00+01:00"), status: .pendingThirdParty),
            ])
        let now = t("2026-06-01T14:00:00+01:00")
        XCTAssertTrue(clock.resolution(ticket, now: now).paused)
        XCTAssertEqual(clock.resolution(ticket, now: now).elapsedBusinessSeconds, hour)
        var policy = SLAPolicy.standard
        policy.pausingStatuses = [.pendingCustomer]
        let strict = SLAClock(policy: policy, calendar: SLAFixtures.london)
        let reading = strict.resolution(ticket, now: now)
        XCTAssertFalse(reading.paused)
        XCTAssertEqual(reading.elapsedBusinessSeconds, 5 * hour)
        XCTAssertEqual(reading.dueAt, t("2026-06-01T17:00:00+01:00"))
    }

    func testPriorityChangeRecomputesDueTimesFromCreation() {
        // Created Mon 09:00 as medium; raised to high at 10:00, to critical at 10:45.
        let created = t("2026-06-01T09:00:00+01:00")
        let ticket = TicketSLAHistory(
            createdAt: created, priority: .medium,
            priorityChanges: [
                PriorityChange(at: t("2026-06-01T10:45:00+01:00"), priority: .critical),
                PriorityChange(at: t("2026-06-01T10:00:00+01:00"), priority: .high),
            ],
            statusChanges: [StatusChange(at: t("2026-06-01T09:10:00+01:00"), status: .open)])

        // Medium: first response 4 h → 13:00; resolution 3 business days → Wed 17:30.
        let medium = clock.evaluate(ticket, now: t("2026-06-01T09:30:00+01:00"))
        XCTAssertEqual(medium.firstResponse.priority, .medium)
        XCTAssertEqual(medium.firstResponse.dueAt, t("2026-06-01T13:00:00+01:00"))
        XCTAssertEqual(medium.resolution.dueAt, t("2026-06-03T17:30:00+01:00"))

        // High, from creation: 2 h → 11:00; 8 h → 17:00.
        let high = clock.evaluate(ticket, now: t("2026-06-01T10:30:00+01:00"))
        XCTAssertEqual(high.firstResponse.priority, .high)
        XCTAssertEqual(high.firstResponse.dueAt, t("2026-06-01T11:00:00+01:00"))
        XCTAssertEqual(high.resolution.dueAt, t("2026-06-01T17:00:00+01:00"))

        // Critical (24×7), from creation: 1 h → 10:00, already breached at 10:50; 4 h → 13:00.
        let critical = clock.evaluate(ticket, now: t("2026-06-01T10:50:00+01:00"))
        XCTAssertEqual(critical.firstResponse.dueAt, t("2026-06-01T10:00:00+01:00"))
        XCTAssertEqual(critical.firstResponse.state, .breached)
        XCTAssertEqual(critical.firstResponse.breachedAt, t("2026-06-01T10:00:00+01:00"))
        XCTAssertFalse(critical.firstResponse.isBusinessClock)
        XCTAssertEqual(critical.resolution.dueAt, t("2026-06-01T13:00:00+01:00"))
    }

    func testCriticalClocksRunRoundTheClockAndWarnAtNight() {
        // Created Sat 6 Jun 03:00: first response due 04:00, resolution 07:00, whatever the
        // calendar. A 24×7 clock warns when 75 % has passed even at night: 03:45.
        let ticket = TicketSLAHistory(createdAt: t("2026-06-06T03:00:00+01:00"), priority: .critical)
        let now = t("2026-06-06T03:50:00+01:00")
        let (first, resolution) = clock.evaluate(ticket, now: now)
        XCTAssertEqual(first.dueAt, t("2026-06-06T04:00:00+01:00"))
        XCTAssertEqual(first.warningAt, t("2026-06-06T03:45:00+01:00"))
        XCTAssertEqual(first.state, .warning)
        XCTAssertEqual(first.elapsedBusinessSeconds, 50 * 60)
        XCTAssertEqual(resolution.dueAt, t("2026-06-06T07:00:00+01:00"))
        XCTAssertEqual(resolution.targetSeconds, 4 * hour)

        // Waiting for the customer 04:00–05:00 moves the 24×7 resolution due time to 08:00.
        let paused = TicketSLAHistory(
            createdAt: t("2026-06-06T03:00:00+01:00"), priority: .critical,
            statusChanges: [
                StatusChange(at: t("2026-06-06T04:00:00+01:00"), status: .pendingCustomer),
                StatusChange(at: t("2026-06-06T05:00:00+01:00"), status: .open),
            ])
        XCTAssertEqual(clock.resolution(paused, now: t("2026-06-06T06:00:00+01:00")).dueAt, t("2026-06-06T08:00:00+01:00"))
    }

    func testLowPriorityWarningFallsInBusinessHoursNotAtNight() {
        // Low: first response by end of next business day. Created Fri 5 Jun 15:00 → due Mon 8 Jun
        // 17:30; target = Fri 15:00–17:30 (2.5 h) + Monday (8.5 h) = 11 h. 75 % = 8.25 h: Friday's
        // 2.5 h, then Monday 09:00 + 5.75 h = 14:45. (75 % of the wall-clock span would be
        // Sunday 22:52 — the night-time mail the issue forbids.)
        let ticket = TicketSLAHistory(createdAt: t("2026-06-05T15:00:00+01:00"), priority: .low)
        let first = clock.firstResponse(ticket, now: t("2026-06-07T23:00:00+01:00"))
        XCTAssertEqual(first.dueAt, t("2026-06-08T17:30:00+01:00"))
        XCTAssertEqual(first.targetSeconds, 11 * hour)
        XCTAssertEqual(first.warningAt, t("2026-06-08T14:45:00+01:00"))
        XCTAssertEqual(first.state, .ok)
        XCTAssertEqual(first.events, [])
        if let warning = first.warningAt { XCTAssertTrue(SLAFixtures.london.isBusinessTime(warning)) }
        // Resolution: 10 business days = Fri 19 Jun 15:00.
        XCTAssertEqual(clock.resolution(ticket, now: t("2026-06-07T23:00:00+01:00")).dueAt, t("2026-06-19T15:00:00+01:00"))
    }

    func testWarningAtClosingTimeMovesToNextOpening() {
        // A first-response target of 11 h 20 min: 75 % is 8.5 h, used up exactly at Monday 17:30,
        // when the office closes. The warning moves to Tuesday 09:00. Due: Monday's 8.5 h plus
        // 2 h 50 min on Tuesday = 11:50.
        var policy = SLAPolicy.standard
        policy.high = SLATargets(firstResponse: .businessTime(seconds: 680 * 60), resolution: .businessHours(40))
        let clock = SLAClock(policy: policy, calendar: SLAFixtures.london)
        let ticket = TicketSLAHistory(createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high)
        let evening = clock.firstResponse(ticket, now: t("2026-06-01T20:00:00+01:00"))
        XCTAssertEqual(evening.warningAt, t("2026-06-02T09:00:00+01:00"))
        XCTAssertEqual(evening.dueAt, t("2026-06-02T11:50:00+01:00"))
        XCTAssertEqual(evening.state, .ok)
        XCTAssertEqual(evening.events, [])
        let morning = clock.firstResponse(ticket, now: t("2026-06-02T09:00:00+01:00"))
        XCTAssertEqual(morning.state, .warning)
        XCTAssertEqual(
            morning.events,
            [SLAEvent(kind: .warning, clock: .firstResponse, at: t("2026-06-02T09:00:00+01:00"), dueAt: t("2026-06-02T11:50:00+01:00"))])
    }

    func testWarningAtFridayLunchMovesToTwoOClock() {
        // 320 min from Fri 09:00: 75 % = 240 min, reached at 13:00 when lunch starts → 14:00.
        // Due: 09:00–13:00 (4 h) + 14:00–15:20.
        var policy = SLAPolicy.standard
        policy.high = SLATargets(firstResponse: .businessTime(seconds: 320 * 60), resolution: .businessHours(40))
        let clock = SLAClock(policy: policy, calendar: SLAFixtures.london)
        let reading = clock.firstResponse(
            TicketSLAHistory(createdAt: t("2026-06-05T09:00:00+01:00"), priority: .high), now: t("2026-06-05T13:30:00+01:00"))
        XCTAssertEqual(reading.warningAt, t("2026-06-05T14:00:00+01:00"))
        XCTAssertEqual(reading.dueAt, t("2026-06-05T15:20:00+01:00"))
        XCTAssertEqual(reading.state, .ok)
    }

    func testWarningFractionIsConfigurable() {
        var policy = SLAPolicy.standard
        policy.warningFraction = 0.5
        let clock = SLAClock(policy: policy, calendar: SLAFixtures.london)
        let ticket = TicketSLAHistory(createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high)
        XCTAssertEqual(clock.firstResponse(ticket, now: t("2026-06-01T09:00:00+01:00")).warningAt, t("2026-06-01T10:00:00+01:00"))
        policy.warningFraction = 1
        XCTAssertNil(SLAClock(policy: policy, calendar: SLAFixtures.london).firstResponse(ticket, now: t("2026-06-01T09:00:00+01:00")).warningAt)
    }

    func testFirstResponseStopsAtFirstPublicStaffReply() {
        // High: due 11:00. A reply at 10:45 is on time (after the 10:30 warning); at 11:15 it is late.
        let created = t("2026-06-01T09:00:00+01:00")
        let onTime = TicketSLAHistory(createdAt: created, priority: .high, firstPublicStaffReplyAt: t("2026-06-01T10:45:00+01:00"))
        let reading = clock.firstResponse(onTime, now: t("2026-06-02T12:00:00+01:00"))
        XCTAssertEqual(reading.completedAt, t("2026-06-01T10:45:00+01:00"))
        XCTAssertEqual(reading.state, .ok)
        XCTAssertEqual(reading.elapsedBusinessSeconds, 105 * 60)
        XCTAssertEqual(reading.events.map(\.kind), [.warning])

        let late = TicketSLAHistory(createdAt: created, priority: .high, firstPublicStaffReplyAt: t("2026-06-01T11:15:00+01:00"))
        let lateReading = clock.firstResponse(late, now: t("2026-06-02T12:00:00+01:00"))
        XCTAssertEqual(lateReading.state, .breached)
        XCTAssertEqual(lateReading.breachedAt, t("2026-06-01T11:00:00+01:00"))
        // Replying exactly at the due time is on time.
        let exact = TicketSLAHistory(createdAt: created, priority: .high, firstPublicStaffReplyAt: t("2026-06-01T11:00:00+01:00"))
        XCTAssertEqual(clock.firstResponse(exact, now: t("2026-06-02T12:00:00+01:00")).state, .ok)
        // A reply recorded after `now` is not known yet.
        XCTAssertNil(clock.firstResponse(late, now: t("2026-06-01T10:00:00+01:00")).completedAt)
    }

    func testReopenedTicketDoesNotCountTheResolvedTime() {
        // High (8 h). Resolved Mon 11:00 (2 h used), reopened by the requester Tue 09:00.
        // At Tue 10:00: 3 h elapsed, due Tue 09:00 + 6 h = 15:00.
        let created = t("2026-06-01T09:00:00+01:00")
        var ticket = TicketSLAHistory(
            createdAt: created, priority: .high,
            statusChanges: [
                StatusChange(at: t("2026-06-01T09:00:00+01:00"), status: .open),
                StatusChange(at: t("2026-06-01T11:00:00+01:00"), status: .resolved),
                StatusChange(at: t("2026-06-02T09:00:00+01:00"), status: .open),
            ],
            firstPublicStaffReplyAt: t("2026-06-01T10:00:00+01:00"))
        let reopened = clock.resolution(ticket, now: t("2026-06-02T10:00:00+01:00"))
        XCTAssertNil(reopened.completedAt)
        XCTAssertEqual(reopened.elapsedBusinessSeconds, 3 * hour)
        XCTAssertEqual(reopened.dueAt, t("2026-06-02T15:00:00+01:00"))

        // Resolved again Tue 12:00 and closed Wed 10:00: completed at Tue 12:00, 5 h used, on time.
        ticket.statusChanges += [
            StatusChange(at: t("2026-06-02T12:00:00+01:00"), status: .resolved),
            StatusChange(at: t("2026-06-03T10:00:00+01:00"), status: .closed),
        ]
        let done = clock.resolution(ticket, now: t("2026-06-04T10:00:00+01:00"))
        XCTAssertEqual(done.completedAt, t("2026-06-02T12:00:00+01:00"))
        XCTAssertEqual(done.elapsedBusinessSeconds, 5 * hour)
        XCTAssertEqual(done.state, .ok)
        XCTAssertFalse(done.paused)
        XCTAssertEqual(ticket.resolvedAt(now: t("2026-06-04T10:00:00+01:00")), t("2026-06-02T12:00:00+01:00"))
        XCTAssertEqual(ticket.status(at: t("2026-06-04T10:00:00+01:00")), .closed)
    }

    func testResolvingWithoutAReplyAlsoEndsTheFirstResponseWait() {
        // Resolved at 10:30 without a public reply (e.g. a monitoring alert that cleared).
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            statusChanges: [StatusChange(at: t("2026-06-01T10:30:00+01:00"), status: .resolved)])
        let first = clock.firstResponse(ticket, now: t("2026-06-03T10:00:00+01:00"))
        XCTAssertEqual(first.completedAt, t("2026-06-01T10:30:00+01:00"))
        XCTAssertEqual(first.state, .ok)
    }

    func testLateResolutionIsBreachedAtTheDueTime() {
        // High: resolution due Mon 17:00; resolved Tue 10:00 → breached at Mon 17:00.
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            statusChanges: [
                StatusChange(at: t("2026-06-01T09:00:00+01:00"), status: .open),
                StatusChange(at: t("2026-06-02T10:00:00+01:00"), status: .resolved),
            ],
            firstPublicStaffReplyAt: t("2026-06-01T09:30:00+01:00"))
        let reading = clock.resolution(ticket, now: t("2026-06-05T10:00:00+01:00"))
        XCTAssertEqual(reading.state, .breached)
        XCTAssertEqual(reading.breachedAt, t("2026-06-01T17:00:00+01:00"))
        XCTAssertEqual(reading.completedAt, t("2026-06-02T10:00:00+01:00"))
        // Mon 09:00–17:30 (8.5 h) + Tue 09:00–10:00 (1 h).
        XCTAssertEqual(reading.elapsedBusinessSeconds, 9 * hour + 1800)
    }

    func testEventsListEachWarningAndBreachOnceInTimeOrder() {
        // A high ticket nobody touched, evaluated two days later by a job catching up after
        // downtime: first response warned 10:30 and breached 11:00; resolution warned at 6 h
        // (15:00) and breached at 8 h (17:00).
        let ticket = TicketSLAHistory(createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high)
        let events = clock.events(ticket, now: t("2026-06-03T12:00:00+01:00"))
        XCTAssertEqual(events, [
            SLAEvent(kind: .warning, clock: .firstResponse, at: t("2026-06-01T10:30:00+01:00"), dueAt: t("2026-06-01T11:00:00+01:00")),
            SLAEvent(kind: .breach, clock: .firstResponse, at: t("2026-06-01T11:00:00+01:00"), dueAt: t("2026-06-01T11:00:00+01:00")),
            SLAEvent(kind: .warning, clock: .resolution, at: t("2026-06-01T15:00:00+01:00"), dueAt: t("2026-06-01T17:00:00+01:00")),
            SLAEvent(kind: .breach, clock: .resolution, at: t("2026-06-01T17:00:00+01:00"), dueAt: t("2026-06-01T17:00:00+01:00")),
        ])
        // Before anything happened there are no events; evaluating again gives the same facts.
        XCTAssertEqual(clock.events(ticket, now: t("2026-06-01T10:00:00+01:00")), [])
        XCTAssertEqual(clock.events(ticket, now: t("2026-06-03T12:00:00+01:00")), events)
    }

    func testNoWarningEventWhenCompletedBeforeTheWarning() {
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            firstPublicStaffReplyAt: t("2026-06-01T09:20:00+01:00"))
        XCTAssertEqual(clock.firstResponse(ticket, now: t("2026-06-05T09:00:00+01:00")).events, [])
    }

    func testHistoriesOutOfOrderAndInTheFutureAreHandled() {
        let ticket = TicketSLAHistory(
            createdAt: t("2026-06-01T09:00:00+01:00"), priority: .high,
            statusChanges: [
                StatusChange(at: t("2026-06-01T12:00:00+01:00"), status: .open),
                StatusChange(at: t("2026-06-01T10:00:00+01:00"), status: .pendingCustomer),
                StatusChange(at: t("2026-06-09T10:00:00+01:00"), status: .resolved),
            ])
        let now = t("2026-06-01T12:30:00+01:00")
        XCTAssertEqual(ticket.status(at: now), .open)
        XCTAssertNil(ticket.resolvedAt(now: now))
        XCTAssertEqual(
            ticket.resolutionPauses(pausing: TicketStatus.defaultPausing, now: now),
            [SLAFixtures.pause("2026-06-01T10:00:00+01:00", "2026-06-01T12:00:00+01:00")])
        XCTAssertEqual(clock.resolution(ticket, now: now).elapsedBusinessSeconds, 5400)
    }

    func testShanghaiClockUsesTheMakeUpWorkday() {
        // High on the Shanghai calendar, created Fri 9 Oct 2026 17:00: first response 2 h →
        // 17:00–18:00, then Sat 10 Oct (调休) 09:00–10:00.
        let clock = SLAClock(policy: .standard, calendar: SLAFixtures.shanghai)
        let reading = clock.firstResponse(
            TicketSLAHistory(createdAt: t("2026-10-09T17:00:00+08:00"), priority: .high), now: t("2026-10-09T17:30:00+08:00"))
        XCTAssertEqual(SLAFixtures.shanghai.rfc3339(reading.dueAt), "2026-10-10T10:00:00+08:00")
        // 75 % = 1.5 h: 17:00–18:00, then Saturday 09:30.
        XCTAssertEqual(reading.warningAt, t("2026-10-10T09:30:00+08:00"))
    }
}
