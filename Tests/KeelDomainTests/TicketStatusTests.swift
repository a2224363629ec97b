import Foundation
import KeelDomain
import XCTest

final class TicketStatusTests: XCTestCase {
    /// The complete table of legal moves: every pair not listed here is refused.
    private let legal: Set<[TicketStatus]> = [
        [.new, .open], [.new, .pendingCustomer], [.new, .pendingThirdParty], [.new, .resolved],
        [.open, .pendingCustomer], [.open, .pendingThirdParty], [.open, .resolved],
        [.pendingCustomer, .open], [.pendingCustomer, .resolved], [.pendingCustomer, .pendingThirdParty],
        [.pendingThirdParty, .open], [.pendingThirdParty, .resolved], [.pendingThirdParty, .pendingCustomer],
        [.resolved, .open], [.resolved, .closed],
    ]

    func testRawValuesAreTheAPIStrings() {
        XCTAssertEqual(
            TicketStatus.allCases.map(\.rawValue),
            ["new", "open", "pending_customer", "pending_third_party", "resolved", "closed"])
        XCTAssertEqual(TicketStatus(rawValue: "pending_third_party"), .pendingThirdParty)
        XCTAssertNil(TicketStatus(rawValue: "pendingCustomer"))
    }

    func testAllThirtySixPairsFollowTheTable() {
        var checked = 0
        for from in TicketStatus.allCases {
            for to in TicketStatus.allCases {
                checked += 1
                let allowed = legal.contains([from, to])
                XCTAssertEqual(TicketStatus.canTransition(from: from, to: to), allowed, "\(from.rawValue) → \(to.rawValue)")
                do {
                    _ = try TicketStatus.transition(from: from, to: to)
                    XCTAssertTrue(allowed, "\(from.rawValue) → \(to.rawValue) should be refused")
                } catch {
                    XCTAssertFalse(allowed, "\(from.rawValue) → \(to.rawValue) should be allowed")
                    XCTAssertEqual(error, TicketTransitionError(from: from, to: to))
                }
            }
        }
        XCTAssertEqual(checked, 36)
        XCTAssertEqual(legal.count, 15)
    }

    func testClosedIsFinalAndStayingPutIsNotATransition() {
        XCTAssertTrue(TicketStatus.closed.isFinal)
        XCTAssertEqual(TicketStatus.closed.allowedNextStatuses, [])
        for status in TicketStatus.allCases {
            XCTAssertFalse(TicketStatus.canTransition(from: status, to: status))
        }
    }

