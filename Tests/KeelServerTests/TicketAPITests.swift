import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

final class TicketAPITests: KeelTestCase {
    private func raise(_ token: String, _ json: String) async throws -> [String: Any] {
        let (status, body) = try await call(.POST, "/api/v1/tickets", token: token, json: json)
        XCTAssertEqual(status, .created, body)
        return object(body)
    }

    func testClientRaisesATicketInChineseAndGetsNumberPriorityAndSLA() async throws {
        let wang = try await token("wang.fang@huaxin-design.example")
        let ticket = try await raise(wang, #"{"title":"全公司无法上网","body":"从早上九点开始，办公室所有电脑都连不上网络。","impact":"organization","urgency":"high"}"#)
        XCTAssertEqual(ticket["priority"] as? String, "critical")
        XCTAssertEqual(ticket["status"] as? String, "new")
        XCTAssertEqual(ticket["channel"] as? String, "api")
        XCTAssertEqual(ticket["organizationId"] as? String, huaxin.uuidString)
        XCTAssertGreaterThan(ticket["number"] as? Int ?? 0, 1000)
        let sla = ticket["sla"] as? [String: Any] ?? [:]
        XCTAssertNotNil(sla["firstResponseDueAt"] as? String, "critical: first response due in 1 hour")
        XCTAssertTrue(sla.keys.contains("firstRespondedAt"), "null fields are present")
        let second = try await raise(wang, #"{"title":"打印机卡纸"}"#)
        XCTAssertEqual(second["number"] as? Int, (ticket["number"] as? Int ?? 0) + 1)
        XCTAssertEqual(second["priority"] as? String, "low", "one user, medium urgency")
    }

    func testInternalNotesNeverReachTheClient() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let ticket = try await raise(patel, #"{"title":"Outlook keeps asking for my password"}"#)
        let id = ticket["id"] as! String
        let tech = try await token("tech1@keel.test")
        let status1 = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech,
                                      json: #"{"body":"Looks like the MFA token expired; check Entra sign-in logs","internal":true}"#).0
        XCTAssertEqual(status1, .created)
        let status2 = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech,
                                      json: #"{"body":"Please sign out and in again; we reset your session."}"#).0
        XCTAssertEqual(status2, .created)
        let (_, clientView) = try await call(.GET, "/api/v1/tickets/\(id)/comments", token: patel)
        XCTAssertTrue(clientView.contains("sign out and in again"))
        XCTAssertFalse(clientView.contains("Entra"), "internal note leaked to the client")
        let (_, staffView) = try await call(.GET, "/api/v1/tickets/\(id)/comments", token: tech)
        XCTAssertTrue(staffView.contains("Entra"))
        // Search does not find the client's ticket through an internal note either.
        let (_, search) = try await call(.GET, "/api/v1/tickets?q=Entra", token: patel)
        XCTAssertEqual((object(search)["items"] as? [Any])?.count, 0)
        let (_, staffSearch) = try await call(.GET, "/api/v1/tickets?q=Entra", token: tech)
        XCTAssertEqual((object(staffSearch)["items"] as? [Any])?.count, 1)
        // A client cannot write internal notes.
        let (status, body) = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: patel, json: #"{"body":"x","internal":true}"#)
        XCTAssertEqual(status, .unprocessableEntity)
        XCTAssertEqual(errorCode(body), "role_not_allowed")
    }

    func testFirstPublicStaffReplyIsTheFirstResponseAndOpensTheTicket() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let id = try await raise(patel, #"{"title":"New starter needs a laptop"}"#)["id"] as! String
        let tech = try await token("tech2@keel.test")
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech, json: #"{"body":"note","internal":true}"#)
        var ticket = object(try await call(.GET, "/api/v1/tickets/\(id)", token: tech).1)
        XCTAssertTrue((ticket["sla"] as? [String: Any])?["firstRespondedAt"] is NSNull, "an internal note is not a response")
        XCTAssertEqual(ticket["status"] as? String, "new")
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech, json: #"{"body":"On it."}"#)
        ticket = object(try await call(.GET, "/api/v1/tickets/\(id)", token: tech).1)
        XCTAssertNotNil((ticket["sla"] as? [String: Any])?["firstRespondedAt"] as? String)
        XCTAssertEqual(ticket["status"] as? String, "open")
    }

    func testIllegalTransitionsAre409AndRequesterReplyReopens() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let id = try await raise(patel, #"{"title":"VPN drops every hour"}"#)["id"] as! String
        let tech = try await token("tech1@keel.test")
        let status3 = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"resolved"}"#).0
        XCTAssertEqual(status3, .ok)
        let status4 = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"closed"}"#).0
        XCTAssertEqual(status4, .ok)
        let (status, body) = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"open"}"#)
        XCTAssertEqual(status, .conflict)
        XCTAssertEqual(errorCode(body), "illegal_transition")
        XCTAssertTrue(body.contains("closed"), body)
        let second = try await raise(patel, #"{"title":"Scanner not found"}"#)["id"] as! String
        _ = try await call(.PATCH, "/api/v1/tickets/\(second)", token: tech, json: #"{"status":"resolved"}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(second)/comments", token: patel, json: #"{"body":"Still broken, sorry."}"#)
        let ticket = object(try await call(.GET, "/api/v1/tickets/\(second)", token: patel).1)
        XCTAssertEqual(ticket["status"] as? String, "open", "a requester reply reopens a resolved ticket")
        let status5 = try await call(.PATCH, "/api/v1/tickets/\(second)", token: patel, json: #"{"status":"closed"}"#).0
        XCTAssertEqual(status5, .forbidden)
    }

    func testPriorityChangeNeedsAReasonIsHistoryAndRecomputesDueTimes() async throws {
        let office = try await token("office@greenlaw.example")
        let created = try await raise(office, #"{"title":"Partner's laptop won't boot","impact":"user","urgency":"low"}"#)
        let id = created["id"] as! String
        let lowDue = (created["sla"] as? [String: Any])?["resolutionDueAt"] as? String
        let admin = try await token("admin@keel.test")
        let (missing, missingBody) = try await call(.PATCH, "/api/v1/tickets/\(id)", token: admin, json: #"{"priority":"critical"}"#)
        XCTAssertEqual(missing, .unprocessableEntity)
        XCTAssertEqual(errorCode(missingBody), "reason_required")
        let (ok, body) = try await call(.PATCH, "/api/v1/tickets/\(id)", token: admin,
                                        json: #"{"priority":"critical","reason":"Senior partner in court at 2pm"}"#)
        XCTAssertEqual(ok, .ok, body)
        let updated = object(body)
        XCTAssertEqual(updated["priority"] as? String, "critical")
        XCTAssertNotEqual((updated["sla"] as? [String: Any])?["resolutionDueAt"] as? String, lowDue)
        let (_, events) = try await call(.GET, "/api/v1/tickets/\(id)/events", token: admin)
        XCTAssertTrue(events.contains("Senior partner in court"))
        let (_, clientEvents) = try await call(.GET, "/api/v1/tickets/\(id)/events", token: office)
        XCTAssertFalse(clientEvents.contains("Senior partner in court"), "the reason is internal")
        let audit = try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first()
        XCTAssertEqual(audit?.action, "ticket.update")
        XCTAssertTrue(audit?.changes.contains("critical") ?? false)
    }

    func testPendingCustomerPausesTheResolutionClock() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let id = try await raise(patel, #"{"title":"Teams camera black"}"#)["id"] as! String
        let tech = try await token("tech1@keel.test")
        _ = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"open"}"#)
        let (_, body) = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"pending_customer"}"#)
        XCTAssertEqual((object(body)["sla"] as? [String: Any])?["paused"] as? Bool, true)
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: patel, json: #"{"body":"Here is the screenshot."}"#)
        let ticket = object(try await call(.GET, "/api/v1/tickets/\(id)", token: tech).1)
        XCTAssertEqual(ticket["status"] as? String, "open")
        XCTAssertEqual((ticket["sla"] as? [String: Any])?["paused"] as? Bool, false)
    }

    func testClientUsersSeeTheirOwnTicketsClientAdminsTheirOrganisations() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let okafor = try await token("s.okafor@greenlaw.example")
        let id = try await raise(patel, #"{"title":"Mine"}"#)["id"] as! String
        _ = try await raise(okafor, #"{"title":"Hers"}"#)
        let status6 = try await call(.GET, "/api/v1/tickets/\(id)", token: okafor).0
        XCTAssertEqual(status6, .notFound)
        let mine = object(try await call(.GET, "/api/v1/tickets", token: patel).1)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(mine.map { $0["title"] as? String }, ["Mine"])
        let office = try await token("office@greenlaw.example")
        let all = object(try await call(.GET, "/api/v1/tickets", token: office).1)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(all.compactMap { $0["title"] as? String }), ["Mine", "Hers"])
    }

    func testSearchFindsEnglishAndChineseAndFiltersCombine() async throws {
        let admin = try await token("admin@keel.test")
        let wang = try await token("wang.fang@huaxin-design.example")
        _ = try await raise(wang, #"{"title":"共享盘无法访问","body":"设计部的 NAS 共享盘打不开"}"#)
        let patel = try await token("j.patel@greenlaw.example")
        _ = try await raise(patel, #"{"title":"Printer on floor 2 offline","urgency":"high"}"#)
        let chinese = object(try await call(.GET, "/api/v1/tickets?q=\("共享盘".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", token: admin).1)
        XCTAssertEqual((chinese["items"] as? [[String: Any]])?.count, 1)
        let english = object(try await call(.GET, "/api/v1/tickets?q=printer", token: admin).1)
        XCTAssertEqual((english["items"] as? [[String: Any]])?.count, 1, "search ignores case")
        let filtered = object(try await call(.GET, "/api/v1/tickets?q=printer&organizationId=\(huaxin.uuidString)", token: admin).1)
        XCTAssertEqual((filtered["items"] as? [[String: Any]])?.count, 0)
        let status7 = try await call(.GET, "/api/v1/tickets?status=bogus", token: admin).0
        XCTAssertEqual(status7, .badRequest)
        let byPriority = object(try await call(.GET, "/api/v1/tickets?priority=medium", token: admin).1)
        XCTAssertEqual((byPriority["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String }, ["Printer on floor 2 offline"])
    }

    func testTechnicianActionsTakeMergeLinkAndTime() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let first = try await raise(patel, #"{"title":"Wi-Fi down"}"#)["id"] as! String
        let duplicate = try await raise(patel, #"{"title":"No internet"}"#)["id"] as! String
        let tech = try await token("tech1@keel.test")
        let (_, taken) = try await call(.POST, "/api/v1/tickets/\(first)/take", token: tech)
        XCTAssertEqual(object(taken)["assigneeId"] as? String, user("tech1@keel.test").uuidString)
        // tech3 is limited to Huaxin: cannot be given a Green ticket.
        let (bad, badBody) = try await call(.PATCH, "/api/v1/tickets/\(first)", token: tech,
                                            json: "{\"assigneeId\":\"\(user("tech3@keel.test").uuidString)\"}")
        XCTAssertEqual(bad, .unprocessableEntity, badBody)
        XCTAssertEqual(errorCode(badBody), "assignee_invalid")
        let status8 = try await call(.POST, "/api/v1/tickets/\(duplicate)/links", token: tech, json: "{\"otherId\":\"\(first)\"}").0
        XCTAssertEqual(status8, .noContent)
        let (merged, mergedBody) = try await call(.POST, "/api/v1/tickets/\(duplicate)/merge", token: tech, json: "{\"targetId\":\"\(first)\"}")
        XCTAssertEqual(merged, .ok, mergedBody)
        XCTAssertEqual(object(mergedBody)["status"] as? String, "closed")
        XCTAssertEqual(object(mergedBody)["mergedIntoId"] as? String, first)
        let status9 = try await call(.POST, "/api/v1/tickets/\(first)/time", token: tech, json: #"{"minutes":45,"billable":true,"note":"router reboot"}"#).0
        XCTAssertEqual(status9, .created)
        let status10 = try await call(.POST, "/api/v1/tickets/\(first)/time", token: tech, json: #"{"minutes":0}"#).0
        XCTAssertEqual(status10, .unprocessableEntity)
        let status11 = try await call(.POST, "/api/v1/tickets/\(first)/time", token: patel, json: #"{"minutes":5}"#).0
        XCTAssertEqual(status11, .forbidden)
        let (_, time) = try await call(.GET, "/api/v1/tickets/\(first)/time", token: tech)
        XCTAssertEqual((object(time)["items"] as? [[String: Any]])?.first?["minutes"] as? Int, 45)
    }

    func testStaffMustNameTheOrganisationAndRequesterMustBelongToIt() async throws {
        let admin = try await token("admin@keel.test")
        let (missing, missingBody) = try await call(.POST, "/api/v1/tickets", token: admin, json: #"{"title":"Phone call"}"#)
        XCTAssertEqual(missing, .unprocessableEntity)
        XCTAssertEqual(errorCode(missingBody), "organization_required")
        let (wrong, wrongBody) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"title":"Phone call","organizationId":"\(bloom.uuidString)","requesterId":"\(user("j.patel@greenlaw.example").uuidString)","channel":"phone"}
            """)
        XCTAssertEqual(wrong, .unprocessableEntity)
        XCTAssertEqual(errorCode(wrongBody), "requester_invalid")
        let ticket = try await raise(admin, """
            {"title":"Till printer jammed","organizationId":"\(bloom.uuidString)","requesterId":"\(user("shop@bloom.example").uuidString)","channel":"phone"}
            """)
        XCTAssertEqual(ticket["channel"] as? String, "phone")
        let shop = try await token("shop@bloom.example")
        let status12 = try await call(.GET, "/api/v1/tickets/\(ticket["id"] as! String)", token: shop).0
        XCTAssertEqual(status12, .ok)
        let (channel, _) = try await call(.POST, "/api/v1/tickets", token: shop, json: #"{"title":"x","channel":"monitoring"}"#)
        XCTAssertEqual(channel, .unprocessableEntity, "clients cannot pose as monitoring")
    }
}

final class SLATickerTests: KeelTestCase {
    func testTheTickerRecordsABreachOnceEvenAfterDowntime() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Server room too hot","impact":"organization","urgency":"high"}"#)
        let id = UUID(uuidString: object(body)["id"] as! String)!
        var ticket = try await Ticket.find(id, on: app.db)!
        XCTAssertEqual(ticket.slaState, "ok")
        let checkAt = try XCTUnwrap(ticket.slaCheckAt, "a critical ticket has a next SLA instant")
        // Nothing is due yet.
        let nothing = try await SLATicker.tick(app, now: Date())
        XCTAssertEqual(nothing, 0)
        // As if the server had been down for a week: one round catches up.
        let later = checkAt.addingTimeInterval(7 * 86_400)
        let caughtUp = try await SLATicker.tick(app, now: later)
        XCTAssertEqual(caughtUp, 1)
        ticket = try await Ticket.find(id, on: app.db)!
        XCTAssertEqual(ticket.slaState, "breached")
        let facts = try await SLAFact.query(on: app.db).filter(\.$ticket.$id == id).all()
        XCTAssertTrue(facts.contains { $0.kind == "breach" && $0.clock == "firstResponse" })
        XCTAssertTrue(facts.contains { $0.kind == "warning" })
        // Another round adds nothing: each fact is stored once.
        _ = try await SLATicker.tick(app, now: later.addingTimeInterval(60))
        let again = try await SLAFact.query(on: app.db).filter(\.$ticket.$id == id).count()
        XCTAssertEqual(again, facts.count)
        // The list filter finds it.
        let admin = try await token("admin@keel.test")
        let (_, list) = try await call(.GET, "/api/v1/tickets?sla=breached", token: admin)
        XCTAssertEqual((object(list)["items"] as? [[String: Any]])?.count, 1)
    }
}

final class NotificationTests: KeelTestCase {
    func testAssignmentRepliesAndBreachesRingTheRightBells() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Phones dead","impact":"organization","urgency":"high"}"#)
        let id = object(body)["id"] as! String
        let admin = try await token("admin@keel.test")
        _ = try await call(.PATCH, "/api/v1/tickets/\(id)", token: admin, json: "{\"assigneeId\":\"\(user("tech2@keel.test").uuidString)\"}")
        let tech2 = try await token("tech2@keel.test")
        var (_, list) = try await call(.GET, "/api/v1/notifications?unread=true", token: tech2)
        var items = object(list)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(items.map { $0["kind"] as? String }, ["assigned"])
        XCTAssertTrue((items.first?["text"] as? String ?? "").contains("Phones dead"))
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech2, json: #"{"body":"Calling the carrier now."}"#)
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech2, json: #"{"body":"carrier ref 123","internal":true}"#)
        (_, list) = try await call(.GET, "/api/v1/notifications", token: patel, headers: [("Accept-Language", "zh-CN")])
        items = (object(list)["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "created" }
        XCTAssertEqual(items.map { $0["kind"] as? String }, ["reply"], "one bell for the public reply, none for the note")
        XCTAssertTrue((items.first?["text"] as? String ?? "").contains("新回复"), "in the reader's language")
        // A breach reaches the assignee and the provider admins.
        let ticket = try await Ticket.find(UUID(uuidString: id)!, on: app.db)!
        _ = try await SLATicker.tick(app, now: (ticket.resolutionDueAt ?? Date()).addingTimeInterval(86_400 * 30))
        (_, list) = try await call(.GET, "/api/v1/notifications", token: admin)
        XCTAssertTrue((object(list)["items"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "sla_breach" })
        // Marking read is the reader's own business: another person's notification is a 404.
        let mine = (object(try await call(.GET, "/api/v1/notifications", token: tech2).1)["items"] as? [[String: Any]] ?? [])
        let noteID = mine.first?["id"] as? String ?? ""
        let foreign = try await call(.POST, "/api/v1/notifications/\(noteID)/read", token: patel).0
        XCTAssertEqual(foreign, .notFound)
        let own = try await call(.POST, "/api/v1/notifications/\(noteID)/read", token: tech2).0
        XCTAssertEqual(own, .noContent)
        let unread = object(try await call(.GET, "/api/v1/notifications?unread=true", token: tech2).1)["items"] as? [[String: Any]] ?? []
        XCTAssertFalse(unread.contains { $0["id"] as? String == noteID })
    }
}

final class AttachmentTests: KeelTestCase {
    override func adjust(_ config: inout KeelConfig) {
        config.attachmentMaxBytes = 64 << 10   // the limit is configurable; a small one keeps the test quick
    }

    func testUploadKeepsTheUTF8NameAndOnlyPermittedPeopleDownload() async throws {
        let wang = try await token("wang.fang@huaxin-design.example")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: wang, json: #"{"title":"软件报错"}"#)
        let id = object(created)["id"] as! String
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 1000))
        let (status, body) = try await upload("/api/v1/tickets/\(id)/attachments", token: wang, fileName: "错误截图.png", data: png)
        XCTAssertEqual(status, .created, body)
        let attachment = object(body)
        XCTAssertEqual(attachment["fileName"] as? String, "错误截图.png")
        XCTAssertEqual(attachment["size"] as? Int, png.count)
        let attachmentID = attachment["id"] as! String
        // Stored once by content under the data directory.
        let sha = attachment["sha256"] as! String
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dataDirectory!)/attachments/\(sha.prefix(2))/\(sha)"))
        try await app.test(.GET, "/api/v1/attachments/\(attachmentID)", beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: wang)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .ok)
            XCTAssertEqual(res.body.readableBytes, png.count)
            let disposition = res.headers.first(name: .contentDisposition) ?? ""
            XCTAssertTrue(disposition.contains("filename*=UTF-8''%E9%94%99%E8%AF%AF%E6%88%AA%E5%9B%BE.png"), disposition)
        })
        // Another organisation's person cannot fetch it, nor list the ticket's files.
        let patel = try await token("j.patel@greenlaw.example")
        let foreignDownload = try await call(.GET, "/api/v1/attachments/\(attachmentID)", token: patel).0
        XCTAssertEqual(foreignDownload, .notFound)
        let foreignList = try await call(.GET, "/api/v1/tickets/\(id)/attachments", token: patel).0
        XCTAssertEqual(foreignList, .notFound)
        // An internal attachment from staff is invisible to the client.
        let tech3 = try await token("tech3@keel.test")
        let (internalStatus, internalBody) = try await upload("/api/v1/tickets/\(id)/attachments", token: tech3, fileName: "router-log.txt",
                                                              contentType: "text/plain", data: Data("debug".utf8), fields: ["internal": "true"])
        XCTAssertEqual(internalStatus, .created)
        let internalID = object(internalBody)["id"] as! String
        let clientList = object(try await call(.GET, "/api/v1/tickets/\(id)/attachments", token: wang).1)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(clientList.count, 1)
        let hidden = try await call(.GET, "/api/v1/attachments/\(internalID)", token: wang).0
        XCTAssertEqual(hidden, .notFound)
        // Clients cannot upload internal files; empty and oversized files are refused.
        let (clientInternal, _) = try await upload("/api/v1/tickets/\(id)/attachments", token: wang, fileName: "a.txt", data: Data("x".utf8), fields: ["internal": "true"])
        XCTAssertEqual(clientInternal, .unprocessableEntity)
        let (empty, emptyBody) = try await upload("/api/v1/tickets/\(id)/attachments", token: wang, fileName: "a.txt", data: Data())
        XCTAssertEqual(empty, .unprocessableEntity)
        XCTAssertEqual(errorCode(emptyBody), "file_empty")
        let (huge, _) = try await upload("/api/v1/tickets/\(id)/attachments", token: wang, fileName: "big.bin", data: Data(count: (64 << 10) + 1))
        XCTAssertEqual(huge, .payloadTooLarge)
        XCTAssertEqual(AttachmentService.sanitized("../../etc/passwd"), "passwd")
        XCTAssertEqual(AttachmentService.sanitized("C:\\Users\\王芳\\报告.docx"), "报告.docx")
    }
}

final class AutoCloseTests: KeelTestCase {
    func testResolvedTicketsCloseAfterTheConfiguredDays() async throws {
        let patel = try await token("j.patel@greenlaw.example")
        let (_, body) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Mouse broken"}"#)
        let id = object(body)["id"] as! String
        let tech = try await token("tech1@keel.test")
        _ = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech, json: #"{"status":"resolved"}"#)
        let six = try await AutoClose.run(app, now: Date().addingTimeInterval(6 * 86_400), days: 7)
        XCTAssertEqual(six, 0)
        let eight = try await AutoClose.run(app, now: Date().addingTimeInterval(8 * 86_400), days: 7)
        XCTAssertEqual(eight, 1)
        let ticket = object(try await call(.GET, "/api/v1/tickets/\(id)", token: patel).1)
        XCTAssertEqual(ticket["status"] as? String, "closed")
        let audit = try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first()
        XCTAssertEqual(audit?.action, "ticket.auto_close")
        XCTAssertEqual(audit?.via, "system")
        let never = try await AutoClose.run(app, now: Date().addingTimeInterval(80 * 86_400), days: 0)
        XCTAssertEqual(never, 0)
    }
}

final class SavedViewTests: KeelTestCase {
    func testSavedViewsKeepOnlyListFiltersAndBelongToTheirOwner() async throws {
        let tech = try await token("tech1@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/views", token: tech,
                                            json: #"{"name":"My breaches","query":"?sla=breached&status=active&evil=1&cursor=9"}"#)
        XCTAssertEqual(status, .created, body)
        XCTAssertEqual(object(body)["query"] as? String, "sla=breached&status=active")
        let id = object(body)["id"] as! String
        let other = try await token("tech2@keel.test")
        let list = object(try await call(.GET, "/api/v1/views", token: other).1)["items"] as? [Any] ?? []
        XCTAssertTrue(list.isEmpty)
        let foreignDelete = try await call(.DELETE, "/api/v1/views/\(id)", token: other).0
        XCTAssertEqual(foreignDelete, .notFound)
        let ownDelete = try await call(.DELETE, "/api/v1/views/\(id)", token: tech).0
        XCTAssertEqual(ownDelete, .noContent)
    }

    func testOnlyProviderAdminsAddCategories() async throws {
        let admin = try await token("admin@keel.test")
        let added = try await call(.POST, "/api/v1/ticket-categories", token: admin, json: #"{"name":"Telephony"}"#).0
        XCTAssertEqual(added, .created)
        let again = try await call(.POST, "/api/v1/ticket-categories", token: admin, json: #"{"name":"Telephony"}"#).0
        XCTAssertEqual(again, .conflict)
        let tech = try await token("tech1@keel.test")
        let denied = try await call(.POST, "/api/v1/ticket-categories", token: tech, json: #"{"name":"Other things"}"#).0
        XCTAssertEqual(denied, .forbidden)
        let patel = try await token("j.patel@greenlaw.example")
        let (_, ticket) = try await call(.POST, "/api/v1/tickets", token: patel, json: #"{"title":"Desk phone dead","category":"Telephony"}"#)
        XCTAssertEqual(object(ticket)["category"] as? String, "Telephony")
    }
}

final class SearchIndexTests: KeelTestCase {
    func testIndexedSearchFindsWordsInsideChineseTextAndRespectsScopeAndNotes() async throws {
        let wang = try await token("wang.fang@huaxin-design.example")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: wang, json: #"{"title":"设计部共享盘无法访问","body":"NAS 提示找不到网络路径"}"#)
        let id = object(created)["id"] as! String
        let tech3 = try await token("tech3@keel.test")
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech3, json: #"{"body":"重启了交换机 switch rebooted","internal":true}"#)
        _ = try await call(.PATCH, "/api/v1/tickets/\(id)", token: tech3, json: #"{"title":"设计部共享盘无法访问（已定位）"}"#)
        func count(_ q: String, _ token: String) async throws -> Int {
            let encoded = q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let (status, body) = try await call(.GET, "/api/v1/tickets?q=\(encoded)", token: token)
            XCTAssertEqual(status, .ok, body)
            return (object(body)["items"] as? [Any])?.count ?? -1
        }
        let patel = try await token("j.patel@greenlaw.example")
        let liu = try await token("admin@huaxin-design.example")
        // A reply rewrites the ticket's document; the internal note must stay in its own column.
        _ = try await call(.POST, "/api/v1/tickets/\(id)/comments", token: tech3, json: #"{"body":"已更换网线 cable replaced"}"#)
        let cases: [(q: String, token: String, found: Int, why: String)] = [
            ("共享盘", wang, 1, "a word inside a Chinese sentence"),
            ("已定位", wang, 1, "the index follows title changes"),
            ("网络路径", wang, 1, "a word in the body"),
            ("SWITCH REBOOTED", tech3, 1, "staff find it through the internal note, whatever the case"),
            ("switch rebooted", wang, 0, "the client does not find it through an internal note"),
            ("共享盘", patel, 0, "another organisation's ticket is not found"),
            ("共享", wang, 1, "a client user's two characters: a scan of their own tickets"),
            // Client admins search the documents (SQLite) too: replies count, internal notes do not.
            ("cable replaced", liu, 1, "a public reply is found"),
            ("switch rebooted", liu, 0, "an internal note is not, for a client admin either"),
            // Too short for trigrams: LIKE over the same documents, notes still hidden.
            ("重启", tech3, 1, "a two-character word in an internal note, for staff"),
            ("重启", liu, 0, "the same word, for a client admin"),
            ("网线", liu, 1, "a two-character word in a reply"),
        ]
        for item in cases {
            let found = try await count(item.q, item.token)
            XCTAssertEqual(found, item.found, "\(item.q): \(item.why)")
        }
    }

    /// The newest matches are read first and the window grows until the page is full: pages
    /// are the true pages (same order, nothing skipped or repeated) even when the newest
    /// matches are all filtered out.
    func testNewestFirstSearchPagesAreCompleteWhateverTheFilters() async throws {
        let admin = try await token("admin@keel.test")
        func create(_ org: UUID, _ title: String) async throws -> Int {
            let (status, body) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
                {"organizationId":"\(org.uuidString)","title":"\(title)"}
                """)
            XCTAssertEqual(status, .created, body)
            return object(body)["number"] as? Int ?? -1
        }
        // An older ticket, found later through a new reply only.
        let (_, old) = try await call(.POST, "/api/v1/tickets", token: admin, json: """
            {"organizationId":"\(bloom.uuidString)","title":"Till receipt printer offline"}
            """)
        let oldTicket = object(old)
        var expected: [Int] = []
        for index in 0..<7 { expected.append(try await create(bloom, "Zeppelin scanner jam \(index)")) }
        for index in 0..<300 { _ = try await create(green, "Zeppelin scanner jam at Green \(index)") }
        let reply = try await call(.POST, "/api/v1/tickets/\(oldTicket["id"] as! String)/comments", token: admin,
                                   json: #"{"body":"The zeppelin scanner is back"}"#)
        XCTAssertEqual(reply.0, .created, reply.1)
        expected.append(oldTicket["number"] as! Int)
        expected.sort(by: >)
        var seen: [Int] = []
        var cursor: String?
        repeat {
            let path = "/api/v1/tickets?q=zeppelin%20SCANNER&organizationId=\(bloom.uuidString)&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (status, body) = try await call(.GET, path, token: admin)
            XCTAssertEqual(status, .ok, body)
            seen += (object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int }
            cursor = object(body)["nextCursor"] as? String
        } while cursor != nil && seen.count < 50
        XCTAssertEqual(seen, expected)
        // Other orders read the whole match set.
        let (_, oldest) = try await call(.GET, "/api/v1/tickets?q=zeppelin&organizationId=\(bloom.uuidString)&sort=oldest&limit=20", token: admin)
        XCTAssertEqual((object(oldest)["items"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int }, expected.reversed())
        let (_, all) = try await call(.GET, "/api/v1/tickets?q=zeppelin&limit=200", token: admin)
        XCTAssertEqual((object(all)["items"] as? [Any])?.count, 200)
        XCTAssertNotNil(object(all)["nextCursor"] as? String)
    }
}

final class SLAPolicyTests: KeelTestCase {
    func testAnOrganisationsOwnPolicySetsItsDueTimes() async throws {
        let admin = try await token("admin@keel.test")
        let (_, before) = try await call(.GET, "/api/v1/organizations/\(bloom.uuidString)/sla-policy", token: admin)
        XCTAssertEqual(object(before)["source"] as? String, "builtin")
        let policy = """
            {"name":"Bloom premium","critical":{"firstResponse":{"kind":"wallClock","seconds":900},"resolution":{"kind":"wallClock","seconds":7200}},
             "high":{"firstResponse":{"kind":"wallClock","seconds":1800},"resolution":{"kind":"businessTime","seconds":14400}},
             "medium":{"firstResponse":{"kind":"businessTime","seconds":3600},"resolution":{"kind":"businessDays","days":2}},
             "low":{"firstResponse":{"kind":"endOfNextBusinessDay"},"resolution":{"kind":"businessDays","days":5}},
             "pausingStatuses":["pending_customer"],"warningFraction":0.5}
            """
        let (status, body) = try await call(.PUT, "/api/v1/organizations/\(bloom.uuidString)/sla-policy", token: admin, json: policy)
        XCTAssertEqual(status, .ok, body)
        XCTAssertEqual(object(body)["source"] as? String, "organization")
        let shop = try await token("shop@bloom.example")
        let (_, created) = try await call(.POST, "/api/v1/tickets", token: shop, json: #"{"title":"Till dead","impact":"organization","urgency":"high"}"#)
        let ticket = object(created)
        let id = ticket["id"] as! String
        let (_, detail) = try await call(.GET, "/api/v1/tickets/\(id)", token: admin)
        let sla = object(detail)["sla"] as? [String: Any] ?? [:]
        XCTAssertEqual(sla["policy"] as? String, "Bloom premium")
        let formatter = ISO8601DateFormatter()
        let createdAt = formatter.date(from: ticket["createdAt"] as! String)!
        let due = formatter.date(from: sla["firstResponseDueAt"] as! String)!
        XCTAssertEqual(due.timeIntervalSince(createdAt), 900, accuracy: 1.5, "15 minutes round the clock")
        // Other organisations keep the built-in policy; clients read but cannot change theirs.
        let (_, green) = try await call(.GET, "/api/v1/organizations/\(self.green.uuidString)/sla-policy", token: admin)
        XCTAssertEqual(object(green)["source"] as? String, "builtin")
        let owner = try await token("owner@bloom.example")
        let read = try await call(.GET, "/api/v1/organizations/\(bloom.uuidString)/sla-policy", token: owner).0
        XCTAssertEqual(read, .ok)
        let write = try await call(.PUT, "/api/v1/organizations/\(bloom.uuidString)/sla-policy", token: owner, json: policy).0
        XCTAssertEqual(write, .forbidden)
        let (bad, badBody) = try await call(.PUT, "/api/v1/sla-policy", token: admin,
                                            json: #"{"name":"x","critical":{"firstResponse":{"kind":"wallClock","seconds":-5}}}"#)
        XCTAssertEqual(bad, .badRequest, badBody)
    }
}
