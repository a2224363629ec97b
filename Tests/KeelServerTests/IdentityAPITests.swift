import Fluent
import Foundation
import XCTest
import XCTVapor
@testable import KeelServer

final class IdentityAPITests: KeelTestCase {
    func testSignInAnswersATokenThatWorksAsBearer() async throws {
        let token = try await token("admin@keel.test")
        let (status, body) = try await call(.GET, "/api/v1/me", token: token)
        XCTAssertEqual(status, .ok)
        XCTAssertEqual(object(body)["email"] as? String, "admin@keel.test")
        XCTAssertEqual(object(body)["role"] as? String, "provider_admin")
    }

    func testWrongPasswordIsRefusedInTheCallersLanguage() async throws {
        let (status, body) = try await call(.POST, "/api/v1/session", json: #"{"email":"admin@keel.test","password":"not-the-password"}"#,
                                            headers: [("Accept-Language", "zh-CN,zh;q=0.9")])
        XCTAssertEqual(status, .unauthorized)
        XCTAssertEqual(errorCode(body), "sign_in_failed")
        let message = (object(body)["error"] as? [String: Any])?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("密码"), message)
    }

    func testTenFailedGuessesLockTheAccountForFiveMinutes() async throws {
        for _ in 0..<10 {
            let (status, _) = try await call(.POST, "/api/v1/session", json: #"{"email":"shop@bloom.example","password":"guess-guess-guess"}"#)
            XCTAssertEqual(status, .unauthorized)
        }
        // Even the right password is refused now, with a clear message.
        let (status, body) = try await call(.POST, "/api/v1/session", json: "{\"email\":\"shop@bloom.example\",\"password\":\"\(Self.password)\"}")
        XCTAssertEqual(status, .tooManyRequests)
        XCTAssertEqual(errorCode(body), "sign_in_throttled")
        // Another account is not affected by this account's lock... but the address limit is shared.
        let other = try await call(.POST, "/api/v1/session", json: "{\"email\":\"owner@bloom.example\",\"password\":\"\(Self.password)\"}")
        XCTAssertEqual(other.0, .tooManyRequests, "ten failures from one address lock that address too")
    }

    func testUnknownAndRevokedTokensAre401() async throws {
        let (status, body) = try await call(.GET, "/api/v1/me", token: "keel_nonsense")
        XCTAssertEqual(status, .unauthorized)
        XCTAssertEqual(errorCode(body), "unauthorized")
        let token = try await token("tech1@keel.test")
        let value1 = try await call(.DELETE, "/api/v1/session", token: token).0
        XCTAssertEqual(value1, .noContent)
        let value2 = try await call(.GET, "/api/v1/me", token: token).0
        XCTAssertEqual(value2, .unauthorized)
    }

    func testProviderAdminCreatesAnOrganisationAndItIsAudited() async throws {
        let admin = try await token("admin@keel.test")
        let auditBefore = try await count(AuditEvent.self)
        let (status, body) = try await call(.POST, "/api/v1/organizations", token: admin, json: """
            {"name":"北辰物流 Beichen Logistics","defaultLanguage":"zh-Hans","timezone":"Asia/Shanghai","emailDomains":["beichen.example"],"headcount":45}
            """)
        XCTAssertEqual(status, .created, body)
        let created = object(body)
        XCTAssertEqual(created["name"] as? String, "北辰物流 Beichen Logistics")
        XCTAssertEqual(created["emailDomains"] as? [String], ["beichen.example"])
        let events = try await AuditEvent.query(on: app.db).sort(\.$id, .descending).all()
        XCTAssertEqual(events.count, auditBefore + 1)
        XCTAssertEqual(events.first?.action, "organization.create")
        XCTAssertEqual(events.first?.actorLabel, "admin@keel.test")
        XCTAssertEqual(events.first?.via, "token")
        XCTAssertTrue(events.first?.changes.contains("Beichen") ?? false)
    }

    func testUpdateRecordsBeforeAndAfter() async throws {
        let admin = try await token("admin@keel.test")
        let (status, _) = try await call(.PATCH, "/api/v1/organizations/\(bloom.uuidString)", token: admin, json: #"{"headcount":9}"#)
        XCTAssertEqual(status, .ok)
        let event = try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first()
        XCTAssertEqual(event?.action, "organization.update")
        XCTAssertEqual(event?.changes, #"{"headcount":{"after":"9","before":"8"}}"#)
    }

    func testEmailDomainsBelongToOneOrganisation() async throws {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.PATCH, "/api/v1/organizations/\(bloom.uuidString)", token: admin,
                                            json: #"{"emailDomains":["greenlaw.example"]}"#)
        XCTAssertEqual(status, .conflict)
        XCTAssertEqual(errorCode(body), "domain_taken")
    }

    func testClientAdminCannotManageOrganisationsButManagesOwnPeople() async throws {
        let office = try await token("office@greenlaw.example")
        let status1 = try await call(.POST, "/api/v1/organizations", token: office,
                                      json: #"{"name":"X","defaultLanguage":"en","timezone":"UTC"}"#).0
        XCTAssertEqual(status1, .forbidden)
        let status2 = try await call(.PATCH, "/api/v1/organizations/\(green.uuidString)", token: office, json: #"{"name":"Y"}"#).0
        XCTAssertEqual(status2, .forbidden)
        let (status, body) = try await call(.POST, "/api/v1/users", token: office, json: """
            {"name":"New Trainee","email":"trainee@greenlaw.example","role":"client_user","password":"a-long-junior-passphrase"}
            """)
        XCTAssertEqual(status, .created, body)
        XCTAssertEqual(object(body)["organizationId"] as? String, green.uuidString)
        // A client admin cannot mint provider staff.
        let (denied, deniedBody) = try await call(.POST, "/api/v1/users", token: office, json: """
            {"name":"Sneaky","email":"sneaky@greenlaw.example","role":"provider_admin","password":"a-long-trainee-passphrase"}
            """)
        XCTAssertEqual(denied, .unprocessableEntity)
        XCTAssertEqual(errorCode(deniedBody), "role_not_allowed")
    }

    func testClientUsersCannotCreatePeople() async throws {
        let user = try await token("j.patel@greenlaw.example")
        let status3 = try await call(.POST, "/api/v1/users", token: user, json: """
            {"name":"X","email":"x@greenlaw.example","role":"client_user","password":"a-long-trainee-passphrase"}
            """).0
        XCTAssertEqual(status3, .forbidden)
    }

    func testPasswordPolicyAndDuplicateEmail() async throws {
        let admin = try await token("admin@keel.test")
        let (short, shortBody) = try await call(.POST, "/api/v1/users", token: admin, json: """
            {"name":"A","email":"a@bloom.example","role":"client_user","organizationId":"\(bloom.uuidString)","password":"short"}
            """)
        XCTAssertEqual(short, .unprocessableEntity)
        XCTAssertEqual(errorCode(shortBody), "password_too_short")
        XCTAssertEqual((object(shortBody)["error"] as? [String: Any])?["field"] as? String, "password")
        let (common, commonBody) = try await call(.POST, "/api/v1/users", token: admin, json: """
            {"name":"A","email":"a@bloom.example","role":"client_user","organizationId":"\(bloom.uuidString)","password":"password1234"}
            """)
        XCTAssertEqual(common, .unprocessableEntity)
        XCTAssertEqual(errorCode(commonBody), "password_too_common")
        let (taken, takenBody) = try await call(.POST, "/api/v1/users", token: admin, json: """
            {"name":"A","email":"SHOP@bloom.example","role":"client_user","organizationId":"\(bloom.uuidString)","password":"an-acceptable-passphrase"}
            """)
        XCTAssertEqual(taken, .conflict)
        XCTAssertEqual(errorCode(takenBody), "email_taken")
    }

    func testDeactivatedPeopleKeepHistoryButLoseAccess() async throws {
        let admin = try await token("admin@keel.test")
        let shop = try await token("shop@bloom.example")
        let target = user("shop@bloom.example")
        let (status, body) = try await call(.PATCH, "/api/v1/users/\(target.uuidString)", token: admin, json: #"{"active":false}"#)
        XCTAssertEqual(status, .ok, body)
        XCTAssertEqual(object(body)["active"] as? Bool, false)
        let value3 = try await call(.GET, "/api/v1/me", token: shop).0
        XCTAssertEqual(value3, .unauthorized)
        let value4 = try await User.find(target, on: app.db)
        XCTAssertNotNil(value4, "the person is kept")
        let event = try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first()
        XCTAssertEqual(event?.action, "user.deactivate")
        let (selfStatus, selfBody) = try await call(.PATCH, "/api/v1/users/\(user("admin@keel.test").uuidString)", token: admin, json: #"{"active":false}"#)
        XCTAssertEqual(selfStatus, .unprocessableEntity)
        XCTAssertEqual(errorCode(selfBody), "cannot_deactivate_self")
    }

    func testRestrictedTechnicianSeesOnlyAssignedOrganisations() async throws {
        let tech3 = try await token("tech3@keel.test")
        let (status, body) = try await call(.GET, "/api/v1/organizations", token: tech3)
        XCTAssertEqual(status, .ok)
        let ids = (object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertEqual(ids, [huaxin.uuidString])
        let value5 = try await call(.GET, "/api/v1/organizations/\(green.uuidString)", token: tech3).0
        XCTAssertEqual(value5, .notFound)
        // An admin can change the assignment; the technician's view follows.
        let admin = try await token("admin@keel.test")
        let (patched, _) = try await call(.PATCH, "/api/v1/users/\(user("tech3@keel.test").uuidString)", token: admin,
                                          json: "{\"technicianOrganizationIds\":[\"\(green.uuidString)\"]}")
        XCTAssertEqual(patched, .ok)
        let value6 = try await call(.GET, "/api/v1/organizations/\(green.uuidString)", token: tech3).0
        XCTAssertEqual(value6, .ok)
        let value7 = try await call(.GET, "/api/v1/organizations/\(huaxin.uuidString)", token: tech3).0
        XCTAssertEqual(value7, .notFound)
    }

    func testIntegrationTokenActsForItsOrganisationOnly() async throws {
        let admin = try await token("admin@keel.test")
        let (status, body) = try await call(.POST, "/api/v1/tokens", token: admin,
                                            json: "{\"name\":\"RMM sync\",\"organizationId\":\"\(huaxin.uuidString)\"}")
        XCTAssertEqual(status, .created, body)
        let secret = object(body)["token"] as? String ?? ""
        XCTAssertTrue(secret.hasPrefix("keel_"))
        XCTAssertEqual(object(body)["kind"] as? String, "integration")
        let stored = try await ApiToken.query(on: app.db).filter(\.$name == "RMM sync").first()
        XCTAssertNotEqual(stored?.tokenHash, secret, "only the hash is stored")
        let value8 = try await call(.GET, "/api/v1/organizations/\(huaxin.uuidString)", token: secret).0
        XCTAssertEqual(value8, .ok)
        let value9 = try await call(.GET, "/api/v1/organizations/\(green.uuidString)", token: secret).0
        XCTAssertEqual(value9, .notFound)
        let status4 = try await call(.POST, "/api/v1/organizations", token: secret,
                                      json: #"{"name":"X","defaultLanguage":"en","timezone":"UTC"}"#).0
        XCTAssertEqual(status4, .forbidden)
    }

    func testPersonalTokensExpireAndCanBeRevoked() async throws {
        let tech = try await token("tech2@keel.test")
        let (past, pastBody) = try await call(.POST, "/api/v1/tokens", token: tech, json: #"{"name":"old","expiresAt":"2020-01-01T00:00:00Z"}"#)
        XCTAssertEqual(past, .unprocessableEntity)
        XCTAssertEqual(errorCode(pastBody), "expiry_in_past")
        let (status, body) = try await call(.POST, "/api/v1/tokens", token: tech, json: #"{"name":"laptop script"}"#)
        XCTAssertEqual(status, .created)
        let secret = object(body)["token"] as? String ?? ""
        let id = object(body)["id"] as? String ?? ""
        let (listStatus, list) = try await call(.GET, "/api/v1/tokens", token: secret)
        XCTAssertEqual(listStatus, .ok)
        XCTAssertFalse(list.contains(secret), "the secret is never listed")
        let value10 = try await call(.DELETE, "/api/v1/tokens/\(id)", token: tech).0
        XCTAssertEqual(value10, .ok)
        let value11 = try await call(.GET, "/api/v1/me", token: secret).0
        XCTAssertEqual(value11, .unauthorized)
        // Expiry in the past is enforced at use, too.
        let stored = try await ApiToken.query(on: app.db).filter(\.$name == "session").first()!
        stored.expiresAt = Date().addingTimeInterval(-1)
        try await stored.save(on: app.db)
        let (expired, _) = try await call(.GET, "/api/v1/me", token: tech)
        XCTAssertEqual(expired, .unauthorized)
    }

    func testChangingOwnPasswordNeedsTheCurrentOne() async throws {
        let token = try await token("wang.fang@huaxin-design.example")
        let (wrong, wrongBody) = try await call(.POST, "/api/v1/me/password", token: token,
                                                json: #"{"currentPassword":"nope-nope-nope","newPassword":"a fresh passphrase 2026"}"#)
        XCTAssertEqual(wrong, .unprocessableEntity)
        XCTAssertEqual(errorCode(wrongBody), "current_password_wrong")
        let (ok, _) = try await call(.POST, "/api/v1/me/password", token: token,
                                     json: "{\"currentPassword\":\"\(Self.password)\",\"newPassword\":\"a fresh passphrase 2026\"}")
        XCTAssertEqual(ok, .noContent)
        _ = try await self.token("wang.fang@huaxin-design.example", password: "a fresh passphrase 2026")
    }

    func testLanguageComesFromPersonThenBrowserThenOrganisation() async throws {
        // li.lei has no language of their own; Huaxin's default is Chinese.
        let li = try await token("li.lei@huaxin-design.example")
        let value12 = object(try await call(.GET, "/api/v1/me", token: li).1)["language"] as? String
        XCTAssertEqual(value12, "zh-Hans")
        let value13 = object(try await call(.GET, "/api/v1/me", token: li, headers: [("Accept-Language", "en-GB")]).1)["language"] as? String
        XCTAssertEqual(value13, "en")
        // wang.fang chose Chinese, whatever the browser says.
        let wang = try await token("wang.fang@huaxin-design.example")
        let value14 = object(try await call(.GET, "/api/v1/me", token: wang, headers: [("Accept-Language", "en-GB")]).1)["language"] as? String
        XCTAssertEqual(value14, "zh-Hans")
        // Errors follow the same choice.
        let (_, body) = try await call(.GET, "/api/v1/organizations/\(green.uuidString)", token: wang)
        XCTAssertEqual((object(body)["error"] as? [String: Any])?["message"] as? String, "未找到。")
    }

    func testAuditIsForAdminsAndScopedToTheirOrganisation() async throws {
        let user = try await token("j.patel@greenlaw.example")
        let value15 = try await call(.GET, "/api/v1/audit", token: user).0
        XCTAssertEqual(value15, .forbidden)
        let office = try await token("office@greenlaw.example")
        let (status, body) = try await call(.GET, "/api/v1/audit?limit=500", token: office)
        XCTAssertEqual(status, .ok)
        let organizations = Set((object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["organizationId"] as? String })
        XCTAssertEqual(organizations, [green.uuidString])
        let admin = try await token("admin@keel.test")
        let all = object(try await call(.GET, "/api/v1/audit?limit=500", token: admin).1)["items"] as? [[String: Any]] ?? []
        XCTAssertGreaterThan(all.count, 15)
    }

    func testListsPageWithCursors() async throws {
        let admin = try await token("admin@keel.test")
        var seen: [String] = []
        var cursor: String?
        repeat {
            let path = "/api/v1/users?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = object(try await call(.GET, path, token: admin).1)
            seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page["nextCursor"] as? String
        } while cursor != nil
        XCTAssertEqual(seen.count, DemoData.people.count + 0)
        XCTAssertEqual(Set(seen).count, seen.count)
        let value16 = try await call(.GET, "/api/v1/users?limit=501", token: admin).0
        XCTAssertEqual(value16, .badRequest)
        let value17 = try await call(.GET, "/api/v1/users?cursor=zzz", token: admin).0
        XCTAssertEqual(value17, .badRequest)
    }
}

final class IntegrationTokenBoundaryTests: KeelTestCase {
    func testAnIntegrationTokenCannotReachItsCreatorsPersonalThings() async throws {
        let admin = try await token("admin@keel.test")
        let (_, personal) = try await call(.POST, "/api/v1/tokens", token: admin, json: #"{"name":"my laptop"}"#)
        let personalID = object(personal)["id"] as! String
        _ = try await call(.POST, "/api/v1/views", token: admin, json: #"{"name":"Mine","query":"sla=breached"}"#)
        let (_, body) = try await call(.POST, "/api/v1/tokens", token: admin, json: "{\"name\":\"RMM\",\"organizationId\":\"\(green.uuidString)\"}")
        let integration = object(body)["token"] as! String
        let tokens = object(try await call(.GET, "/api/v1/tokens", token: integration).1)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(tokens.map { $0["name"] as? String }, ["RMM"], "only itself, not the creator's tokens")
        let revoke = try await call(.DELETE, "/api/v1/tokens/\(personalID)", token: integration).0
        XCTAssertEqual(revoke, .notFound)
        let views = object(try await call(.GET, "/api/v1/views", token: integration).1)["items"] as? [Any] ?? []
        XCTAssertTrue(views.isEmpty)
        let notifications = try await call(.GET, "/api/v1/notifications", token: integration).0
        XCTAssertEqual(notifications, .forbidden)
        let password = try await call(.POST, "/api/v1/me/password", token: integration,
                                      json: "{\"currentPassword\":\"\(Self.password)\",\"newPassword\":\"taken over by a token 2026\"}").0
        XCTAssertEqual(password, .forbidden)
        let mint = try await call(.POST, "/api/v1/tokens", token: integration, json: #"{"name":"child"}"#).0
        XCTAssertEqual(mint, .forbidden)
    }
}