    func testRefusalNamesBothStatuses() {
        XCTAssertThrowsError(try TicketStatus.transition(from: .open, to: .new)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("open") && text.contains("new"), text)
        }
        XCTAssertEqual(
            TicketTransitionError(from: .resolved, to: .pendingCustomer).description,
            "a ticket cannot move from resolved to pending_customer")
        XCTAssertEqual(
            TicketTransitionError(from: .closed, to: .open).description,
            "a closed ticket cannot change status (closed to open)")
        XCTAssertEqual(TicketTransitionError(from: .open, to: .open).description, "the ticket is already open")
    }

    func testPendingPausesAndReturningToOpenResumesTheResolutionClock() throws {
        XCTAssertEqual(try TicketStatus.transition(from: .open, to: .pendingCustomer), [.pausesResolutionClock])
        XCTAssertEqual(try TicketStatus.transition(from: .new, to: .pendingThirdParty), [.pausesResolutionClock])
        XCTAssertEqual(try TicketStatus.transition(from: .pendingCustomer, to: .open), [.resumesResolutionClock])
        XCTAssertEqual(try TicketStatus.transition(from: .pendingThirdParty, to: .open), [.resumesResolutionClock])
        // Between the two waiting statuses the clock stays paused.
        XCTAssertEqual(try TicketStatus.transition(from: .pendingCustomer, to: .pendingThirdParty), [])
        XCTAssertEqual(try TicketStatus.transition(from: .new, to: .open), [])
    }

    func testResolveReopenAndCloseEffects() throws {
        XCTAssertEqual(try TicketStatus.transition(from: .open, to: .resolved), [.marksResolved])
        XCTAssertEqual(try TicketStatus.transition(from: .pendingCustomer, to: .resolved), [.marksResolved])
        XCTAssertEqual(try TicketStatus.transition(from: .new, to: .resolved), [.marksResolved])
        XCTAssertEqual(try TicketStatus.transition(from: .resolved, to: .open), [.reopens, .resumesResolutionClock])
        XCTAssertEqual(try TicketStatus.transition(from: .resolved, to: .closed), [.closes])
    }

    func testEffectsFollowAConfiguredSetOfPausingStatuses() throws {
        // A policy where waiting for a supplier does not stop the clock.
        let pausing: Set<TicketStatus> = [.pendingCustomer]
        XCTAssertEqual(try TicketStatus.transition(from: .open, to: .pendingThirdParty, pausing: pausing), [])
        XCTAssertEqual(
            try TicketStatus.transition(from: .pendingCustomer, to: .pendingThirdParty, pausing: pausing),
            [.resumesResolutionClock])
        XCTAssertEqual(
            try TicketStatus.transition(from: .pendingThirdParty, to: .pendingCustomer, pausing: pausing),
            [.pausesResolutionClock])
    }

    func testRequesterReplyReopensResolvedAndAnswersPendingCustomer() {
        XCTAssertEqual(TicketStatus.requesterReplyEffect(.resolved), .open)
        XCTAssertEqual(TicketStatus.requesterReplyEffect(.pendingCustomer), .open)
        XCTAssertNil(TicketStatus.requesterReplyEffect(.new))
        XCTAssertNil(TicketStatus.requesterReplyEffect(.open))
        XCTAssertNil(TicketStatus.requesterReplyEffect(.pendingThirdParty))
        XCTAssertNil(TicketStatus.requesterReplyEffect(.closed))
        // Every change a reply makes is itself a legal transition.
        for status in TicketStatus.allCases {
            if let next = TicketStatus.requesterReplyEffect(status) {
                XCTAssertTrue(TicketStatus.canTransition(from: status, to: next))
            }
        }
    }

    func testAutoCloseAfterConfiguredDays() {
        let resolved = SLAFixtures.t("2026-06-01T10:00:00Z")
        XCTAssertEqual(TicketStatus.autoCloseAt(resolvedAt: resolved, days: 7), SLAFixtures.t("2026-06-08T10:00:00Z"))
        XCTAssertFalse(TicketStatus.autoCloseDue(resolvedAt: resolved, now: SLAFixtures.t("2026-06-08T09:59:59Z"), days: 7))
        XCTAssertTrue(TicketStatus.autoCloseDue(resolvedAt: resolved, now: SLAFixtures.t("2026-06-08T10:00:00Z"), days: 7))
        // Zero or negative days: auto-close is off.
        XCTAssertFalse(TicketStatus.autoCloseDue(resolvedAt: resolved, now: SLAFixtures.t("2030-01-01T00:00:00Z"), days: 0))
        XCTAssertNil(TicketStatus.autoCloseAt(resolvedAt: resolved, days: -1))
    }

    func testPlainLanguageKeysForTheRequesterView() {
        XCTAssertEqual(
            TicketStatus.allCases.map(\.requesterStatusKey),
            ["ticket.plain.new", "ticket.plain.open", "ticket.plain.pending_customer", "ticket.plain.pending_third_party",
             "ticket.plain.resolved", "ticket.plain.closed"])
    }

    func testStatusCodableUsesRawValues() throws {
        let data = try JSONEncoder().encode([TicketStatus.pendingCustomer])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["pending_customer"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode([TicketStatus].self, from: Data(#"["waiting"]"#.utf8)))
    }
}
